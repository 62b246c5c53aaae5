"""Answers as plain text, for the terminal: the CLI's ``ask`` and the local console."""

from __future__ import annotations

from collections.abc import Sequence
from textwrap import indent
from zoneinfo import ZoneInfo

from bot.answers import Answer, ClaimView, FigureView, TopicAnswer
from bot.digests import SubscriptionView
from bot.editing import RevisionView
from bot.formatting import format_date

HELP = """\
Ask about a contested figure and get every side's latest claim, with who made it, where it
was published, when, and whether anyone has verified it.

  /claims russian losses          answer in the channel (only you see it)
  @claimbot russian losses        mention the bot; in a thread it answers in the thread
  /claims help                    this help

Questions can be typed loosely: "how many russian soldiers have died?" works too."""


def render_help(topics: Sequence[str], most: int = 25) -> str:
    lines = [HELP]
    if topics:
        lines.append("\nTopics with claims:")
        lines.extend(f"  - {t}" for t in topics[:most])
        if len(topics) > most:
            lines.append(f"  ...and {len(topics) - most:,} more.")
    return "\n".join(lines)


def render_answer(answer: Answer) -> str:
    if not answer.matches:
        return render_no_match(answer)
    parts = [render_topic(m) for m in answer.matches]
    if answer.when:
        parts.insert(0, answer.when)
    if len(answer.matches) > 1:
        parts.insert(0, f'"{answer.question}" fits {len(answer.matches)} topics equally well.')
    if not answer.certain and answer.suggestions:
        parts.append("Not what you meant? Try: " + "; ".join(answer.suggestions))
    return "\n\n".join(parts)


def render_no_match(answer: Answer) -> str:
    text = f'No claims found for "{answer.question}".'
    if answer.suggestions:
        text += "\nClosest topics: " + "; ".join(answer.suggestions)
    else:
        text += "\nType help to see the topics with claims."
    return text


def render_topic(topic: TopicAnswer) -> str:
    count = len(topic.claims)
    heading = (
        f"{topic.topic}\n"
        + (
            f"{count} competing claims, the latest from each claimant. "
            if count > 1
            else "One claim. "
        )
        + topic.verification_summary
    )
    notes = [" ".join(topic.notes)] if topic.notes else []
    return "\n\n".join([heading, *notes, *(render_claim(c) for c in topic.claims)])


def render_claim(claim: ClaimView) -> str:
    figures = "; ".join(f"{f.metric}: {f.amount}" for f in claim.figures) or "no figure given"
    lines = [f"* {claim.claimant}: {figures}"]
    source = f"published by {claim.outlet}" if claim.outlet else "no outlet recorded"
    if claim.source_url:
        source += f" <{claim.source_url}>"
    lines.append(f"{source}; {claim.dates}")
    if claim.change:
        lines.append(f"Change in the period: {claim.change.summary}.")
    if claim.series:
        lines.append(claim.series.summary)
    if claim.quote:
        lines.append(f'"{claim.quote}"')
    caveat = claim.verification_label + (f". {claim.caveat}" if claim.caveat else ".")
    lines.append(caveat)
    return lines[0] + "\n" + indent("\n".join(lines[1:]), "  ")


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
        figures = (FigureView(f["metric"], f["value"], f["value_high"], f["unit"]) for f in value)
        return "; ".join(f"{f.metric}: {f.amount}" for f in figures)
    return repr(value) if isinstance(value, str) else str(value)


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
