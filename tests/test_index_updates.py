"""The match index follows every write in place, on real SQLite and PostgreSQL: each write path
logs the topics it changed, an index updated in place answers exactly as one built afresh, an
edit in one process is answered by another, and on PostgreSQL changes arrive by notice."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, insert, select, text, update

from bot import answers as answers_module
from bot import db
from bot.answers import AnswerService, _ShownRows, _TopicRows
from bot.config import Settings
from bot.core import Core
from bot.errors import DatabaseUnavailableError
from bot.listening import APPLICATION_NAME, ChangeListener
from bot.matching import MatchResult, TopicIndex, TopicNames
from bot.models import Claim, Topic, TopicChange, Verification, utcnow
from bot.records import ClaimRecord, parse_document
from bot.store import CHANGE_LOG_RETENTION, ClaimStore
from tests.conftest import empty_database

CASUALTIES = "Russian military casualties in Ukraine"
REFUGEES = "Refugees from Ukraine"
QUESTIONS = [
    "russian losses",
    "russain losess",
    "how many russian soldiers have died",
    "ukrainian refugees",
    "refugees in poland",
    "ukrainian losses",
    "ru kia",
    "conscript share",
    "did russia deploy conscripts",
    "tanks lost",
    "displaced people in ukraine",
    "weather in kyiv",
    "Russia's defence ministry said 5,937 Russian servicemen had been killed since the start "
    "of the special military operation, according to a statement published on Wednesday",
    "UNHCR says more than 3 million refugees have now fled Ukraine to neighbouring countries "
    "such as Poland, Hungary and Moldova since the invasion began last month",
]


def record(**fields: object) -> ClaimRecord:
    data = {
        "topic": "Ukrainian military casualties",
        "claimant": "US officials",
        "claimed_on": "2022-03-05",
        "figures": [{"metric": "killed", "value": 2000}],
        **fields,
    }
    (parsed,) = parse_document({"claims": [data]})
    return parsed


def answers(match: Callable[[str], MatchResult]) -> list[MatchResult]:
    return [match(question) for question in QUESTIONS]


def topic_id(core: Core, title: str) -> int:
    with core.sessions() as session:
        found = session.scalar(select(Topic.id).where(Topic.title == title))
        assert found is not None
        return found


def logged_since(core: Core, change: int) -> set[int]:
    with core.sessions() as session:
        return {topic for _, topic in ClaimStore(session).changes_since(change)}


def last_change(core: Core) -> int:
    with core.sessions() as session:
        return ClaimStore(session).last_change()


def first_claim(core: Core, title: str) -> int:
    with core.sessions() as session:
        found = session.scalar(
            select(Claim.id).join(Topic).where(Topic.title == title).order_by(Claim.id)
        )
        assert found is not None
        return found


def test_every_write_path_logs_the_topics_it_changed(core: Core) -> None:
    casualties, refugees = topic_id(core, CASUALTIES), topic_id(core, REFUGEES)

    def logs(write: Callable[[], object]) -> set[int]:
        before = last_change(core)
        write()
        return logged_since(core, before)

    assert logs(lambda: core.editing.add(record(), "t")) == {
        topic_id(core, "Ukrainian military casualties")
    }
    claim = first_claim(core, CASUALTIES)
    verified = Verification.VERIFIED
    assert logs(lambda: core.editing.verify(claim, verified, "ok", "t")) == {casualties}
    edited = record(quote="5,937 died")
    assert logs(lambda: core.editing.edit(claim, edited, "t", {"quote"})) == {casualties}
    # Moving a claim to another topic changes both.
    assert logs(lambda: core.editing.edit(claim, record(topic=REFUGEES), "t", {"topic"})) == {
        casualties,
        refugees,
    }
    assert logs(lambda: core.editing.retire(claim, "duplicate", "t")) == {refugees}
    imported = [record(topic=CASUALTIES, claimant="UK MoD", topic_aliases=["rus kia"])]
    assert logs(lambda: core.editing.import_records(imported, "t")) == {casualties}
    core.learning.picked("ru kia", CASUALTIES, "slack:U1")
    (proposal,) = core.learning.pending().proposals
    assert logs(lambda: core.learning.accept(proposal.id, "cli")) == {casualties}
    # Writes that change nothing, and a rolled-back transaction, log nothing.
    assert logs(lambda: core.editing.import_records(imported, "t")) == set()
    with core.sessions() as session:
        assert not ClaimStore(session).add_alias(casualties, "RU KIA")

    def rolled_back() -> None:
        with pytest.raises(RuntimeError), db.transaction(core.sessions) as session:
            ClaimStore(session).add_alias(refugees, "people fleeing")
            raise RuntimeError

    assert logs(rolled_back) == set()


TOPICS = [
    TopicNames(1, CASUALTIES, ("russian losses",), ("Russian MoD",), ("killed",), ("5,937 died",)),
    TopicNames(2, "Russian tank losses", ("tanks lost",), ("Oryx",), ("tanks",)),
    TopicNames(3, "Internally displaced people in Ukraine", ("IDPs",), ("IOM",), ("displaced",)),
    TopicNames(4, REFUGEES, ("ukrainian refugees",), ("UNHCR",), ("refugees",)),
    TopicNames(5, "Share of conscripts in the Russian military", ("conscript share",)),
]


def test_an_index_updated_in_place_scores_as_one_built_afresh() -> None:
    topics = {t.id: t for t in TOPICS}
    index = TopicIndex(topics.values())
    changes: list[tuple[list[int], list[TopicNames]]] = [
        ([6], [TopicNames(6, "Ukrainian military casualties", ("ukrainian losses",), ("US",))]),
        ([1], [TopicNames(1, CASUALTIES, ("russian losses", "ru kia"), ("Russian MoD", "UK"))]),
        ([4], []),  # every claim retired
        ([2, 3], [TopicNames(3, "Displaced people in Ukraine", ("IDPs",), ("IOM",), (), ("x",))]),
        ([4], [TOPICS[3]]),  # restored
        ([1], [TopicNames(1, CASUALTIES, ("ru kia",), ("Russian MoD",), ("killed",))]),
        ([6], [TopicNames(6, "Ukrainian military casualties", ("ukrainian losses", "ua kia"))]),
    ]
    for changed, current in changes:
        for topic_id in changed:
            topics.pop(topic_id, None)
        topics.update({t.id: t for t in current})
        index.update(changed, current)
        fresh = TopicIndex(sorted(topics.values(), key=lambda t: t.id))
        assert answers(index.match) == answers(fresh.match)
        assert index.titles == fresh.titles
        assert index.size == fresh.size == len(topics)


@pytest.fixture
def second_core(core: Core) -> Iterator[Core]:
    """Another process's core on the same database."""
    other = Core.from_settings(Settings(database_url=str(core.engine.url.render_as_string(False))))
    yield other
    other.engine.dispose()


def test_an_edit_in_one_process_is_answered_in_place_by_another(
    core: Core, second_core: Core
) -> None:
    assert second_core.answers.ask("ukrainian losses").matches == ()
    index = second_core.answers._index  # the index built by that first question
    core.editing.add(record(topic_aliases=["ukrainian losses"]), "t")
    (match,) = second_core.answers.ask("ukrainian losses").matches
    assert match.topic == "Ukrainian military casualties"
    claim = first_claim(core, CASUALTIES)
    core.editing.retire(claim, "duplicate", "t")
    core.learning.picked("ru kia", REFUGEES, "slack:U1")
    (proposal,) = core.learning.pending().proposals
    core.learning.accept(proposal.id, "cli")
    assert second_core.answers.ask("ru kia").matches[0].topic == REFUGEES
    assert second_core.answers._index is index  # updated in place, never rebuilt
    fresh = AnswerService(second_core.sessions)
    for question in QUESTIONS:
        assert second_core.answers.ask(question) == fresh.ask(question)


def test_the_rows_an_answer_showed_are_never_shown_after_their_topic_changed(
    core: Core, second_core: Core
) -> None:
    """Another process keeps the rows it showed; a verification, an edit or a retirement in
    this one is shown by it at its next question, as by a service asking afresh."""
    for question in QUESTIONS:
        second_core.answers.ask(question)
    claim = first_claim(core, CASUALTIES)
    core.editing.verify(claim, Verification.DISPUTED, "other counts differ", "t")
    edited = core.editing.record(claim).model_copy(update={"caveat": "Counted anew."})
    core.editing.edit(claim, edited, "t", fields={"caveat"})
    core.editing.retire(first_claim(core, REFUGEES), "duplicate", "t")
    fresh = AnswerService(second_core.sessions)
    for question in QUESTIONS:
        assert second_core.answers.ask(question) == fresh.ask(question), question
    shown = {c.id: c for m in second_core.answers.ask("russian losses").matches for c in m.claims}
    assert shown[claim].verification is Verification.DISPUTED
    assert shown[claim].caveat == "Counted anew."


def test_rows_read_before_a_change_another_thread_saw_are_not_kept() -> None:
    """A thread that looked at the change log (look 1) and read a topic's rows before another
    thread's look (2) found the topic changed may hold rows older than the change."""
    shown = _ShownRows()
    old, new = _TopicRows([], {}), _TopicRows([], {})
    shown.keep(7, old, looked=1)
    assert shown.get(7) is old
    shown.changed([7], look=2)
    assert shown.get(7) is None
    shown.keep(7, old, looked=1)
    assert shown.get(7) is None
    shown.keep(7, new, looked=2)
    assert shown.get(7) is new
    shown.clear(look=5)  # a rebuild: nothing read before it is kept
    shown.keep(8, old, looked=4)
    assert shown.get(8) is None


def test_kept_rows_are_read_again_after_a_while(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the log says: a change it missed (a writer stalled past the wait for late
    change ids) is shown within SHOWN_ROWS_SECONDS."""
    shown = _ShownRows()
    rows = _TopicRows([], {})
    shown.keep(7, rows, looked=1)
    assert shown.get(7) is rows
    now = time.monotonic()
    later = now + answers_module.SHOWN_ROWS_SECONDS + 1
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert shown.get(7) is None


def age_the_log(core: Core, days: float) -> None:
    """Make every logged change ``days`` old."""
    with core.engine.begin() as connection:
        connection.execute(update(TopicChange).values(logged_at=utcnow() - timedelta(days=days)))


def logged(core: Core) -> list[int]:
    with core.sessions() as session:
        return list(session.scalars(select(TopicChange.id).order_by(TopicChange.id)))


def test_changes_older_than_the_retention_are_trimmed_by_the_next_write(core: Core) -> None:
    core.editing.add(record(), "t")
    kept = logged(core)
    age_the_log(core, CHANGE_LOG_RETENTION.days - 0.5)  # not old enough yet
    core.editing.add(record(claimant="UK officials"), "t")
    assert logged(core)[: len(kept)] == kept
    age_the_log(core, CHANGE_LOG_RETENTION.days + 0.5)
    old = logged(core)
    claim = first_claim(core, CASUALTIES)
    core.editing.verify(claim, Verification.DISPUTED, "checked", "t")
    left = logged(core)
    # The newest old change stays, as a marker: a reader that saw it missed nothing.
    assert min(left) == max(old) and len([i for i in left if i <= max(old)]) == 1
    assert logged_since(core, max(old)) == {topic_id(core, CASUALTIES)}


def test_a_process_whose_unread_changes_were_trimmed_rebuilds_its_index(
    core: Core, second_core: Core
) -> None:
    assert second_core.answers.ask("ukrainian losses").matches == ()
    index = second_core.answers._index
    core.editing.add(record(topic_aliases=["ukrainian losses"]), "t")
    core.editing.add(record(claimant="UK officials"), "t")
    age_the_log(core, CHANGE_LOG_RETENTION.days + 1)
    core.editing.retire(first_claim(core, REFUGEES), "duplicate", "t")  # trims the first add
    (match,) = second_core.answers.ask("ukrainian losses").matches
    assert match.topic == "Ukrainian military casualties"
    assert second_core.answers._index is not index  # rebuilt: the log no longer held it all
    fresh = AnswerService(second_core.sessions)
    for question in QUESTIONS:
        assert second_core.answers.ask(question) == fresh.ask(question)


def test_a_process_that_missed_nothing_updates_in_place_across_a_trim_and_a_gap(
    core: Core, second_core: Core
) -> None:
    """Ids a writer took and rolled back leave gaps; a trimmed log with a gap after the
    newest change a process saw is no reason to rebuild."""
    second_core.answers.ask("russian losses")
    index = second_core.answers._index
    seen = max(logged(core))
    age_the_log(core, CHANGE_LOG_RETENTION.days + 1)
    with core.engine.begin() as connection:  # another writer's change, past two lost ids
        connection.execute(
            insert(TopicChange).values(
                id=seen + 3, topic_id=topic_id(core, CASUALTIES), logged_at=utcnow()
            )
        )
    core.editing.verify(first_claim(core, CASUALTIES), Verification.DISPUTED, "checked", "t")
    assert min(logged(core)) == seen
    second_core.answers.ask("russian losses")
    assert second_core.answers._index is index  # updated in place, not rebuilt


def eventually(condition: Callable[[], object]) -> None:
    """Wait (at most 10 s) for something another thread or process does."""
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "it never happened"
        time.sleep(0.05)


@pytest.mark.postgres
def test_on_postgresql_changes_arrive_by_notice_and_every_question_asks_while_deaf(
    tmp_path: Path,
) -> None:
    url = empty_database("postgresql", tmp_path)
    writer = Core.from_settings(Settings(database_url=url))
    writer.init()
    reader = Core.from_settings(Settings(database_url=url))
    # Slow to reconnect, so the test sees the listener's connection lost.
    listener = ChangeListener(reader.engine, retry_seconds=30)
    reader.answers.listen(listener)
    statements: list[str] = []
    event.listen(reader.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    def reads_the_log(question: str) -> bool:
        statements.clear()
        reader.answers.ask(question)
        return any("topic_changes" in statement for statement in statements)

    try:
        eventually(lambda: listener.listening)
        assert reader.answers.ask("ukrainian losses").matches == ()  # builds the index
        reads_the_log("russian losses")  # the notice of listening having begun
        assert not reads_the_log("russian losses")  # no query per question
        writer.editing.add(record(topic_aliases=["ukrainian losses"]), "t")
        eventually(lambda: reader.answers.ask("ukrainian losses").matches)
        assert not reads_the_log("ukrainian losses")
        with writer.engine.begin() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = :name AND datname = current_database()"
                ),
                {"name": APPLICATION_NAME},
            )
        eventually(lambda: not listener.listening)
        assert reads_the_log("russian losses")  # deaf: every question reads the log
        writer.editing.retire(first_claim(writer, "Ukrainian military casualties"), "gone", "t")
        assert reader.answers.ask("ukrainian losses").matches == ()
    finally:
        listener.close()
        reader.engine.dispose()
        writer.engine.dispose()


def test_rows_are_not_shown_after_a_rebuild_that_failed(
    core: Core, second_core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild that fails (the database timing out while it reads every topic) has read the
    change log already: the rows kept of the topics it found changed are forgotten all the
    same, or the next question, finding nothing new in the log, would show them."""
    claim = first_claim(core, CASUALTIES)
    assert second_core.answers.ask("russian losses").matches
    core.editing.verify(claim, Verification.DISPUTED, "other counts differ", "t")
    monkeypatch.setattr(answers_module, "REBUILD_AT_LEAST", 0)
    monkeypatch.setattr(answers_module, "REBUILD_SHARE", 0.0)
    build = second_core.answers._build

    def failing(store: ClaimStore) -> object:
        raise DatabaseUnavailableError("timed out")

    monkeypatch.setattr(second_core.answers, "_build", failing)
    with pytest.raises(DatabaseUnavailableError):
        second_core.answers.ask("russian losses")
    monkeypatch.setattr(second_core.answers, "_build", build)
    shown = {c.id: c for m in second_core.answers.ask("russian losses").matches for c in m.claims}
    assert shown[claim].verification is Verification.DISPUTED


def test_a_batch_shows_a_change_made_while_it_is_read(core: Core, second_core: Core) -> None:
    """A batch read as it comes (``claimbot ask --batch -``) shows each question's claims as
    they are when it is answered, as before rows were kept: a verification made between two of
    its questions is shown by the second."""
    claim = first_claim(core, CASUALTIES)

    def questions() -> Iterator[str]:
        yield "russian losses"
        core.editing.verify(claim, Verification.DISPUTED, "other counts differ", "t")
        yield "russian losses"

    answered = [a for _, a in second_core.answers.ask_batch(questions())]
    assert not isinstance(answered[1], Exception)
    shown = {c.id: c for m in answered[1].matches for c in m.claims}
    assert shown[claim].verification is Verification.DISPUTED


class _OneNotice:
    """A listener that heard one notice."""

    def __init__(self) -> None:
        self.heard = True

    def changed(self) -> bool:
        heard, self.heard = self.heard, False
        return heard

    def again(self) -> None:
        self.heard = True


def test_a_notice_is_acted_on_after_a_look_that_failed(
    core: Core, second_core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a listener, a look that took the notice of a change but failed to read the log
    leaves the notice for the next look, which reads it (else nothing would until another
    write, the rows kept of the topic shown meanwhile)."""
    claim = first_claim(core, CASUALTIES)
    assert second_core.answers.ask("russian losses").matches
    core.editing.verify(claim, Verification.DISPUTED, "other counts differ", "t")
    second_core.answers.listen(_OneNotice())  # type: ignore[arg-type]
    read = ClaimStore.changes_since

    def failing(*args: object) -> object:
        raise DatabaseUnavailableError("timed out")

    monkeypatch.setattr(ClaimStore, "changes_since", failing)
    with pytest.raises(DatabaseUnavailableError):
        second_core.answers.ask("russian losses")
    monkeypatch.setattr(ClaimStore, "changes_since", read)
    shown = {c.id: c for m in second_core.answers.ask("russian losses").matches for c in m.claims}
    assert shown[claim].verification is Verification.DISPUTED
