"""The ``claimbot`` command line: one entry point onto the core, for people and for scripts.

Exit codes: 0 done (a question with no match is done), 2 usage error, 1 any other error; errors
go to stderr in one sentence.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import IO

import click
from sqlalchemy.exc import SQLAlchemyError

from bot import db
from bot.config import load_settings
from bot.console import run_console
from bot.core import Core
from bot.errors import ClaimBotError
from bot.records import dump_document, load_file
from bot.render_text import render_answer
from bot.store import ClaimStore, to_record

log = logging.getLogger("claimbot")


@click.group()
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
@click.pass_obj
def ask(core: Core, question: str | None, fmt: str, limit: int, batch: IO[str] | None) -> None:
    """Answer QUESTION with every claimant's latest claim on the best-matching topic."""
    if (question is None) == (batch is None):
        raise click.UsageError("Give either a QUESTION or --batch FILE, not both or neither.")
    core.require_schema()
    if batch is not None:
        for line in batch:
            query = line.rstrip("\n")
            try:
                document = core.answers.ask(query, limit).to_json()
            except ClaimBotError as exc:
                document = {"query": query, "error": str(exc)}
            click.echo(json.dumps(document, ensure_ascii=False))
        return
    assert question is not None
    answer = core.answers.ask(question, limit)
    if fmt == "json":
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_answer(answer))


@cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def import_(core: Core, path: Path) -> None:
    """Import claims from a JSON file; all or nothing."""
    core.require_schema()
    records = load_file(path)
    with db.transaction(core.sessions) as session:
        result = ClaimStore(session).import_records(records, author=f"import:{path.name}")
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
@click.pass_obj
def export(core: Core, output: Path | None) -> None:
    """Export every claim, retired ones included, as JSON."""
    core.require_schema()
    with core.sessions() as session:
        text = dump_document([to_record(c) for c in ClaimStore(session).all_claims()])
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Exported to {output}.", err=True)


@cli.command()
@click.pass_obj
def console(core: Core) -> None:
    """A local chat that answers as the bot would in Slack, rendered as text."""
    core.require_schema()
    run_console(core.answers, sys.stdin, sys.stdout)


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
    """Run the CLI, turning known failures into one sentence on stderr and exit code 1."""
    try:
        code = cli.main(standalone_mode=False, prog_name="claimbot")
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ClaimBotError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except SQLAlchemyError as exc:
        log.debug("database error", exc_info=exc)
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        click.echo(f"Error: the database failed ({detail}).", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
