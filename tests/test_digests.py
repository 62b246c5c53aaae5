"""Digests on real SQLite and PostgreSQL: schedules, DST, what a digest holds, exactly-once
sending by concurrent senders and after a crash, subscriptions. They post through the real Slack
publisher (tested on its own in ``tests/handlers/test_publisher.py``) to the local stand-in for
the Web API.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.core import Core
from bot.digests import LEASE
from bot.errors import ClaimBotError
from bot.models import DigestRun
from bot.schedules import Schedule
from handlers.digests import SlackPublisher
from handlers.replies import web_client
from tests.digest_support import (
    CASUALTIES,
    REFUGEES,
    T0,
    Crash,
    CrashAfterPosting,
    add,
    hourly,
    posts,
    settings_for,
)
from tests.slack_stub import SlackStub


@pytest.fixture(scope="module")
def stub() -> Iterator[SlackStub]:
    server = SlackStub()
    yield server
    server.close()


@pytest.fixture
def slack(stub: SlackStub) -> SlackStub:
    stub.reset()
    return stub


@pytest.fixture
def core(database_url: str, slack: SlackStub) -> Iterator[Core]:
    core = Core.from_settings(settings_for(database_url, slack))
    core.init(seed=False)
    yield core
    core.engine.dispose()


@pytest.fixture
def publisher(core: Core) -> SlackPublisher:
    return SlackPublisher(web_client(core.settings))


# Schedules -----------------------------------------------------------------------------------


def test_schedule_validation() -> None:
    with pytest.raises(ClaimBotError, match="not a cron expression"):
        Schedule.parse("every day", "UTC")
    with pytest.raises(ClaimBotError, match="not a cron expression"):
        Schedule.parse("0 9 * * * *", "UTC")
    with pytest.raises(ClaimBotError, match="not a time zone"):
        Schedule.parse("0 9 * * *", "Mars/Olympus")


def test_daylight_saving_keeps_local_time() -> None:
    kyiv = Schedule.parse("0 9 * * *", "Europe/Kyiv")
    # Clocks go forward on 29 March 2026: 09:00 is 07:00 UTC before and 06:00 UTC after.
    before = kyiv.next_after(datetime(2026, 3, 28, 0, 0, tzinfo=UTC))
    after = kyiv.next_after(before)
    assert (before.hour, after.hour) == (7, 6)
    assert kyiv.latest_until(datetime(2026, 3, 29, 6, 30, tzinfo=UTC)) == after


def test_repeated_hour_is_one_slot_and_skipped_hour_still_runs() -> None:
    night = Schedule.parse("30 3 * * *", "Europe/Kyiv")
    # 25 October 2026: 03:30 happens twice (00:30 and 01:30 UTC); both are the same slot.
    first = night.latest_until(datetime(2026, 10, 25, 0, 45, tzinfo=UTC))
    second = night.latest_until(datetime(2026, 10, 25, 1, 45, tzinfo=UTC))
    assert first != second
    assert night.slot(first) == night.slot(second) == "2026-10-25T03:30"
    # 29 March 2026: 03:30 does not exist; the digest runs when clocks reach 04:00.
    skipped = night.next_after(datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    assert skipped == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


# Sending -------------------------------------------------------------------------------------


def test_first_digest_covers_changes_since_subscribing(
    core: Core, slack: SlackStub, publisher: SlackPublisher
) -> None:
    add(core, T0 - timedelta(minutes=5), REFUGEES)  # before subscribing: not in the digest
    subscription = hourly(core)
    add(core, T0 + timedelta(minutes=20), CASUALTIES)
    assert core.digests.send_due(publisher, T0 + timedelta(minutes=59)) == []
    (outcome,) = core.digests.send_due(publisher, T0 + timedelta(hours=1, minutes=1))
    assert (outcome.subscription_id, outcome.status, outcome.claims) == (subscription, "sent", 1)
    (post,) = posts(slack)
    assert post["channel"] == "C0001"
    assert post["metadata"] == {
        "event_type": "claimbot_digest",
        "event_payload": {"reference": f"{subscription}:2026-03-02T09:00"},
    }
    text = json.dumps(post["blocks"])
    assert "Russian military casualties in Ukraine" in text
    assert ":new: *Russian Ministry of Defence*: killed *498*" in text
    assert "UNHCR" not in text
    assert "ask_topic_0" in text
    # The same slot again, by this sender or another: nothing more.
    assert core.digests.send_due(publisher, T0 + timedelta(hours=1, minutes=2)) == []
    assert len(posts(slack)) == 1


def test_changed_claims_show_as_changed_and_quiet_hours_post_nothing(
    core: Core, slack: SlackStub, publisher: SlackPublisher
) -> None:
    add(core, T0 - timedelta(hours=1), CASUALTIES)
    hourly(core)
    (quiet,) = core.digests.send_due(publisher, T0 + timedelta(hours=1))
    assert quiet.status == "empty"
    assert posts(slack) == []
    add(
        core,
        T0 + timedelta(hours=1, minutes=30),
        {**CASUALTIES, "figures": [{"metric": "killed", "value": 500}]},
    )
    (changed,) = core.digests.send_due(publisher, T0 + timedelta(hours=2))
    assert changed.status == "sent"
    assert ":pencil2: Changed: *Russian Ministry of Defence*: killed *500*" in json.dumps(
        posts(slack)[0]["blocks"]
    )


def test_nothing_new_is_posted_when_asked(
    core: Core, slack: SlackStub, publisher: SlackPublisher
) -> None:
    hourly(core, post_when_empty=True, query="russian losses")
    add(core, T0 - timedelta(hours=1), CASUALTIES)
    (outcome,) = core.digests.send_due(publisher, T0 + timedelta(hours=1))
    assert outcome.status == "sent"
    assert posts(slack)[0]["text"] == (
        "Nothing new or changed on “russian losses” since 2 March 2026 08:00 UTC."
    )


def test_query_narrows_the_digest(core: Core, slack: SlackStub, publisher: SlackPublisher) -> None:
    hourly(core, query="ukrainian refugees")
    add(core, T0 + timedelta(minutes=10), CASUALTIES, REFUGEES)
    (outcome,) = core.digests.send_due(publisher, T0 + timedelta(hours=1))
    assert outcome.claims == 1
    text = json.dumps(posts(slack)[0]["blocks"])
    assert "UNHCR" in text and "Russian Ministry" not in text


def test_one_catch_up_digest_after_downtime(
    core: Core, slack: SlackStub, publisher: SlackPublisher
) -> None:
    hourly(core)
    add(core, T0 + timedelta(minutes=30), CASUALTIES)
    add(core, T0 + timedelta(hours=3, minutes=30), REFUGEES)
    outcomes = core.digests.send_due(publisher, T0 + timedelta(hours=5, minutes=10))
    assert [(o.slot, o.claims) for o in outcomes] == [("2026-03-02T13:00", 2)]
    assert len(posts(slack)) == 1


# Exactly once ----------------------------------------------------------------------------------


def test_concurrent_senders_post_each_digest_once(
    core: Core, slack: SlackStub, database_url: str
) -> None:
    for _ in range(5):
        hourly(core)
    add(core, T0 + timedelta(minutes=5), CASUALTIES)
    cores = [Core.from_settings(settings_for(database_url, slack)) for _ in range(4)]
    barrier = threading.Barrier(len(cores))
    results: list[list[Any]] = []

    def send(sender: Core) -> None:
        barrier.wait()
        publisher = SlackPublisher(web_client(sender.settings))
        results.append(sender.digests.send_due(publisher, T0 + timedelta(hours=1)))

    threads = [threading.Thread(target=send, args=(c,)) for c in cores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = [o.subscription_id for r in results for o in r if o.status == "sent"]
    assert sorted(sent) == [1, 2, 3, 4, 5]
    references = [p["metadata"]["event_payload"]["reference"] for p in posts(slack)]
    assert sorted(references) == sorted(set(references))
    assert len(references) == 5
    for sender in cores:
        sender.engine.dispose()


def test_crash_between_posting_and_recording_neither_loses_nor_doubles(
    core: Core, slack: SlackStub, publisher: SlackPublisher
) -> None:
    hourly(core)
    add(core, T0 + timedelta(minutes=5), CASUALTIES)
    due = T0 + timedelta(hours=1)
    with pytest.raises(Crash):
        core.digests.send_due(CrashAfterPosting(publisher), due)
    assert len(posts(slack)) == 1
    # While the dead sender's lease lasts, nobody else takes the run.
    assert core.digests.send_due(publisher, due + timedelta(minutes=1)) == []
    # After it, the next sender finds the message in the channel and records it.
    (outcome,) = core.digests.send_due(publisher, due + LEASE + timedelta(minutes=1))
    assert outcome.status == "sent"
    assert len(posts(slack)) == 1
    assert len(slack.calls_to("/api/conversations.history")) == 1
    with core.sessions() as session:
        run = session.query(DigestRun).one()
        assert (run.status, run.attempts, run.message_ref) == (
            "sent",
            2,
            slack.posted["C0001"][0]["ts"],
        )
    # Its claims are not posted again in the next digest.
    (later,) = core.digests.send_due(publisher, due + timedelta(hours=1))
    assert later.status == "empty"


# Subscriptions ---------------------------------------------------------------------------------


def test_subscription_lifecycle(core: Core) -> None:
    view = core.digests.subscribe(
        channel="C0002",
        schedule=Schedule.parse("0 9 * * 1", "Europe/Kyiv"),
        query="russian losses",
        created_by="test",
        now=T0,
    )
    assert view.next_run == datetime(2026, 3, 9, 7, 0, tzinfo=UTC)
    assert [v.id for v in core.digests.subscriptions("C0002")] == [view.id]
    assert core.digests.subscriptions("C0001") == []
    with pytest.raises(ClaimBotError, match="no digest"):
        core.digests.unsubscribe(view.id, channel="C0001")
    core.digests.unsubscribe(view.id, channel="C0002")
    assert core.digests.subscriptions() == []
    with pytest.raises(ClaimBotError, match="no digest"):
        core.digests.unsubscribe(view.id)
