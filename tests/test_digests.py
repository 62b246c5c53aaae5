"""Digests on real SQLite and PostgreSQL, posting through the real Slack publisher to the
local stand-in for the Web API: schedules, exactly-once, crashes, DST, retries, bad channels.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot import db
from bot.config import Settings
from bot.core import Core
from bot.digests import LEASE, MAX_FAILURES, Digest
from bot.errors import ClaimBotError
from bot.models import DigestRun
from bot.records import parse_document
from bot.schedules import Schedule
from bot.store import ClaimStore
from handlers.digests import SlackPublisher
from handlers.replies import web_client
from tests.slack_stub import Scripted, SlackStub, block_text, message_problem

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
CASUALTIES = {
    "topic": "Russian military casualties in Ukraine",
    "topic_aliases": ["russian losses"],
    "claimant": "Russian Ministry of Defence",
    "outlet": "RIA Novosti",
    "claimed_on": "2022-03-02",
    "figures": [{"metric": "killed", "value": 498}],
    "external_id": "ru",
}
REFUGEES = {
    "topic": "Refugees from Ukraine",
    "topic_aliases": ["ukrainian refugees"],
    "claimant": "UNHCR",
    "claimed_on": "2022-03-02",
    "figures": [{"metric": "refugees", "value": 874000}],
    "external_id": "unhcr",
}


@pytest.fixture(scope="module")
def stub() -> Iterator[SlackStub]:
    server = SlackStub()
    yield server
    server.close()


@pytest.fixture
def slack(stub: SlackStub) -> SlackStub:
    stub.reset()
    return stub


def settings_for(database_url: str, stub: SlackStub) -> Settings:
    return Settings(
        database_url=database_url, slack_bot_token="xoxb-test", slack_api_url=f"{stub.url}/api/"
    )


@pytest.fixture
def core(database_url: str, slack: SlackStub) -> Iterator[Core]:
    core = Core.from_settings(settings_for(database_url, slack))
    core.init(seed=False)
    yield core
    core.engine.dispose()


@pytest.fixture
def publisher(core: Core) -> SlackPublisher:
    return SlackPublisher(web_client(core.settings))


def add(core: Core, at: datetime, *records: dict[str, Any]) -> None:
    with db.transaction(core.sessions) as session:
        ClaimStore(session).import_records(
            parse_document({"claims": list(records)}), author="test", now=at
        )


def hourly(core: Core, at: datetime = T0, **kwargs: Any) -> int:
    view = core.digests.subscribe(
        channel="C0001",
        schedule=Schedule.parse("0 * * * *", "UTC"),
        created_by="test",
        now=at,
        **kwargs,
    )
    return view.id


def posts(stub: SlackStub) -> list[dict[str, Any]]:
    return [c.body for c in stub.calls_to("/api/chat.postMessage")]


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


def test_long_digest_continues_in_its_thread_within_slacks_limits(
    core: Core, slack: SlackStub, publisher: SlackPublisher
) -> None:
    hourly(core)
    long_quote = "A long statement, quoted in full. " * 80  # 2,720 characters
    records = [
        {
            **CASUALTIES,
            "topic": f"Topic {i}",
            "external_id": f"x{i}",
            "topic_aliases": [],
            "quote": long_quote,
            "caveat": "Not independently verified; " * 50,
        }
        for i in range(40)
    ]
    add(core, T0 + timedelta(minutes=1), *records)
    (outcome,) = core.digests.send_due(publisher, T0 + timedelta(hours=1))
    assert outcome.claims == 40
    first, *rest = posts(slack)
    assert rest, "a digest this long continues in the thread"
    first_ts = slack.posted[first["channel"]][0]["ts"]
    assert all(message["thread_ts"] == first_ts for message in rest)
    assert "thread_ts" not in first
    for message in [first, *rest]:
        assert message_problem(message) is None  # Slack's own limits, as the stand-in checks
        assert len(message["blocks"]) <= 50
        assert block_text(message["blocks"]) <= 12_000
    shown = "".join(json.dumps(m["blocks"]) for m in [first, *rest])
    assert all(f"Topic {i}" in shown for i in range(40))
    assert "more not shown" not in shown
    assert "Full text" in shown  # long quotes are shortened, with a way to the rest


def test_digest_beyond_ten_messages_says_what_it_left_out(
    core: Core, slack: SlackStub, publisher: SlackPublisher
) -> None:
    hourly(core)
    records = [
        {**CASUALTIES, "topic": f"Topic {i}", "external_id": f"x{i}", "topic_aliases": []}
        for i in range(400)
    ]
    add(core, T0 + timedelta(minutes=1), *records)
    (outcome,) = core.digests.send_due(publisher, T0 + timedelta(hours=1))
    assert (outcome.status, outcome.claims) == ("sent", 400)
    messages = posts(slack)
    assert len(messages) == 10
    assert all(message_problem(m) is None for m in messages)
    assert "more not shown" in messages[-1]["blocks"][-1]["elements"][0]["text"]


def test_a_message_slack_refuses_for_its_size_is_a_permanent_failure(
    core: Core, slack: SlackStub, publisher: SlackPublisher
) -> None:
    hourly(core)
    add(core, T0 + timedelta(minutes=5), CASUALTIES)
    slack.script(
        "/api/chat.postMessage",
        *[Scripted(200, {"ok": False, "error": "msg_blocks_too_long"})] * MAX_FAILURES,
    )
    for minute in range(MAX_FAILURES):
        (outcome,) = core.digests.send_due(publisher, T0 + timedelta(hours=1, minutes=minute))
        assert (outcome.status, outcome.error) == ("failed", "msg_blocks_too_long")
    (view,) = core.digests.subscriptions(now=T0 + timedelta(hours=2))
    assert view.state == f"paused after {MAX_FAILURES} failures: msg_blocks_too_long"


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


def test_two_send_due_processes_post_once(core: Core, slack: SlackStub, database_url: str) -> None:
    for _ in range(3):
        hourly(core)
    add(core, T0 + timedelta(minutes=5), CASUALTIES)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": f"{slack.url}/api/",
    }
    command = [
        sys.executable,
        "-m",
        "entrypoints",
        "digest",
        "send-due",
        "--now",
        "2026-03-02T09:00:30Z",
    ]
    processes = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    lines = "".join(out for out, _ in outputs).splitlines()
    assert sorted(lines) == [f"digest {i} slot 2026-03-02T09:00: sent, 1 claims" for i in (1, 2, 3)]
    assert len(posts(slack)) == 3


class Crash(BaseException):
    """The sender dies right after Slack accepted the post, before recording it."""


class CrashAfterPosting:
    def __init__(self, inner: SlackPublisher) -> None:
        self.inner = inner

    def publish(self, channel: str, digest: Digest) -> str:
        self.inner.publish(channel, digest)
        raise Crash

    def find(self, channel: str, reference: str, since: datetime) -> str | None:
        return self.inner.find(channel, reference, since)


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


def test_crash_recovery_finds_the_digest_beyond_the_first_page_of_history(
    core: Core, slack: SlackStub, publisher: SlackPublisher
) -> None:
    """A busy channel: 450 messages came after the digest; the cursor is followed to it."""
    hourly(core)
    add(core, T0 + timedelta(minutes=5), CASUALTIES)
    due = T0 + timedelta(hours=1)
    with pytest.raises(Crash):
        core.digests.send_due(CrashAfterPosting(publisher), due)
    chatter = [{"type": "message", "ts": f"{i}.000100", "text": "chatter"} for i in range(450)]
    slack.posted["C0001"].extend(chatter)
    (outcome,) = core.digests.send_due(publisher, due + LEASE + timedelta(minutes=1))
    assert outcome.status == "sent"
    assert len(posts(slack)) == 1
    assert len(slack.calls_to("/api/conversations.history")) == 3


def test_crash_with_unreadable_history_posts_again_rather_than_lose(
    core: Core, slack: SlackStub, publisher: SlackPublisher
) -> None:
    hourly(core)
    add(core, T0 + timedelta(minutes=5), CASUALTIES)
    due = T0 + timedelta(hours=1)
    with pytest.raises(Crash):
        core.digests.send_due(CrashAfterPosting(publisher), due)
    slack.script(
        "/api/conversations.history", Scripted(200, {"ok": False, "error": "missing_scope"})
    )
    (outcome,) = core.digests.send_due(publisher, due + LEASE + timedelta(minutes=1))
    assert outcome.status == "sent"
    assert len(posts(slack)) == 2  # the documented worst case: doubled, not lost


# Slack errors ----------------------------------------------------------------------------------


def test_rate_limit_then_success(core: Core, slack: SlackStub, publisher: SlackPublisher) -> None:
    hourly(core)
    add(core, T0 + timedelta(minutes=5), CASUALTIES)
    slack.script(
        "/api/chat.postMessage",
        Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}),
    )
    (outcome,) = core.digests.send_due(publisher, T0 + timedelta(hours=1))
    assert outcome.status == "sent"
    assert len(slack.calls_to("/api/chat.postMessage")) == 2


def test_transient_failure_is_recorded_and_retried_next_run(
    core: Core, slack: SlackStub, publisher: SlackPublisher
) -> None:
    hourly(core)
    add(core, T0 + timedelta(minutes=5), CASUALTIES)
    slack.script(
        "/api/chat.postMessage", *[Scripted(503, {"ok": False, "error": "service_unavailable"})] * 3
    )
    (failed,) = core.digests.send_due(publisher, T0 + timedelta(hours=1))
    assert failed.status == "failed"
    (view,) = core.digests.subscriptions(now=T0 + timedelta(hours=1))
    assert view.state.startswith("failing (1):")
    (retried,) = core.digests.send_due(publisher, T0 + timedelta(hours=1, minutes=1))
    assert (retried.status, retried.claims) == ("sent", 1)
    (view,) = core.digests.subscriptions(now=T0 + timedelta(hours=1))
    assert view.state == "active"


def test_unknown_channel_is_reported_then_paused(
    core: Core, slack: SlackStub, publisher: SlackPublisher
) -> None:
    hourly(core)
    add(core, T0 + timedelta(minutes=5), CASUALTIES)
    slack.script(
        "/api/chat.postMessage",
        *[Scripted(200, {"ok": False, "error": "channel_not_found"})] * MAX_FAILURES,
    )
    for minute in range(MAX_FAILURES):
        (outcome,) = core.digests.send_due(publisher, T0 + timedelta(hours=1, minutes=minute))
        assert (outcome.status, outcome.error) == ("failed", "channel_not_found")
    (view,) = core.digests.subscriptions(now=T0 + timedelta(hours=2))
    assert view.state == f"paused after {MAX_FAILURES} failures: channel_not_found"
    assert view.next_run is None
    assert core.digests.send_due(publisher, T0 + timedelta(hours=2)) == []
    core.digests.resume(view.id)
    (outcome,) = core.digests.send_due(publisher, T0 + timedelta(hours=3))
    assert (outcome.status, outcome.claims) == ("sent", 1)


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


def test_clock_sends_due_digests_and_stops_on_sigterm(
    core: Core, slack: SlackStub, database_url: str
) -> None:
    now = datetime.now(UTC)
    core.digests.subscribe(
        channel="C0009",
        schedule=Schedule.parse("* * * * *", "UTC"),
        created_by="test",
        now=now - timedelta(minutes=3),
    )
    add(core, now - timedelta(minutes=2), CASUALTIES)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": f"{slack.url}/api/",
    }
    clock = subprocess.Popen(
        [sys.executable, "-m", "entrypoints", "clock"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        (call,) = slack.wait_for(lambda c: c.path == "/api/chat.postMessage", timeout=30)
        assert call.body["channel"] == "C0009"
    finally:
        clock.terminate()
        _, stderr = clock.communicate(timeout=15)
    assert clock.returncode == 0, stderr
