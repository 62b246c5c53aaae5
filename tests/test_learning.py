"""Learning from use, on real SQLite and PostgreSQL: picks of suggested topics become proposed
aliases, counted, and an editor's decision is final; an accepted alias is answered by every
process at its next question."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.core import Core
from bot.errors import ClaimBotError
from bot.learning import alias_from
from bot.models import ProposedAlias, Topic, TopicAlias

CASUALTIES = "Russian military casualties in Ukraine"
REFUGEES = "Refugees from Ukraine"
#: A question no matcher could place: a made-up code word.
CODE_WORD = "operation zorblax tally"


def test_a_pick_is_recorded_with_who_and_when(core: Core) -> None:
    moment = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    assert core.learning.picked("RU KIA so far?", CASUALTIES, "slack:U0002", moment)
    page = core.learning.pending()
    assert page.total == 1
    (proposal,) = page.proposals
    assert (proposal.alias, proposal.topic, proposal.picks) == ("RU KIA so far", CASUALTIES, 1)
    assert (proposal.proposed_by, proposal.proposed_at, proposal.status) == (
        "slack:U0002",
        moment,
        "pending",
    )
    assert proposal.detail == "picked once, last on 1 December 2026"


def test_repeated_picks_count_up_in_any_case_and_spacing(core: Core) -> None:
    first = datetime(2026, 12, 1, tzinfo=UTC)
    later = datetime(2026, 12, 2, tzinfo=UTC)
    assert core.learning.picked("ru kia", CASUALTIES, "slack:U0002", first)
    assert core.learning.picked("  RU   KIA ", CASUALTIES, "slack:U0003", later)
    assert core.learning.picked("ru kia", REFUGEES, "slack:U0003", later)
    page = core.learning.pending()
    assert [(p.alias, p.topic, p.picks) for p in page.proposals] == [
        ("ru kia", CASUALTIES, 2),
        ("ru kia", REFUGEES, 1),
    ]
    counted = page.proposals[0]
    assert (counted.proposed_by, counted.proposed_at, counted.last_picked_at) == (
        "slack:U0002",
        first,
        later,
    )
    assert counted.detail == "picked 2 times, last on 2 December 2026"
    with core.sessions() as session:
        assert session.scalar(select(func.count(ProposedAlias.id))) == 2


@pytest.mark.parametrize(
    "question",
    [
        "russian losses",  # an alias of the topic already
        "Russian Military Casualties in Ukraine?",  # its title
        "as of 1 June 2023",  # nothing but a date
        "?!",
        "x" * 301,  # longer than an alias may be
    ],
)
def test_names_the_topic_has_and_empty_questions_are_not_recorded(
    core: Core, question: str
) -> None:
    assert not core.learning.picked(question, CASUALTIES, "slack:U0002")
    assert core.learning.pending().total == 0


def test_a_topic_that_is_gone_records_nothing(core: Core) -> None:
    assert not core.learning.picked("ru kia", "No such topic", "slack:U0002")
    assert core.learning.pending().total == 0


def test_date_words_are_left_out_of_the_proposal() -> None:
    today = datetime(2026, 12, 1, tzinfo=UTC).date()
    assert alias_from("RU KIA as of 1 June 2023", today) == "RU KIA"
    assert alias_from("  ru\tkia  ", today) == "ru kia"


def test_accepting_adds_the_alias_once_and_is_final(core: Core) -> None:
    core.learning.picked("ru kia", CASUALTIES, "slack:U0002")
    (proposal,) = core.learning.pending().proposals
    decision = core.learning.accept(proposal.id, "cli")
    assert decision.added
    assert decision.summary == f"Accepted: “ru kia” is now an alias of “{CASUALTIES}”."
    assert (decision.proposal.status, decision.proposal.decided_by) == ("accepted", "cli")
    assert core.learning.pending().total == 0
    with core.sessions() as session:
        assert session.scalar(select(TopicAlias.id).where(TopicAlias.alias == "ru kia"))
    with pytest.raises(ClaimBotError, match=r"already accepted by cli"):
        core.learning.reject(proposal.id, "slack:U0001")
    # The question is now one of the topic's names: picking it again proposes nothing.
    assert not core.learning.picked("RU KIA", CASUALTIES, "slack:U0002")


def test_a_rejected_question_is_never_proposed_again_for_that_topic(core: Core) -> None:
    core.learning.picked("ru kia", REFUGEES, "slack:U0002")
    (proposal,) = core.learning.pending().proposals
    decision = core.learning.reject(proposal.id, "slack:U0001")
    assert decision.summary == f"Rejected: “ru kia” will not be proposed again for “{REFUGEES}”."
    assert not core.learning.picked("ru kia", REFUGEES, "slack:U0003")
    assert core.learning.pending().total == 0
    with pytest.raises(ClaimBotError, match=r"already rejected by slack:U0001"):
        core.learning.accept(proposal.id, "cli")
    with core.sessions() as session:
        assert session.scalar(select(ProposedAlias.picks)) == 1
        assert session.scalar(select(TopicAlias.id).where(TopicAlias.alias == "ru kia")) is None


def test_accepting_a_name_the_topic_got_meanwhile_adds_nothing(core: Core) -> None:
    core.learning.picked("ru kia", CASUALTIES, "slack:U0002")
    (proposal,) = core.learning.pending().proposals
    with core.sessions() as session, session.begin():
        session.add(TopicAlias(topic_id=_topic_id(core, CASUALTIES), alias="RU KIA"))
    decision = core.learning.accept(proposal.id, "cli")
    assert not decision.added
    assert decision.summary == f"Accepted: “{CASUALTIES}” already had the alias “ru kia”."


def test_an_unknown_proposal_is_refused(core: Core) -> None:
    with pytest.raises(ClaimBotError, match=r"^There is no proposed alias 99\.$"):
        core.learning.accept(99, "cli")


def test_the_listing_is_most_picked_first_and_limited(core: Core) -> None:
    for picks, question in enumerate(["one", "two", "three"], start=1):
        for _ in range(picks):
            core.learning.picked(f"alias {question}", REFUGEES, "slack:U0002")
    page = core.learning.pending(limit=2)
    assert [p.alias for p in page.proposals] == ["alias three", "alias two"]
    assert page.heading == "3 proposed aliases are waiting, most picked first."
    assert page.rest(2) == "1 more not shown: decide these to see the rest."
    assert page.rest(3) is None
    assert core.learning.pending().heading == "3 proposed aliases are waiting, most picked first."


def test_an_alias_accepted_through_one_process_is_answered_by_another(
    core: Core, database_url: str
) -> None:
    """Two cores on one database, as two processes have: the one answering has its match index
    built before the alias is accepted elsewhere, and answers it at its next question."""
    answering = core
    assert not answering.answers.ask(CODE_WORD).matches
    other = Core.from_settings(Settings(database_url=database_url))
    try:
        assert other.learning.picked(CODE_WORD, CASUALTIES, "slack:U0002")
        (proposal,) = other.learning.pending().proposals
        other.learning.accept(proposal.id, "slack:U0001")
    finally:
        other.engine.dispose()
    answer = answering.answers.ask(CODE_WORD)
    assert [m.topic for m in answer.matches] == [CASUALTIES]


def _topic_id(core: Core, title: str) -> int:

    with core.sessions() as session:
        found = session.scalar(select(Topic.id).where(Topic.title == title))
        assert found is not None
        return found
