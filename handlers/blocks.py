"""Answers as Slack messages (Block Kit), escaped and kept within Slack's limits.

Every piece of stored text goes through :func:`escape`, and every text object is ``verbatim``,
so a claim containing ``<!channel>``, ``<@U123>`` or a crafted link displays literally and
pings no one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    PlainTextObject,
    SectionBlock,
)

from bot.answers import Answer, ClaimView, TopicAnswer, TopicsPage
from bot.digests import Digest
from bot.formatting import format_date
from bot.learning import ProposalsPage
from bot.records import ClaimRecord
from bot.render_text import HELP, topics_pointer

MAX_BLOCKS = 50
#: Slack refuses a message whose blocks hold more text than about this (``msg_blocks_too_long``).
MAX_MESSAGE_TEXT = 12_000
#: What builders fill, leaving room for notes and buttons added after the claims.
TEXT_BUDGET = 11_000
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_BUTTON_TEXT = 75
MAX_FALLBACK = 3000
#: A topic's title in a listing is cut to this many characters, so a page always fits.
TOPIC_LINE_TITLE = 150
#: Topic lines per section of a listing.
TOPIC_LINES_PER_SECTION = 10

SHARE_ACTION = "share_answer"
#: Share an answer to a pasted message: the text is answered as a message again.
SHARE_MESSAGE_ACTION = "share_message_answer"
ASK_TOPIC_ACTION = "ask_topic"
HISTORY_ACTION = "topic_history"
CHART_ACTION = "topic_chart"
CLAIM_MENU_ACTION = "claim_menu"
FULL_TEXT_ACTION = "claim_full_text"
MORE_CLAIMS_ACTION = "more_claims"
MORE_TOPICS_ACTION = "more_topics"
#: A topic suggested for a question or a topic search ("did you mean"); the pick proposes the
#: words asked as an alias of the topic.
PICK_SUGGESTION_ACTION = "pick_suggestion"
ACCEPT_ALIAS_ACTION = "accept_alias"
REJECT_ALIAS_ACTION = "reject_alias"
#: The most characters Slack allows in a button's value.
MAX_BUTTON_VALUE = 2000
#: A proposed alias and its topic are each cut to this many characters in a listing.
PROPOSAL_TEXT = 1000
ECHOES_ACTION = "claim_outlets"
#: How much of a quote or caveat an answer shows; "Full text" shows the rest.
PREVIEW = 600
#: How many dated claims a history message lists.
HISTORY_ROWS = 100
#: A digest longer than this many messages says how many claims it left out.
MAX_DIGEST_PAGES = 10


APOLOGY = "Sorry, I couldn't deliver an answer just now. Please try again in a minute."

Message = dict[str, Any]


def escape(text: str) -> str:
    """Slack's mrkdwn escaping: ``&``, ``<`` and ``>`` become entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int) -> str:
    """Cut escaped text to ``limit`` characters, never inside an entity, marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def link(url: str | None, label: str) -> str:
    """A mrkdwn link to a web address, or just the escaped label."""
    if not url or not url.startswith(("http://", "https://")):
        return escape(label)
    safe_url = escape(url).replace("|", "%7C")
    return f"<{safe_url}|{escape(label).replace('|', '¦')}>"


def _mrkdwn(text: str, limit: int = MAX_SECTION) -> MarkdownTextObject:
    return MarkdownTextObject(text=fit(text, limit), verbatim=True)


def _plain(text: str, limit: int) -> PlainTextObject:
    return PlainTextObject(text=text if len(text) <= limit else text[: limit - 1] + "…")


def _message(blocks: list[Block], fallback: str) -> Message:
    return {"text": fit(fallback, MAX_FALLBACK), "blocks": [b.to_dict() for b in blocks]}


def text_length(blocks: Iterable[Block | dict[str, Any]]) -> int:
    """Characters of text in blocks, as counted against :data:`MAX_MESSAGE_TEXT`."""
    return sum(_text_in(b if isinstance(b, dict) else b.to_dict()) for b in blocks)


def _text_in(value: Any) -> int:
    if isinstance(value, dict):
        return sum(
            len(item) if key == "text" and isinstance(item, str) else _text_in(item)
            for key, item in value.items()
        )
    if isinstance(value, list):
        return sum(_text_in(item) for item in value)
    return 0


def _preview(text: str) -> tuple[str, bool]:
    """The start of a long stored text (escaped), and whether it was cut."""
    return (
        (escape(text), False) if len(text) <= PREVIEW else (escape(text[: PREVIEW - 1]) + "…", True)
    )


def claim_menu_element(claim_id: int) -> OverflowMenuElement:
    """The editors' menu on a claim."""
    return OverflowMenuElement(
        action_id=CLAIM_MENU_ACTION,
        options=[
            Option(value=f"edit:{claim_id}", label="Edit"),
            Option(value=f"verify:{claim_id}", label="Change verification"),
            Option(value=f"retire:{claim_id}", label="Retire"),
            Option(value=f"history:{claim_id}", label="History"),
        ],
    )


def claim_blocks(claim: ClaimView, label: str = "", *, editable: bool = False) -> list[Block]:
    """A section with the claimant, figures and quote (and, for editors, a menu), and a context
    line with source, dates and caveat."""
    figures = " · ".join(f"{escape(f.metric)} *{escape(f.amount)}*" for f in claim.figures)
    text = f"{label}*{escape(claim.claimant)}*: {figures or '_no figure given_'}"
    quote, quote_cut = _preview(claim.quote or "")
    if quote:
        text += "\n>" + quote.replace("\n", "\n>")
    source = (
        f"published by {link(claim.source_url, claim.outlet)}"
        if claim.outlet
        else (link(claim.source_url, "source") if claim.source_url else "no outlet recorded")
    )
    if claim.cites:
        source += f", citing {escape(claim.cites)}"
    caveat, caveat_cut = _preview(claim.caveat or "")
    verdict = f":warning: *{claim.verification_label}*" + (f". {caveat}" if caveat else "")
    context = [_mrkdwn(f"{source} · {claim.dates}"), _mrkdwn(verdict)]
    if claim.what_it_counts:
        context.insert(0, _mrkdwn(escape(claim.what_it_counts)))
    if claim.echo_note:
        context.append(_mrkdwn(f":repeat: {escape(claim.echo_note)}"))
    if claim.change:
        context.append(_mrkdwn(f"Change in the period: {escape(claim.change.summary)}."))
    if claim.series:
        context.append(_mrkdwn(escape(claim.series.summary)))
    section = SectionBlock(
        text=_mrkdwn(text), accessory=claim_menu_element(claim.id) if editable else None
    )
    blocks: list[Block] = [section, ContextBlock(elements=context)]
    buttons = []
    if quote_cut or caveat_cut:
        buttons.append(
            ButtonElement(
                text="Full text", action_id=f"{FULL_TEXT_ACTION}_{claim.id}", value=str(claim.id)
            )
        )
    if claim.echo_note:
        value = outlets_value([e.id for e in claim.repeated_by])
        buttons.append(
            ButtonElement(
                text="Show the outlets", action_id=f"{ECHOES_ACTION}_{claim.id}", value=value
            )
        )
    if buttons:
        blocks.append(ActionsBlock(elements=buttons))
    return blocks


def outlets_value(ids: Sequence[int]) -> str:
    """What "Show the outlets" carries: the reports' claim ids, as many as a button's value
    holds, then ``;`` and how many there are when not all fit."""
    value = ",".join(map(str, ids))
    if len(value) <= MAX_BUTTON_VALUE:
        return value
    total = f";{len(ids)}"
    cut = value[: MAX_BUTTON_VALUE - len(total) + 1]
    return cut[: cut.rfind(",")] + total


def read_outlets_value(value: str) -> tuple[list[int], int]:
    """The claim ids in an :func:`outlets_value`, and how many reports there are; raises
    ValueError on anything else."""
    ids_text, _, total = value.partition(";")
    ids = [int(claim_id) for claim_id in ids_text.split(",")]
    return ids, int(total) if total else len(ids)


def outlets_message(source: str, reports: Sequence[ClaimRecord], total: int) -> Message:
    """The outlets that repeat one source's claim: each outlet, its claimant, date and link;
    ``total``: how many reports repeat it, those listed or not."""
    heading = f"*The outlets repeating {escape(source)}*"
    blocks: list[Block] = [SectionBlock(text=_mrkdwn(heading))]
    listed = _add_rows(blocks, (_outlet_row(r) for r in reports))
    if listed < total:
        note = f"{total - listed:,} more not shown. `claimbot ask --outlets` lists them all."
        blocks.append(ContextBlock(elements=[_mrkdwn(note)]))
    return _message(blocks, f"The outlets repeating {escape(source)}")


def _outlet_row(report: ClaimRecord) -> str:
    """An outlet, its claimant and date, linked to the report when the link fits a section
    whole (a cut link would break the markup)."""
    name = report.outlet or report.claimant
    rest = f", {format_date(report.claimed_on)}"
    if report.outlet and report.outlet != report.claimant:
        rest = f" ({escape(report.claimant)}){rest}"
    row = f"• {link(report.source_url, name)}{rest}"
    return row if len(row) < MAX_SECTION else f"• {escape(name)}{rest}"


def full_text_message(claimant: str, quote: str | None, caveat: str | None) -> Message:
    """A claim's whole quote and caveat (each at most a section's length when stored)."""
    blocks: list[Block] = [SectionBlock(text=_mrkdwn(f"*{escape(claimant)}*"))]
    for label, text in [("Quote", quote), ("Caveat", caveat)]:
        if text:
            blocks.append(ContextBlock(elements=[_mrkdwn(f"*{label}*")]))
            blocks.append(SectionBlock(text=_mrkdwn(escape(text))))
    return _message(blocks, f"The full text of a claim by {escape(claimant)}")


def topic_blocks(
    topic: TopicAnswer,
    budget: int,
    text_budget: int = TEXT_BUDGET,
    *,
    editable: bool = False,
    start: int = 0,
) -> list[Block]:
    """A topic's header, summary and claims from ``start`` on, in at most ``budget`` blocks and
    ``text_budget`` characters; a note and a "More claims" button stand for the rest."""
    count = len(topic.claims)
    summary = (
        f"{count} competing claims, the latest from each claimant. " if count > 1 else ""
    ) + topic.verification_summary
    if start:
        summary = f"Claims {start + 1} to {count} of {count}. " + topic.verification_summary
    blocks: list[Block] = [
        HeaderBlock(text=_plain(topic.topic, MAX_HEADER)),
        ContextBlock(elements=[_mrkdwn(escape(summary))]),
    ]
    if topic.notes:
        blocks.append(ContextBlock(elements=[_mrkdwn(escape(" ".join(topic.notes)))]))
    if topic.comparison and not start:
        comparison = ":straight_ruler: " + escape(" ".join(topic.comparison))
        blocks.append(ContextBlock(elements=[_mrkdwn(comparison)]))
    reserve = 2  # the note on the rest and its button
    used = text_length(blocks) + 400
    shown = start
    for index, claim in enumerate(topic.claims[start:], start=start):
        more = claim_blocks(claim, editable=editable)
        group = topic.group_heading(index)
        if group:
            more.insert(0, ContextBlock(elements=[_mrkdwn(f"*{escape(group)}*")]))
        size = text_length(more)
        if len(blocks) + len(more) + reserve > budget or used + size > text_budget:
            break
        blocks.extend(more)
        used += size
        shown += 1
    if shown < count:
        note = f"{count - shown} more claims not shown here: Slack limits the size of a message."
        blocks.append(ContextBlock(elements=[_mrkdwn(note)]))
        when = topic.moment.said if topic.moment else ""
        page = json.dumps({"topic": topic.topic, "start": shown, "when": when})
        if len(page) <= MAX_BUTTON_VALUE:
            more_button = ButtonElement(
                text="More claims", action_id=f"{MORE_CLAIMS_ACTION}_{topic.topic_id}", value=page
            )
            blocks.append(ActionsBlock(elements=[more_button]))
    return blocks


def more_claims_message(topic: TopicAnswer, start: int, *, editable: bool = False) -> Message:
    """The next page of a long answer on one topic."""
    blocks = topic_blocks(topic, MAX_BLOCKS, editable=editable, start=start)
    return _message(blocks, f"{topic.topic}: claims from {start + 1}")


def _buttons(answer: Answer, *, shareable: bool) -> list[ButtonElement]:
    buttons = []
    if shareable and answer.matches and len(answer.question) <= MAX_BUTTON_VALUE:
        buttons.append(
            ButtonElement(
                text="Share in channel",
                action_id=SHARE_MESSAGE_ACTION if answer.message else SHARE_ACTION,
                value=answer.question,
                style="primary",
            )
        )
    # History and Chart ask about the topic at the moment the question asked about.
    when = f" {answer.moment.said}" if answer.moment else ""
    for i, topic in enumerate(answer.matches):
        if any(c.series or c.change for c in topic.claims):
            buttons.append(
                ButtonElement(
                    text=_plain(f"Chart: {topic.topic}", MAX_BUTTON_TEXT),
                    action_id=f"{CHART_ACTION}_{i}",
                    value=topic.topic + when,
                )
            )
            buttons.append(
                ButtonElement(
                    text=_plain(f"History: {topic.topic}", MAX_BUTTON_TEXT),
                    action_id=f"{HISTORY_ACTION}_{i}",
                    value=topic.topic + when,
                )
            )
    if not answer.certain:
        buttons.extend(
            ButtonElement(
                text=_plain(title, MAX_BUTTON_TEXT),
                action_id=f"{PICK_SUGGESTION_ACTION}_{i}",
                # A pasted message is no name for a topic: its pick proposes no alias.
                value=suggestion_value(
                    title, None if answer.message else answer.question, when.strip()
                ),
            )
            for i, title in enumerate(answer.suggestions)
        )
    return buttons


def suggestion_value(topic: str, question: str | None, when: str) -> str:
    """What a suggested topic's button carries back: the topic, the moment asked and the
    question it was suggested for (left out when there is none, or when the whole would not
    fit in a button)."""
    if question is not None:
        value = json.dumps({"topic": topic, "when": when, "question": question}, ensure_ascii=False)
        if len(value) <= MAX_BUTTON_VALUE:
            return value
    return json.dumps({"topic": topic, "when": when}, ensure_ascii=False)


def answer_message(
    answer: Answer,
    *,
    shareable: bool = False,
    shared_by: str | None = None,
    editable: bool = False,
) -> Message:
    """The whole answer: topics side by side, or "no claims found" with close topics.
    ``editable`` adds the editors' menu to each claim (only in answers an editor alone sees)."""
    blocks: list[Block] = []
    if answer.when:
        blocks.append(ContextBlock(elements=[_mrkdwn(f"*{escape(answer.when)}*")]))
    asked = escape(answer.asked)
    if not answer.matches:
        text = f"No claims found for “{asked}”."
        text += (
            " Closest topics:"
            if answer.suggestions
            else " Try `/claims topics WORDS` to find a topic, or `/claims help`."
        )
        blocks.append(SectionBlock(text=_mrkdwn(text)))
        fallback = f"No claims found for “{asked}”."
    else:
        if answer.message:
            note = f"Stored claims this message repeats, best first: “{asked}”"
            blocks.append(ContextBlock(elements=[_mrkdwn(note)]))
        elif len(answer.matches) > 1:
            note = f"“{asked}” fits {len(answer.matches)} topics equally well."
            blocks.append(ContextBlock(elements=[_mrkdwn(note)]))
        fallback = "; ".join(
            f"{escape(m.topic)}: {len(m.claims)} claim{'s' if len(m.claims) != 1 else ''}"
            for m in answer.matches
        )
    buttons = _buttons(answer, shareable=shareable)
    tail: list[Block] = []
    if answer.matches and not answer.certain and answer.suggestions:
        tail.append(ContextBlock(elements=[_mrkdwn("Not what you meant? Try a close topic:")]))
    if buttons:
        tail.append(ActionsBlock(elements=buttons))
    if shared_by:
        tail.append(ContextBlock(elements=[_mrkdwn(f"Shared by <@{shared_by}>")]))
    if answer.matches:
        dividers = len(answer.matches) - 1
        share = (MAX_BLOCKS - len(blocks) - len(tail) - dividers) // len(answer.matches)
        text_share = (TEXT_BUDGET - text_length(blocks + tail)) // len(answer.matches)
        for i, topic in enumerate(answer.matches):
            if i:
                blocks.append(DividerBlock())
            blocks.extend(topic_blocks(topic, share, text_share, editable=editable))
    return _message(blocks + tail, fallback)


def help_message(topic_count: int) -> Message:
    """How to use ClaimBot, and how to find the topics it has claims on."""
    text = escape(HELP) + (
        "\n\nSlash commands cannot be used in threads: mention the bot there instead."
    )
    blocks: list[Block] = [
        SectionBlock(text=_mrkdwn(text)),
        ContextBlock(elements=[_mrkdwn(escape(topics_pointer(topic_count, "/claims ")))]),
    ]
    return _message(blocks, "How to use ClaimBot")


def topics_message(page: TopicsPage) -> Message:
    """A page of topics, one line each (title, claim count, newest day), within Slack's limits
    (a page of at most 40 lines of at most ~220 characters), with a button for the next page."""
    blocks: list[Block] = [ContextBlock(elements=[_mrkdwn(f"*{escape(page.heading)}*")])]
    lines = [
        f"• *{fit(escape(t.title), TOPIC_LINE_TITLE)}*: {t.claims:,} "
        f"claim{'s' if t.claims != 1 else ''}, newest {format_date(t.newest)}"
        for t in page.topics
    ]
    for start in range(0, len(lines), TOPIC_LINES_PER_SECTION):
        section = "\n".join(lines[start : start + TOPIC_LINES_PER_SECTION])
        blocks.append(SectionBlock(text=_mrkdwn(section)))
    if page.suggestions:
        blocks.append(ContextBlock(elements=[_mrkdwn("Closest topics:")]))
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text=_plain(title, MAX_BUTTON_TEXT),
                        action_id=f"{PICK_SUGGESTION_ACTION}_{i}",
                        value=suggestion_value(title, page.query or "", ""),
                    )
                    for i, title in enumerate(page.suggestions)
                ]
            )
        )
    following = page.next_request()
    if following:
        note = f"Ask about a topic with `/claims TITLE`; more with `/claims {escape(following)}`."
        blocks.append(ContextBlock(elements=[_mrkdwn(note)]))
        more = ButtonElement(text="Next page", action_id=MORE_TOPICS_ACTION, value=following[:2000])
        blocks.append(ActionsBlock(elements=[more]))
    return _message(blocks, escape(page.heading))


def aliases_message(page: ProposalsPage, done: str | None = None) -> Message:
    """The proposed aliases waiting for an editor, each with Accept and Reject buttons, within
    Slack's limits; ``done`` says first what was just decided."""
    blocks: list[Block] = []
    if done:
        blocks.append(SectionBlock(text=_mrkdwn(escape(done))))
    blocks.append(ContextBlock(elements=[_mrkdwn(f"*{escape(page.heading)}*")]))
    shown = 0
    for proposal in page.proposals:
        text = (
            f"“{fit(escape(proposal.alias), PROPOSAL_TEXT)}” → "
            f"*{fit(escape(proposal.topic), PROPOSAL_TEXT)}*\n"
            f"{escape(proposal.detail)}"
        )
        decide = [
            ButtonElement(
                text="Accept",
                action_id=f"{ACCEPT_ALIAS_ACTION}_{proposal.id}",
                value=str(proposal.id),
                style="primary",
            ),
            ButtonElement(
                text="Reject",
                action_id=f"{REJECT_ALIAS_ACTION}_{proposal.id}",
                value=str(proposal.id),
                style="danger",
            ),
        ]
        item: list[Block] = [SectionBlock(text=_mrkdwn(text)), ActionsBlock(elements=decide)]
        if len(blocks) + len(item) >= MAX_BLOCKS or text_length(blocks + item) > TEXT_BUDGET:
            break
        blocks.extend(item)
        shown += 1
    notes = [page.rest(shown) or ""]
    if page.proposals:
        notes.append(
            "Accept makes a question one of the topic's aliases; Reject keeps it from being "
            "proposed for that topic again."
        )
    if any(notes):
        blocks.append(ContextBlock(elements=[_mrkdwn(" ".join(n for n in notes if n))]))
    return _message(blocks, escape(done or page.heading))


def text_message(text: str) -> Message:
    """A one-line reply (errors, refusals), escaped."""
    return _message([SectionBlock(text=_mrkdwn(escape(text)))], escape(text))


def digest_messages(digest: Digest) -> list[Message]:
    """A digest: by topic, each new or changed claim, with a button to ask for more. A long
    digest is several messages, each within Slack's limits: the first is posted in the channel,
    the rest in its thread."""
    scope = f" on “{escape(digest.query)}”" if digest.query else ""
    since = f"{format_date(digest.since.date())} {digest.since:%H:%M} UTC"
    if not digest.total:
        text = f"Nothing new or changed{scope} since {since}."
        return [_message([SectionBlock(text=_mrkdwn(text))], text)]
    count = f"{digest.total} claim{'s' if digest.total != 1 else ''}"
    summary = f"{count} new or changed{scope} since {since}"
    pages: list[list[Block]] = [
        [
            HeaderBlock(text=_plain("New and changed claims", MAX_HEADER)),
            ContextBlock(elements=[_mrkdwn(f"{summary}.")]),
        ]
    ]
    shown = 0

    def fits(blocks: list[Block]) -> bool:
        page = pages[-1]
        return (
            len(page) + len(blocks) < MAX_BLOCKS
            and text_length(page) + text_length(blocks) <= TEXT_BUDGET
        )

    def add(blocks: list[Block], title: str) -> bool:
        """Add to the current page, or start the next one (repeating the topic's title)."""
        if fits(blocks):
            pages[-1].extend(blocks)
            return True
        if len(pages) == MAX_DIGEST_PAGES:
            return False
        heading = SectionBlock(text=_mrkdwn(f"*{escape(title)}* (continued)"))
        pages.append([heading, *blocks])
        return True

    for i, topic in enumerate(digest.topics):
        title_blocks: list[Block] = [
            DividerBlock(),
            SectionBlock(text=_mrkdwn(f"*{escape(topic.topic)}*")),
        ]
        if not fits(title_blocks) and len(pages) == MAX_DIGEST_PAGES:
            break
        if fits(title_blocks):
            pages[-1].extend(title_blocks)
        else:
            pages.append(title_blocks[1:])
        for item in topic.items:
            label = ":new: " if item.new else ":pencil2: Changed: "
            if not add(claim_blocks(item.claim, label), topic.topic):
                break
            shown += 1
        button = ButtonElement(
            text="All claims on this topic", action_id=f"{ASK_TOPIC_ACTION}_{i}", value=topic.topic
        )
        if not add([ActionsBlock(elements=[button])], topic.topic):
            break
    if shown < digest.total:
        note = f"{digest.total - shown} more not shown: Slack limits the size of a message."
        pages[-1].append(ContextBlock(elements=[_mrkdwn(note)]))
    total = len(pages)
    return [
        _message(page, summary if n == 1 else f"{summary} ({n} of {total})")
        for n, page in enumerate(pages, start=1)
    ]


def _add_rows(blocks: list[Block], rows: Iterable[str]) -> int:
    """Add rows (escaped mrkdwn, each cut to a section) to ``blocks`` in as few sections as
    fit, within Slack's limits and leaving room for a note; how many rows were added."""
    section, used, listed = "", text_length(blocks), 0
    for full_row in rows:
        row = fit(full_row, MAX_SECTION - 1)
        if used + len(row) + 1 > TEXT_BUDGET or len(blocks) >= MAX_BLOCKS - 2:
            break
        if len(section) + len(row) + 1 > MAX_SECTION:
            blocks.append(SectionBlock(text=_mrkdwn(section)))
            section = ""
        section += row + "\n"
        used += len(row) + 1
        listed += 1
    if section:
        blocks.append(SectionBlock(text=_mrkdwn(section)))
    return listed


def history_message(topic: TopicAnswer | None, question: str) -> Message:
    """Every dated claim on a topic, newest first, within Slack's limits."""
    if topic is None:
        return text_message(f"No claims found for “{question}”.")
    rows = [
        f"`{c.claimed_on.isoformat()}` {escape(c.claimant)}: "
        + (" · ".join(f"{escape(f.metric)} *{escape(f.amount)}*" for f in c.figures) or "no figure")
        for c in topic.claims[:HISTORY_ROWS]
    ]
    blocks: list[Block] = [HeaderBlock(text=_plain(topic.topic, MAX_HEADER))]
    if topic.moment:
        label = escape(f"Claims made {topic.moment.label}.")
        blocks.append(ContextBlock(elements=[_mrkdwn(label)]))
    left_out = len(topic.claims) - _add_rows(blocks, rows)
    if left_out:
        note = f"{left_out:,} older claims not shown. `claimbot ask --history` lists them all."
        blocks.append(ContextBlock(elements=[_mrkdwn(note)]))
    return _message(blocks[:MAX_BLOCKS], f"{escape(topic.topic)}: {len(topic.claims):,} claims")
