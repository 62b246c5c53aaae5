"""Block Kit rendering: escaping, and Slack's limits on blocks, sections, headers and buttons."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from bot.answers import Answer, ClaimView, Echo, FigureView, TopicAnswer, collapse_echoes
from bot.learning import ProposalsPage, ProposalView
from bot.models import Verification
from bot.records import ClaimRecord
from bot.render_text import render_answer
from handlers.blocks import (
    MAX_BLOCKS,
    aliases_message,
    answer_message,
    claim_blocks,
    escape,
    fit,
    help_message,
    link,
    outlets_message,
    read_outlets_value,
    text_message,
)
from tests.slack_stub import message_problem


def claim(i: int, *, quote: str = "q", caveat: str = "c", claimant: str | None = None) -> ClaimView:
    return ClaimView(
        id=i,
        claimant=claimant or f"Claimant {i}",
        outlet="Outlet",
        source_url="https://example.org/",
        claimed_on=date(2022, 3, 1),
        as_of=None,
        figures=(FigureView("killed", 1000 + i, None, "people"),),
        verification=Verification.UNVERIFIED,
        caveat=caveat,
        quote=quote,
    )


def answer(*topics: TopicAnswer, certain: bool = True, suggestions: tuple[str, ...] = ()) -> Answer:
    return Answer("question", topics, suggestions, certain)


def check_limits(message: dict[str, object]) -> None:
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    assert len(blocks) <= MAX_BLOCKS
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        for element in block.get("elements", []):
            text = element.get("text")
            if isinstance(text, str):
                assert len(text) <= 3000
            elif isinstance(text, dict):
                assert len(text["text"]) <= 75


def test_many_claims_are_trimmed_with_a_note() -> None:
    topic = TopicAnswer(1, "T", 1.0, tuple(claim(i) for i in range(60)))
    message = answer_message(answer(topic), shareable=True)
    check_limits(message)
    assert len(message["blocks"]) <= MAX_BLOCKS
    text = json.dumps(message)
    assert "more claims not shown here" in text
    shown = sum(1 for b in message["blocks"] if b["type"] == "section")
    assert f"{60 - shown} more claims not shown here" in text
    assert message["blocks"][-1]["type"] == "actions"


def test_several_topics_share_the_block_budget() -> None:
    topics = [TopicAnswer(i, f"T{i}", 0.7, tuple(claim(j) for j in range(30))) for i in range(3)]
    message = answer_message(answer(*topics, certain=False, suggestions=("S",)), shareable=True)
    check_limits(message)
    headers = [b for b in message["blocks"] if b["type"] == "header"]
    assert len(headers) == 3


def test_long_texts_are_cut_to_slacks_limits() -> None:
    long_title = "Title " * 60
    topic = TopicAnswer(1, long_title, 1.0, (claim(1, quote="<&>" * 2000, caveat="x" * 5000),))
    message = answer_message(answer(topic, certain=False, suggestions=("S" * 200,)))
    check_limits(message)
    assert message["blocks"][0]["text"]["text"].endswith("…")


def test_fit_never_cuts_inside_an_entity() -> None:
    escaped = escape("a" * 8 + "<")
    assert escaped == "aaaaaaaa&lt;"
    assert fit(escaped, 10) == "aaaaaaaa…"
    assert fit("short", 10) == "short"


def test_link_escapes_url_and_label() -> None:
    assert (
        link("https://x.org/?a=1&b=|", "A|B <c>") == "<https://x.org/?a=1&amp;b=%7C|A¦B &lt;c&gt;>"
    )
    assert link("javascript:alert(1)", "label") == "label"
    assert link(None, "<!here>") == "&lt;!here&gt;"


def test_help_and_text_messages_escape() -> None:
    message = help_message(3)
    assert "<!channel>" not in json.dumps(message)
    assert text_message("<@U1> & co")["text"] == "&lt;@U1&gt; &amp; co"


def test_help_points_to_the_topics_rather_than_listing_them() -> None:
    message = help_message(1000)
    check_limits(message)
    assert "1,000 topics have claims: type `/claims topics` to list them" in json.dumps(message)


def test_a_long_listing_of_proposed_aliases_stays_within_slacks_limits() -> None:
    moment = datetime(2026, 12, 1, tzinfo=UTC)
    proposals = tuple(
        ProposalView(
            i,
            "&<" * 150,
            1,
            "<!channel> " + "T" * 289,
            3,
            "slack:U1",
            moment,
            moment,
            "pending",
            None,
            None,
        )
        for i in range(20)
    )
    message = aliases_message(ProposalsPage(45, proposals), "Accepted: “x” is now an alias.")
    check_limits(message)
    assert message_problem(message) is None
    texts = json.dumps(message)
    assert "<!channel>" not in texts
    assert "&amp;&lt;" in texts
    shown = [b for b in message["blocks"] if b["type"] == "actions"]
    assert 0 < len(shown) < 20
    note = message["blocks"][-1]["elements"][0]["text"]
    assert note.startswith(f"{45 - len(shown)} more not shown: decide these to see the rest.")


def test_a_long_list_of_outlets_stays_within_slacks_limits_and_says_what_it_left_out() -> None:
    """Many outlets with long links and hostile names: every section whole, links never cut,
    within Slack's limits, nobody pinged, and the number left out said."""
    reports = [
        ClaimRecord.model_validate(
            {
                "topic": "T",
                "claimant": "Agency <!channel>",
                "outlet": f"Outlet {i} <!here> " + "x" * 250,
                "source_url": f"https://example.org/{i}/" + "a" * (1900 if i % 2 else 100),
                "claimed_on": "2022-03-02",
                "cites": "Ministry <!subteam^S1>",
                "quote": "q",
            }
        )
        for i in range(300)
    ]
    message = outlets_message("Ministry <!subteam^S1>", reports, len(reports))
    assert message_problem(message) is None
    texts = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert all(len(t) <= 3000 for t in texts)
    shown = "\n".join(texts)
    assert "<!" not in shown and shown.count("<") == shown.count(">")
    listed = shown.count("• ")
    assert 0 < listed < 300
    note = message["blocks"][-1]["elements"][0]["text"]
    assert note.startswith(f"{300 - listed:,} more not shown.")


def test_slack_and_text_repeat_the_same_start_of_a_pasted_message() -> None:
    """Escaping does not shorten what Slack shows of a message full of & and <."""
    pasted = "R&D <b> spending " * 40
    answer = Answer(pasted, (), ("T",), False, message=True)
    assert len(answer.asked) == 200 and answer.asked.startswith("R&D <b> spending")
    shown = answer_message(answer)["blocks"][0]["text"]["text"]
    assert shown.startswith(f"No claims found for “{escape(answer.asked)}”.")
    assert f'No claims found for "{answer.asked}".' in render_answer(answer)


def test_show_the_outlets_fits_a_button_and_counts_the_reports_it_cannot_carry() -> None:
    ids = list(range(100_000, 100_500))  # 500 reports: 3,499 characters of ids
    view = claim(1)
    echoed = replace(
        view,
        cites="Ministry",
        repeated_by=tuple(Echo(i, "C", f"O{i}", date(2022, 3, 1), None) for i in ids),
    )
    (button,) = [b for b in answer_buttons(echoed) if b["text"]["text"] == "Show the outlets"]
    assert len(button["value"]) <= 2000
    carried, total = read_outlets_value(button["value"])
    assert total == 500 and carried == ids[: len(carried)] and len(carried) > 200
    assert read_outlets_value("1,2") == ([1, 2], 2)


def answer_buttons(view: ClaimView) -> list[dict[str, Any]]:
    return [
        e
        for b in claim_blocks(view)
        if b.to_dict()["type"] == "actions"
        for e in b.to_dict()["elements"]
    ]


def test_two_reports_by_one_outlet_are_repeated_by_one_outlet() -> None:
    same = [replace(claim(i), claimant="TASS", figures=claim(0).figures) for i in (1, 2)]
    (echoed,) = collapse_echoes(same)
    assert echoed.echo_note == "Citing TASS: repeated by 1 outlet."
