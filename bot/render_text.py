"""Answers as plain text, for the terminal: the CLI's ``ask`` and the local console."""

from __future__ import annotations

from collections.abc import Sequence
from textwrap import indent
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.answers import Answer, ClaimView, FigureView, TopicAnswer, TopicsPage
from bot.formatting import format_date

if TYPE_CHECKING:  # a question's answer needs none of these services
    from bot.digests import Digest, SubscriptionView
    from bot.editing import RevisionView
    from bot.learning import ProposalsPage

HELP = """\
Ask about a contested figure and get every side's latest claim, with who made it, where it
was published, when, and whether anyone has verified it.

  /claims QUESTION              answer only you see, with a button to share it
                                (e.g. /claims russian losses as of 1 June 2023)
  @claimbot QUESTION            mention the bot; in a thread it answers in the thread
  /claims topics [WORDS]        topics whose title or alias contains WORDS (all without),
                                with claim counts and newest dates; add "page 2" for more
  /claims chart QUESTION        post a chart of every claimant's figures over time
  /claims history ID            every revision of claim ID
  /claims add                   open the form for a new claim (editors)
  /claims aliases               questions people resolved by picking a suggested topic,
                                proposed as aliases of it; accept or reject each (editors)
  /claims help                  this help

Digests of new and changed claims, posted to the channel:
  /claims digest daily HH:MM [TZ] [always] [QUESTION]
  /claims digest weekly DAY HH:MM [TZ] [always] [QUESTION]
  /claims digest list           this channel's digests
  /claims digest off ID         end a digest
  /claims digest resume ID      resume a digest paused after failures
TZ is an IANA time zone (default: yours); "always" posts "nothing new" rather than
skipping a quiet day; QUESTION limits the digest to the topics it matches.

Questions can be typed loosely: "how many russian soldiers have died?" works too."""


def topics_pointer(topic_count: int, prefix: str = "") -> str:
    """Where help points for the topics: how many there are and how to list them."""
    if not topic_count:
        return "No topics have claims yet."
    count = f"{topic_count:,} topic{'s have' if topic_count != 1 else ' has'} claims"
    return f"{count}: type `{prefix}topics` to list them, or `{prefix}topics WORDS` to search."


def render_help(topic_count: int, prefix: str = "") -> str:
    """The help, pointing to the topics with ``prefix`` (``claimbot `` on the command line)."""
    return HELP + "\n\n" + topics_pointer(topic_count, prefix)


def render_topics(page: TopicsPage, more: str | None = None) -> str:
    """A page of topics, one line each: title, claim count, newest claim's day; ``more`` says
    how to get the next page (default: the request to type)."""
    lines = [page.heading]
    lines.extend(
        f"  - {t.title}: {t.claims:,} claim{'s' if t.claims != 1 else ''}, "
        f"newest {format_date(t.newest)}"
        for t in page.topics
    )
    if page.suggestions:
        lines.append("Closest topics: " + "; ".join(page.suggestions))
    following = page.next_request()
    if following:
        lines.append(f"More: {more or f'`{following}`'}.")
    return "\n".join(lines)


def render_answer(answer: Answer, *, outlets: bool = False) -> str:
    """An answer as text; ``outlets`` lists the outlets that repeat each claim."""
    if not answer.matches:
        return render_no_match(answer)
    parts = [render_topic(m, outlets=outlets) for m in answer.matches]
    if answer.when:
        parts.insert(0, answer.when)
    if answer.message:
        parts.insert(0, f'Stored claims this message repeats, best first: "{answer.asked}"')
    elif len(answer.matches) > 1:
        parts.insert(0, f'"{answer.question}" fits {len(answer.matches)} topics equally well.')
    if not answer.certain and answer.suggestions:
        parts.append("Not what you meant? Try: " + "; ".join(answer.suggestions))
    return "\n\n".join(parts)


def render_no_match(answer: Answer) -> str:
    text = f'No claims found for "{answer.asked}".'
    if answer.suggestions:
        text += "\nClosest topics: " + "; ".join(answer.suggestions)
    else:
        text += "\nType `topics` to list the topics with claims, or `topics WORDS` to search."
    return text


def render_topic(topic: TopicAnswer, *, outlets: bool = False) -> str:
    count = len(topic.claims)
    heading = (
        f"{topic.topic}\n"
        + (
            f"{count} competing claims, the latest from each claimant. "
            if count > 1
            else ("One claim. " if count else "No claim to show.")
        )
        + topic.verification_summary
    )
    notes = [" ".join(topic.notes)] if topic.notes else []
    if topic.comparison:
        notes.append(" ".join(topic.comparison))
    claims = []
    for index, claim in enumerate(topic.claims):
        group = topic.group_heading(index)
        claims.append((f"{group}\n" if group else "") + render_claim(claim, outlets=outlets))
    return "\n\n".join([heading, *notes, *claims])


def render_claim(claim: ClaimView, *, outlets: bool = False) -> str:
    figures = "; ".join(f"{f.metric}: {f.amount}" for f in claim.figures) or "no figure given"
    lines = [f"* {claim.claimant}: {figures}"]
    if claim.what_it_counts:
        lines.append(claim.what_it_counts)
    source = f"published by {claim.outlet}" if claim.outlet else "no outlet recorded"
    if claim.source_url:
        source += f" <{claim.source_url}>"
    if claim.cites:
        source += f", citing {claim.cites}"
    lines.append(f"{source}; {claim.dates}")
    if claim.echo_note:
        lines.append(claim.echo_note)
        if outlets:
            lines.extend(f"- {line}" for line in claim.outlets)
    if claim.change:
        lines.append(f"Change in the period: {claim.change.summary}.")
    if claim.series:
        lines.append(claim.series.summary)
    if claim.quote:
        lines.append(f'"{claim.quote}"')
    caveat = claim.verification_label + (f". {claim.caveat}" if claim.caveat else ".")
    lines.append(caveat)
    return lines[0] + "\n" + indent("\n".join(lines[1:]), "  ")


def render_proposals(page: ProposalsPage, prefix: str = "") -> str:
    """The proposed aliases waiting for an editor, one line each, and how to decide them
    (``prefix``: ``claimbot `` on the command line)."""
    lines = [page.heading]
    lines.extend(f'  [{p.id}] "{p.alias}" -> {p.topic}: {p.detail}' for p in page.proposals)
    rest = page.rest(len(page.proposals))
    if rest:
        lines.append(rest)
    if page.proposals:
        lines.append(
            f"Accept one with `{prefix}aliases accept ID`, reject it with "
            f"`{prefix}aliases reject ID`."
        )
    return "\n".join(lines)


def render_subscription(view: SubscriptionView) -> str:
    """One line describing a digest subscription."""
    parts = [f"Digest {view.id} to {view.channel}: cron `{view.cron}` in {view.timezone}"]
    parts.append(f'on "{view.query}"' if view.query else "on every topic")
    if view.post_when_empty:
        parts.append('posts "nothing new" on quiet days')
    if view.next_run:
        local = view.next_run.astimezone(ZoneInfo(view.timezone))
        parts.append(f"next {format_date(local.date())} {local:%H:%M %Z}")
    if view.last_sent:
        parts.append(f"last sent {format_date(view.last_sent.date())} {view.last_sent:%H:%M} UTC")
    parts.append(view.state)
    return "; ".join(parts) + "."


def render_history(claim_id: int, revisions: Sequence[RevisionView]) -> str:
    """Every revision of a claim: who, when, what changed."""
    lines = [f"History of claim {claim_id}:"]
    for revision in revisions:
        lines.append(
            f"* {revision.revised_at:%Y-%m-%d %H:%M} UTC, {revision.action} by {revision.author}"
        )
        for field, (old, new) in revision.changes.items():
            lines.append(f"    {field}: {_value(old)} -> {_value(new)}")
    return "\n".join(lines)


def _value(value: object) -> str:
    if value is None or value == []:
        return "(none)"
    if isinstance(value, list):
        return "; ".join(_figure_value(f) for f in value)
    return repr(value) if isinstance(value, str) else str(value)


#: A figure's details as a revision shows them, in this order.
_DETAILS = ("counts", "basis", "coverage_from", "coverage_to", "area")


def _figure_value(figure: dict[str, Any]) -> str:
    """A figure in a revision: "killed: 498 troops (counts=killed, basis=official_claim)"."""
    view = FigureView(figure["metric"], figure["value"], figure["value_high"], figure["unit"])
    details = [f"{name}={figure[name]}" for name in _DETAILS if figure.get(name) is not None]
    return f"{view.metric}: {view.amount}" + (f" ({', '.join(details)})" if details else "")


def render_topic_history(topic: TopicAnswer | None, question: str) -> str:
    """Every dated claim on a topic, newest first, one line each."""
    if topic is None:
        return f'No claims found for "{question}".'
    when = f" made {topic.moment.label}" if topic.moment else ""
    lines = [f"{topic.topic}: {len(topic.claims):,} claims{when}"]
    for claim in topic.claims:
        figures = "; ".join(f"{f.metric}: {f.amount}" for f in claim.figures) or "no figure given"
        lines.append(f"{claim.claimed_on.isoformat()}  {claim.claimant}: {figures}")
    return "\n".join(lines)


def render_digest(digest: Digest) -> str:
    """A digest as text: by topic, each new or changed claim."""
    scope = f' on "{digest.query}"' if digest.query else ""
    since = f"{format_date(digest.since.date())} {digest.since:%H:%M} UTC"
    if not digest.total:
        return f"Nothing new or changed{scope} since {since}."
    count = f"{digest.total} claim{'s' if digest.total != 1 else ''}"
    parts = [f"New and changed claims: {count}{scope} since {since}."]
    shown = 0
    for topic in digest.topics:
        claims = "\n".join(
            render_claim(item.claim).replace("* ", "* New: " if item.new else "* Changed: ", 1)
            for item in topic.items
        )
        parts.append(f"{topic.topic}\n{claims}")
        shown += len(topic.items)
    if shown < digest.total:
        parts.append(f"{digest.total - shown} more not shown.")
    return "\n\n".join(parts)
