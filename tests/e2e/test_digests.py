"""Digests sent by separate processes sharing one database: two `claimbot digest send-due` at
once post each digest once; the clock process sends what is due and stops on SIGTERM.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.core import Core
from bot.schedules import Schedule
from tests.digest_support import (
    CASUALTIES,
    T0,
    add,
    hourly,
    posts,
    settings_for,
)
from tests.slack_stub import SlackStub


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    """A stand-in per test: a process still running from an earlier test cannot post to it."""
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
