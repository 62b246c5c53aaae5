"""The Bolt app itself: URL verification, redelivered events acted on once, ``app_rate_limited``,
and the error handler's apology when a listener fails (in process)."""

from __future__ import annotations

import json
import logging
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt import BoltRequest

from bot.core import Core
from handlers.app import build_app
from tests.handlers.harness import Slack, post_messages, sqlite_core
from tests.slack_server import SECRET
from tests.slack_stub import (
    BOT_USER_ID,
    SlackStub,
    command_payload,
    event_payload,
    mention_event,
    signed_headers,
)


def test_url_verification_challenge(slack: Slack) -> None:
    body = json.dumps({"token": "t", "challenge": "c-123", "type": "url_verification"})
    status, text = slack.post(body, "application/json")
    assert status == 200
    assert "c-123" in text


def test_redelivered_event_is_answered_once(slack: Slack) -> None:
    event = mention_event(f"<@{BOT_USER_ID}> russian losses", "1700000007.1")
    assert slack.event(event, "Ev05")[0] == 200
    assert (
        slack.event(
            event, "Ev05", {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        )[0]
        == 200
    )
    assert (
        slack.event(
            event, "Ev05", {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_timeout"}
        )[0]
        == 200
    )
    slack.stub.wait_for(post_messages)
    time.sleep(1.5)
    assert len(slack.stub.calls_to("/api/chat.postMessage")) == 1


def test_app_rate_limited_is_acknowledged_and_logged(
    slack: Slack, caplog: pytest.LogCaptureFixture
) -> None:
    body = json.dumps(
        {
            "token": "legacy-token",
            "type": "app_rate_limited",
            "team_id": "T0001",
            "minute_rate_limited": 1518467820,
            "api_app_id": "A0001",
        }
    )
    with caplog.at_level(logging.WARNING, logger="handlers.app"):
        assert slack.post(body, "application/json")[0] == 200
    assert "rate-limited events for team T0001" in caplog.text
    time.sleep(0.2)
    assert slack.stub.calls == []


# Failing listeners ---------------------------------------------------------------------------


@pytest.fixture
def broken_core(tmp_path: Path, stub: SlackStub) -> Iterator[Core]:
    """A core whose database has no schema: every question fails with a database error."""
    core = sqlite_core(tmp_path / "never-initialised.db", stub, seed=False)
    with core.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE topics")
    stub.reset()
    yield core
    core.engine.dispose()


def test_failed_command_apologises_and_logs_context(
    broken_core: Core, stub: SlackStub, caplog: pytest.LogCaptureFixture
) -> None:
    app = build_app(broken_core)
    body = urllib.parse.urlencode(command_payload("russian losses", stub.response_url("x")))
    headers = signed_headers(SECRET, body, "application/x-www-form-urlencoded")
    with caplog.at_level(logging.ERROR, logger="handlers.app"):
        response = app.dispatch(
            BoltRequest(body=body, headers={k.lower(): v for k, v in headers.items()})
        )
        assert response.status == 200
        (call,) = stub.wait_for(lambda c: c.path == "/response/x")
    assert call.body["text"].startswith("Sorry, I couldn't deliver an answer")
    assert call.body["response_type"] == "ephemeral"
    record = next(r for r in caplog.records if r.name == "handlers.app")
    assert record.getMessage() == "listener failed for /claims (team T0001, user U0001)"
    assert record.exc_info is not None


def test_failed_mention_apologises_in_the_thread(broken_core: Core, stub: SlackStub) -> None:
    app = build_app(broken_core)
    body = json.dumps(
        event_payload(mention_event(f"<@{BOT_USER_ID}> russian losses", "1.5"), "EvX")
    )
    headers = signed_headers(SECRET, body, "application/json")
    response = app.dispatch(
        BoltRequest(body=body, headers={k.lower(): v for k, v in headers.items()})
    )
    assert response.status == 200
    (call,) = stub.wait_for(lambda c: c.path == "/api/chat.postMessage")
    assert call.body["thread_ts"] == "1.5"
    assert call.body["text"].startswith("Sorry, I couldn't deliver an answer")
