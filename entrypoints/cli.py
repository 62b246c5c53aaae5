"""The ``claimbot`` command line: one entry point onto the core, for people and for scripts.

Exit codes: 0 done (a question with no match is done), 2 usage error, 1 any other error; errors
go to stderr in one sentence.
"""

from __future__ import annotations

import csv
import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click
from sqlalchemy.exc import SQLAlchemyError

from bot.answers import Answer
from bot.claimreview import to_claimreview
from bot.config import load_settings
from bot.core import Core
from bot.errors import ClaimBotError, DatabaseUnavailableError
from bot.importing import CSV_PRESETS, FORMATS, file_kinds, read_claims
from bot.models import utcnow
from bot.records import document_head, dump_document, first_json_item, open_json
from bot.render_text import (
    render_answer,
    render_digest,
    render_help,
    render_proposals,
    render_subscription,
    render_topic_history,
    render_topics,
)
from bot.requests import Help, parse

if TYPE_CHECKING:
    from bot.learning import ProposalView

log = logging.getLogger("claimbot")


class _OneSentence(click.Group):
    """Known failures (ClaimBot's own, the database's) become one sentence and exit code 1."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ClaimBotError as exc:
            raise click.ClickException(str(exc)) from exc
        except OSError as exc:  # a file that cannot be read or written, told in one sentence
            where = f" {exc.filename}" if exc.filename else ""
            raise click.ClickException(f"Cannot use{where}: {exc.strerror or exc}.") from exc
        except UnicodeDecodeError as exc:  # e.g. ask --batch on a file that is not UTF-8
            raise click.ClickException(
                f"The input is not UTF-8 text (byte {exc.start}); save it as UTF-8."
            ) from exc
        except SQLAlchemyError as exc:
            log.debug("database error", exc_info=exc)
            detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise click.ClickException(f"the database failed ({detail}).") from exc


@click.group(cls=_OneSentence)
@click.version_option(package_name="claimbot", prog_name="claimbot")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """ClaimBot: contested figures, every side's claim, with sources and caveats."""
    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    if settings.log_level.upper() != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)
    ctx.obj = Core.from_settings(settings)
    ctx.call_on_close(ctx.obj.engine.dispose)


@cli.command()
@click.option("--no-seed", is_flag=True, help="Do not load the seed claims.")
@click.pass_obj
def init(core: Core, no_seed: bool) -> None:
    """Create or migrate the schema and load the seed claims into an empty database."""
    result = core.init(seed=not no_seed)
    if result:
        click.echo(f"Database ready; loaded {result.created} seed claims.")
    else:
        click.echo("Database ready.")


@cli.command()
@click.argument("question", required=False)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="At most this many matched topics.",
)
@click.option(
    "--batch",
    type=click.File("r", encoding="utf-8"),
    help="Answer one question per line of FILE (- for stdin), one JSON line each.",
)
@click.option(
    "--history", is_flag=True, help="List every dated claim on the best-matching topic instead."
)
@click.option(
    "--outlets", is_flag=True, help="Text: list the outlets that repeat each claim's source."
)
@click.pass_obj
def ask(
    core: Core,
    question: str | None,
    fmt: str,
    limit: int,
    batch: IO[str] | None,
    history: bool,
    outlets: bool,
) -> None:
    """Answer QUESTION with every claimant's latest claim on the best-matching topic."""
    if (question is None) == (batch is None):
        raise click.UsageError("Give either a QUESTION or --batch FILE, not both or neither.")
    core.require_schema()
    if question is not None and not history and fmt == "text" and _is_help(question):
        click.echo(render_help(core.answers.topic_count(), prefix="claimbot "))
        return
    if history and question is not None:
        topic = core.answers.history(question)
        if fmt == "json":
            document = Answer(question, (topic,) if topic else (), (), True).to_json()
            click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            click.echo(render_topic_history(topic, question))
        return
    if batch is not None:
        queries = (line.rstrip("\n") for line in batch)  # each answered as it is read
        for query, answer in core.answers.ask_batch(queries, limit):
            document = (
                {"query": query, "error": str(answer)}
                if isinstance(answer, ClaimBotError)
                else answer.to_json()
            )
            click.echo(json.dumps(document, ensure_ascii=False))
        return
    assert question is not None
    answer = core.answers.ask(question, limit)
    if fmt == "json":
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_answer(answer, outlets=outlets))


def _is_help(question: str) -> bool:
    try:
        return isinstance(parse(question), Help)
    except ClaimBotError:
        return False


@cli.command()
@click.argument("query", nargs=-1)
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Topics per page.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_obj
def topics(core: Core, query: tuple[str, ...], page: int, limit: int, fmt: str) -> None:
    """List the topics with claims whose title or an alias contains QUERY (any case; every
    topic without one), alphabetically, with claim counts and the newest claim's date."""
    core.require_schema()
    listing = core.answers.topics_page(" ".join(query) or None, page, limit)
    if fmt == "json":
        document = {
            "query": listing.query,
            "total": listing.total,
            "page": listing.page,
            "pages": listing.pages,
            "topics": [
                {"topic": t.title, "claims": t.claims, "newest": t.newest.isoformat()}
                for t in listing.topics
            ],
            "suggestions": list(listing.suggestions),
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    click.echo(render_topics(listing, more=f"--page {listing.page + 1}"))


def _check_import_file(path: Path, fmt: str | None) -> None:
    """Refuse, with what to do, a file that is empty, a CSV whose quote never closes, and a
    ClaimReview or General Staff file given without its --format; reading it as a stream."""
    chosen = fmt or ("csv" if path.suffix.casefold() in {".csv", ".tsv"} else "json")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            if not any(line.strip() for line in handle):
                raise ClaimBotError(
                    f"{path.name} is empty: there is nothing to import. Export the sheet "
                    "again, or see the README's Importing section for the columns a CSV needs."
                )
            if chosen == "csv" or chosen in CSV_PRESETS:
                handle.seek(0)
                try:
                    for _row in csv.reader(handle, strict=True):
                        pass
                except csv.Error as exc:
                    handle.seek(0)
                    if sum(line.count('"') for line in handle) % 2:
                        raise ClaimBotError(
                            f'{path.name} has a quote (") that is never closed, so the rest of '
                            "the file would be read as one field: close or remove it, then "
                            "import again."
                        ) from exc
    except (OSError, UnicodeDecodeError):
        return  # the reader says so, naming the file
    if chosen == "json" and fmt is None:
        _check_json_kind(path)


def _check_json_kind(path: Path) -> None:
    """Name the --format a JSON file that is no ClaimBot document looks like it needs."""
    try:
        with open_json(path) as handle:
            document_head(handle)
        return
    except ClaimBotError:
        pass  # no ClaimBot document: what does its first item look like?
    try:
        first, listed = first_json_item(path)
    except ClaimBotError:
        return  # the reader says where the JSON is broken
    first = first if isinstance(first, dict) else {}
    if first.get("@type") == "ClaimReview" or "claimReviewed" in first:
        raise ClaimBotError(
            f"{path.name} looks like schema.org ClaimReview: add --format claimreview."
        )
    if listed and "equipment_oryx" in first:
        raise ClaimBotError(
            f"{path.name} looks like Oryx's equipment losses: add --format oryx and the day of "
            "its snapshot, --date YYYY-MM-DD."
        )
    if listed and "date" in first and ("personnel" in first or "day" in first):
        raise ClaimBotError(
            f"{path.name} looks like the General Staff's daily losses series: "
            "add --format ukraine-losses."
        )


@cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Default: csv for .csv and .tsv files, else json.",
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="CSV: read FIELD from COLUMN, or from a template like 'FIELD={a}: {b}'.",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="FIELD=VALUE",
    help="CSV: give FIELD this value on every row.",
)
@click.option(
    "--date",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Oryx: the day of the snapshot (the file holds no dates).",
)
@click.pass_obj
def import_(
    core: Core,
    path: Path,
    fmt: str | None,
    maps: tuple[str, ...],
    sets: tuple[str, ...],
    on: datetime | None,
) -> None:
    """Import claims from a file, all or nothing; known keys update, never duplicate."""
    core.require_schema()
    _check_import_file(path, fmt)
    records = read_claims(path, fmt, maps, sets, on.date() if on else None)
    kinds = file_kinds(path, fmt)
    author = f"import:{path.name}"
    if sys.stderr.isatty():  # the file is read as it is imported: the bar counts claims
        with click.progressbar(
            records, label=f"Importing {path.name}", show_pos=True, file=sys.stderr
        ) as bar:
            result = core.editing.import_records(bar, author, kinds=kinds)
    else:
        result = core.editing.import_records(records, author, kinds=kinds)
    assert result is not None  # only seeding skips a store that has claims
    click.echo(
        f"Imported {path.name}: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged."
    )


@cli.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of stdout.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "claimreview"]), default="json", show_default=True
)
@click.option(
    "--reviewer",
    default="ClaimBot",
    show_default=True,
    help="ClaimReview: the organisation named as the review's author.",
)
@click.pass_obj
def export(core: Core, output: Path | None, fmt: str, reviewer: str) -> None:
    """Export every claim, retired ones included."""
    core.require_schema()
    if sys.stderr.isatty():
        with click.progressbar(
            length=core.editing.claim_count(), label="Exporting", file=sys.stderr
        ) as bar:
            records = core.editing.export_records(progress=bar.update)
    else:
        records = core.editing.export_records()
    if fmt == "json":
        text = dump_document(records, core.editing.kinds())
    else:
        today = utcnow().date()
        reviews = [to_claimreview(r, reviewer, today) for r in records]
        text = json.dumps(reviews, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ClaimBotError(f"Cannot write {output}: {exc.strerror}.") from exc
        click.echo(f"Exported to {output}.", err=True)


@cli.group()
def kinds() -> None:
    """What figures may count: list the kinds, add one."""


@kinds.command("list")
@click.pass_obj
def kinds_list(core: Core) -> None:
    """Every kind a figure may count: its key (for imports and the form) and its label."""
    core.require_schema()
    for key, label in core.editing.kinds().items():
        click.echo(f"{key}\t{label}")


@kinds.command("add")
@click.argument("key")
@click.argument("label")
@click.pass_obj
def kinds_add(core: Core, key: str, label: str) -> None:
    """Add KEY (lowercase letters, digits, underscores), shown as LABEL."""
    core.require_schema()
    core.editing.add_kind(key, label)
    click.echo(f"Added the kind {key}: {label}.")


@cli.command()
@click.pass_obj
def console(core: Core) -> None:
    """A local chat that answers as the bot would in Slack, rendered as text."""
    from entrypoints.console import run_console  # noqa: PLC0415  (commands load their own)

    core.require_schema()
    run_console(core, sys.stdin, sys.stdout)


@cli.command()
@click.option("--socket", "mode", flag_value="socket", help="Socket Mode (needs SLACK_APP_TOKEN).")
@click.option("--http", "mode", flag_value="http", help="HTTP mode on gunicorn.")
@click.option("--host", default="0.0.0.0", show_default=True, help="HTTP mode: address to bind.")  # noqa: S104
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=3000,
    show_default=True,
    envvar="PORT",
    help="HTTP mode: port (also read from PORT).",
)
@click.pass_obj
def serve(core: Core, mode: str | None, host: str, port: int) -> None:
    """Run the Slack bot: --socket (Socket Mode) or --http (POST /slack/events, GET /healthz)."""
    if mode is None:
        raise click.UsageError("Choose --socket or --http.")
    # Imported here so the rest of the CLI (and the core) never loads Slack or gunicorn.
    from handlers import server  # noqa: PLC0415

    if mode == "socket":
        server.serve_socket(core.settings)
    else:
        server.serve_http(core.settings, host, port)


#: Chart formats by the output's suffix.
CHART_FORMATS = {".png": "png", ".jpg": "jpg", ".jpeg": "jpg", ".svg": "svg", ".pdf": "pdf"}


@cli.command()
@click.argument("question")
@click.option(
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Where to write the chart: .png, .jpg/.jpeg, .svg or .pdf.",
)
@click.pass_obj
def chart(core: Core, question: str, output: Path) -> None:
    """Plot every claimant's figures over time for the topic QUESTION matches, in the format
    the output's suffix names (.png, .jpg/.jpeg, .svg, .pdf)."""
    fmt = CHART_FORMATS.get(output.suffix.casefold())
    if fmt is None:
        raise click.BadParameter(
            f"{output.name!r} must end in one of {', '.join(CHART_FORMATS)}.",
            param_hint="'--output'",
        )
    from bot.charts import chart_for, render_chart  # noqa: PLC0415

    core.require_schema()
    data = chart_for(core.answers, question)
    if data is None:
        click.echo(render_answer(core.answers.ask(question)))
        return
    image = render_chart(data, fmt)
    try:
        output.write_bytes(image)
    except OSError as exc:
        raise ClaimBotError(f"Cannot write {output}: {exc.strerror}.") from exc
    click.echo(f"Chart of {data.topic!r} ({len(data.series)} series) written to {output}.")


@cli.group()
def digest() -> None:
    """Scheduled digests of new and changed claims, posted to Slack channels."""


@digest.command("subscribe")
@click.option("--channel", required=True, help="Slack channel ID, e.g. C0123456789.")
@click.option("--cron", required=True, help='Cron expression, e.g. "0 9 * * *".')
@click.option("--tz", "timezone", default="UTC", show_default=True, help="IANA time zone.")
@click.option("--query", help="Only topics matching this question.")
@click.option("--post-when-empty", is_flag=True, help='Post "nothing new" rather than nothing.')
@click.pass_obj
def digest_subscribe(
    core: Core,
    channel: str,
    cron: str,
    timezone: str,
    query: str | None,
    post_when_empty: bool,
) -> None:
    """Subscribe a channel to a digest."""
    from bot.schedules import Schedule  # noqa: PLC0415

    core.require_schema()
    try:
        schedule = Schedule.parse(cron, timezone)
        if query and query.strip():
            core.digests.check_query(query.strip())
    except DatabaseUnavailableError:
        raise
    except ClaimBotError as exc:
        raise click.UsageError(
            str(exc).replace("`topics WORDS`", "`claimbot topics WORDS`")
        ) from exc
    view = core.digests.subscribe(
        channel=channel,
        schedule=schedule,
        query=query,
        created_by="cli",
        post_when_empty=post_when_empty,
    )
    click.echo(f"Subscribed. {render_subscription(view)}")


@digest.command("list")
@click.option("--channel", help="Only this channel's digests.")
@click.pass_obj
def digest_list(core: Core, channel: str | None) -> None:
    """List current digests with their next run and state."""
    core.require_schema()
    views = core.digests.subscriptions(channel)
    for view in views:
        click.echo(render_subscription(view))
    if not views:
        click.echo("No digests.")


@digest.command("preview")
@click.argument("subscription_id", type=int)
@click.pass_obj
def digest_preview(core: Core, subscription_id: int) -> None:
    """Print the digest subscription ID would post now, as text; posts nothing, needs no Slack."""
    core.require_schema()
    digest = core.digests.preview(subscription_id)
    click.echo(render_digest(digest))


@digest.command("unsubscribe")
@click.argument("subscription_id", type=int)
@click.pass_obj
def digest_unsubscribe(core: Core, subscription_id: int) -> None:
    """End a digest."""
    core.require_schema()
    click.echo(f"Ended. {render_subscription(core.digests.unsubscribe(subscription_id))}")


@digest.command("resume")
@click.argument("subscription_id", type=int)
@click.pass_obj
def digest_resume(core: Core, subscription_id: int) -> None:
    """Resume a digest paused after repeated failures."""
    core.require_schema()
    click.echo(f"Resumed. {render_subscription(core.digests.resume(subscription_id))}")


def _moment(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    """An ISO 8601 moment; UTC unless it carries an offset."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2026-11-27T09:00:00+02:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@digest.command("send-due")
@click.option(
    "--now",
    callback=_moment,
    help="Act as if it were this moment (ISO 8601; UTC unless an offset is given).",
)
@click.pass_obj
def digest_send_due(core: Core, now: datetime | None) -> None:
    """Post every digest due now that has not been posted, then exit."""
    from entrypoints.clock import publisher  # noqa: PLC0415

    core.require_schema()
    outcomes = core.digests.send_due(publisher(core), now)
    for outcome in outcomes:
        detail = f" ({outcome.error})" if outcome.error else ""
        click.echo(
            f"digest {outcome.subscription_id} slot {outcome.slot}: {outcome.status}, "
            f"{outcome.claims} claims{detail}"
        )
    failed = sum(outcome.status == "failed" for outcome in outcomes)
    if failed:
        raise ClaimBotError(
            f"{failed} digest{'s' if failed != 1 else ''} could not be posted; "
            "the next run tries again."
        )


@cli.group()
def aliases() -> None:
    """Proposed aliases: questions people resolved by picking a suggested topic, for editors to
    accept as another name of that topic or reject."""


#: Who the command line records as having decided a proposal.
CLI_AUTHOR = "cli"


@aliases.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_obj
def aliases_list(core: Core, fmt: str) -> None:
    """List the proposed aliases waiting for an editor, most picked first."""
    core.require_schema()
    page = core.learning.pending()
    if fmt == "json":
        document = [p.to_json() for p in page.proposals]
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    click.echo(render_proposals(page, prefix="claimbot "))


@aliases.command("accept")
@click.argument("proposal_id", type=int)
@click.pass_obj
def aliases_accept(core: Core, proposal_id: int) -> None:
    """Make proposal PROPOSAL_ID one of its topic's aliases."""
    core.require_schema()
    click.echo(core.learning.accept(proposal_id, CLI_AUTHOR).summary)


@aliases.command("reject")
@click.argument("proposal_id", type=int)
@click.pass_obj
def aliases_reject(core: Core, proposal_id: int) -> None:
    """Turn proposal PROPOSAL_ID down: it is never proposed again for that topic."""
    core.require_schema()
    click.echo(core.learning.reject(proposal_id, CLI_AUTHOR).summary)


#: What each answer to the review's prompt does.
REVIEW_CHOICES = {"a": "accepted", "r": "rejected", "s": "skipped", "q": "quit"}


@aliases.command("review")
@click.pass_obj
def aliases_review(core: Core) -> None:
    """Go through the proposed aliases one by one: accept, reject or skip each (or quit)."""
    core.require_schema()
    page = core.learning.pending()
    click.echo(page.heading)
    counts = dict.fromkeys(("accepted", "rejected", "skipped"), 0)
    for proposal in page.proposals:
        outcome = _review(core, proposal)
        if outcome == "quit":
            break
        counts[outcome] += 1
    click.echo(", ".join(f"{n} {outcome}" for outcome, n in counts.items()) + ".")


def _review(core: Core, proposal: ProposalView) -> str:
    """Ask about one proposal and act on the answer; what was done."""
    click.echo(f'\n[{proposal.id}] "{proposal.alias}" -> {proposal.topic}: {proposal.detail}')
    choice = click.prompt(
        "[a]ccept, [r]eject, [s]kip or [q]uit?",
        type=click.Choice(list(REVIEW_CHOICES), case_sensitive=False),
        default="s",
        show_choices=False,
    ).casefold()
    outcome = REVIEW_CHOICES[choice]
    if outcome not in {"accepted", "rejected"}:
        return outcome
    decide = core.learning.accept if outcome == "accepted" else core.learning.reject
    try:
        click.echo(decide(proposal.id, CLI_AUTHOR).summary)
    except DatabaseUnavailableError:
        raise
    except ClaimBotError as exc:  # decided by someone else since the list was read
        click.echo(str(exc))
        return "skipped"
    return outcome


@cli.command()
@click.pass_obj
def clock(core: Core) -> None:
    """Send due digests at the start of every minute until stopped (Procfile `clock`)."""
    from entrypoints.clock import run_clock  # noqa: PLC0415

    core.require_schema()
    run_clock(core)


@cli.command()
@click.pass_context
def run(ctx: click.Context) -> None:
    """Start the bot in Socket Mode when Slack tokens are set, else the local console."""
    core: Core = ctx.obj
    if core.settings.socket_mode_ready:
        ctx.invoke(serve, mode="socket")
    else:
        ctx.invoke(console)


def main() -> None:
    """Run the CLI: exit 0 when done, 2 on a usage error, 1 on any other, in one sentence."""
    cli(prog_name="claimbot")
