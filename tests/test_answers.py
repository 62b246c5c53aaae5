"""Answers over the seed claims on real databases, and how they render as text."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, event

from bot import db
from bot.answers import Answer, ClaimView, FigureView, TopicAnswer
from bot.core import Core
from bot.errors import ClaimBotError
from bot.formatting import format_number
from bot.models import Verification
from bot.records import ClaimRecord, parse_document
from bot.render_text import render_answer, render_claim, render_help
from bot.store import ClaimStore

CASUALTIES = "Russian military casualties in Ukraine"
CONSCRIPT_SHARE = "Share of conscripts in the Russian military"
DEPLOYMENT = "Deployment of Russian conscripts in Ukraine"
REFUGEES = "Refugees from Ukraine"

SEED_QUESTIONS: list[tuple[str, str | None]] = [
    ("russian losses", CASUALTIES),
    ("Russian casualties", CASUALTIES),
    ("russain losess", CASUALTIES),
    ("how many russian soldiers have died", CASUALTIES),
    ("russian troops wounded", CASUALTIES),
    ("russian war dead", CASUALTIES),
    ("what percentage of the russian military are conscripts", CONSCRIPT_SHARE),
    ("conscript share", CONSCRIPT_SHARE),
    ("did russia deploy conscripts", DEPLOYMENT),
    ("were cadets sent to ukraine", DEPLOYMENT),
    ("ukrainian refugees", REFUGEES),
    ("how many people have fled ukraine", REFUGEES),
    ("refugees", REFUGEES),
    ("refugees in hungary", None),
    ("ukrainian losses", None),
    ("weather in kyiv", None),
    ("bitcoin", None),
    ("chinese casualties", None),
]


@pytest.mark.parametrize(("question", "topic"), SEED_QUESTIONS)
def test_seed_questions(core: Core, question: str, topic: str | None) -> None:
    answer = core.answers.ask(question)
    assert [m.topic for m in answer.matches][:1] == ([topic] if topic else [])


def test_index_refreshes_when_data_changes(core: Core) -> None:
    assert core.answers.ask("ukrainian losses").matches == ()
    record = {
        "topic": "Ukrainian military casualties",
        "topic_aliases": ["ukrainian losses"],
        "claimant": "US officials",
        "claimed_on": "2022-03-05",
        "figures": [{"metric": "killed", "value": 2000, "value_high": 4000}],
    }
    with db.transaction(core.sessions) as session:
        ClaimStore(session).import_records(parse_document({"claims": [record]}), author="t")
    (match,) = core.answers.ask("ukrainian losses").matches
    assert match.topic == "Ukrainian military casualties"
    assert match.claims[0].figures[0].amount == "2,000–4,000"


def test_overlong_question_is_refused(core: Core) -> None:
    with pytest.raises(ClaimBotError, match="500 characters"):
        core.answers.ask("x" * 501, message=False)
    with pytest.raises(ClaimBotError, match="4,000 characters"):
        core.answers.ask("x" * 4001)


def test_answer_json_shape(core: Core) -> None:
    document = core.answers.ask("conscripts").to_json()
    assert sorted(m["topic"] for m in document["matches"]) == sorted([CONSCRIPT_SHARE, DEPLOYMENT])
    share = next(m for m in document["matches"] if m["topic"] == CONSCRIPT_SHARE)
    assert sorted(f["value"] for c in share["claims"] for f in c["figures"]) == [50, 70]


CLAIM = ClaimView(
    id=1,
    claimant="UK Ministry of Defence",
    outlet="Fox News",
    source_url="https://example.org/a",
    claimed_on=date(2022, 2, 25),
    as_of=date(2022, 2, 24),
    figures=(FigureView("conscript share", 50, 70, "%"), FigureView("killed", 1597.5, None, None)),
    verification=Verification.DISPUTED,
    caveat="A party to the conflict.",
    quote="We said so.",
)


def test_render_claim_shows_figures_source_dates_and_caveat() -> None:
    assert render_claim(CLAIM).splitlines() == [
        "* UK Ministry of Defence: conscript share: 50–70%; killed: 1,597.5",
        "  published by Fox News <https://example.org/a>; claimed 25 February 2022, "
        "figures as of 24 February 2022",
        '  "We said so."',
        "  Disputed. A party to the conflict.",
    ]


def test_render_ambiguous_and_uncertain_answers() -> None:
    topic = TopicAnswer(1, "A topic", 0.7, (CLAIM,))
    answer = Answer("q", (topic, TopicAnswer(2, "B topic", 0.7, (CLAIM,))), ("C topic",), False)
    text = render_answer(answer)
    assert text.startswith('"q" fits 2 topics equally well.')
    assert text.endswith("Not what you meant? Try: C topic")
    assert "Verification: 1 disputed." in text


def test_render_help_points_to_topics() -> None:
    text = render_help(2)
    assert "/claims help" in text
    assert text.endswith(
        "2 topics have claims: type `topics` to list them, or `topics WORDS` to search."
    )


@pytest.mark.parametrize(
    ("value", "text"), [(498, "498"), (1597, "1,597"), (1_000_000, "1,000,000"), (2.5, "2.5")]
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


def test_an_answer_with_no_claim_by_then_says_so_plainly(core: Core) -> None:
    text = render_answer(core.answers.ask("russian losses as of 1 January 2022"))
    assert "No claim to show." in text
    assert "Verification: ." not in text and "latest available" not in text


def test_a_date_is_dropped_only_when_the_best_topic_is_named_by_it(core: Core) -> None:
    answer = core.answers.ask("refugees from ukraine in 2022")
    assert answer.moment is not None


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine sends to the database meanwhile."""
    sent: list[str] = []

    def note(*args: object) -> None:
        sent.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


def daily_series(claimants: range, days: int = 40) -> list[ClaimRecord]:
    """Each claimant's daily figure on one topic, ten more each day, from 1 March 2024."""
    start = date(2024, 3, 1)
    return parse_document(
        {
            "claims": [
                {
                    "topic": "Fuel depots struck",
                    "claimant": f"Claimant {n}",
                    "claimed_on": (start + timedelta(days=day)).isoformat(),
                    "figures": [{"metric": "depots", "value": 100 * n + 10 * day}],
                }
                for n in claimants
                for day in range(days)
            ]
        }
    )


@pytest.mark.parametrize("question", ["fuel depots struck", "fuel depots as of 5 April 2024"])
def test_series_take_the_same_statements_however_many_claimants(
    empty_core: Core, question: str
) -> None:
    counts = []
    for claimants in [range(2), range(2, 8)]:
        with db.transaction(empty_core.sessions) as session:
            ClaimStore(session).import_records(daily_series(claimants), author="t")
        empty_core.answers.ask(question)  # the index takes in the new claimants
        with statements(empty_core.engine) as sent:
            (match,) = empty_core.answers.ask(question, today=date(2024, 4, 9)).matches
        counts.append(len(sent))
        assert len(match.claims) == claimants.stop
    assert counts[0] == counts[1]
    last = 35 if "as of" in question else 39
    for claim in match.claims:
        n = int(claim.claimant.split()[1])
        assert claim.figures[0].value == 100 * n + 10 * last
        assert claim.series is not None
        assert (claim.series.count, claim.series.first.value) == (last + 1, 100 * n)
        assert (claim.series.change_7, claim.series.change_30) == (70, 300)
        assert str(claim.series.first_on) == "2024-03-01"
