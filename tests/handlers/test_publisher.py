"""The Slack publisher of digests (handlers/digests.py): long digests continued in a thread within
Slack's limits, finding a digest in a channel's history after a crash, Slack's errors.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.core import Core
from bot.digests import LEASE, MAX_FAILURES
from handlers.digests import SlackPublisher
from handlers.replies import web_client
from tests.digest_support import (
    CASUALTIES,
    T0,
    Crash,
    CrashAfterPosting,
    add,
    hourly,
    posts,
    settings_for,
)
from tests.slack_stub import Scripted, SlackStub, block_text, message_problem


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


# Slack's limits --------------------------------------------------------------------------------


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


# Finding a digest after a crash ---------------------------------------------------------------


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


@pytest.mark.parametrize(
    "error",
    # A channel the bot cannot post to, and a message Slack refuses for its size: neither is
    # helped by posting again every minute.
    ["channel_not_found", "msg_blocks_too_long"],
)
def test_a_permanent_failure_is_reported_then_paused(
    core: Core, slack: SlackStub, publisher: SlackPublisher, error: str
) -> None:
    hourly(core)
    add(core, T0 + timedelta(minutes=5), CASUALTIES)
    slack.script(
        "/api/chat.postMessage",
        *[Scripted(200, {"ok": False, "error": error})] * MAX_FAILURES,
    )
    for minute in range(MAX_FAILURES):
        (outcome,) = core.digests.send_due(publisher, T0 + timedelta(hours=1, minutes=minute))
        assert (outcome.status, outcome.error) == ("failed", error)
    (view,) = core.digests.subscriptions(now=T0 + timedelta(hours=2))
    assert view.state == f"paused after {MAX_FAILURES} failures: {error}"
    assert view.next_run is None
    assert core.digests.send_due(publisher, T0 + timedelta(hours=2)) == []
    core.digests.resume(view.id)
    (outcome,) = core.digests.send_due(publisher, T0 + timedelta(hours=3))
    assert (outcome.status, outcome.claims) == ("sent", 1)
