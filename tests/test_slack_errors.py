"""When answering fails inside a listener, the user gets an apology, not silence."""

from __future__ import annotations

import json
import logging
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt import BoltRequest

from bot.config import Settings
from bot.core import Core
from handlers import replies
from handlers.app import build_app
from tests.slack_stub import (
    BOT_USER_ID,
    Scripted,
    SlackStub,
    command_payload,
    event_payload,
    mention_event,
    signed_headers,
)

SECRET = "test-signing-secret-0123456789"


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    server = SlackStub()
    yield server
    server.close()


@pytest.fixture
def broken_core(tmp_path: Path, stub: SlackStub) -> Core:
    """A core whose database has no schema: every question fails with a database error."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'never-initialised.db'}",
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        slack_api_url=f"{stub.url}/api/",
    )
    core = Core.from_settings(settings)
    core.init(seed=False)
    with core.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE topics")
    return core


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


def test_an_answer_accepted_after_the_timeout_gets_no_apology(
    stub: SlackStub, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The response_url took the answer but confirmed it too late: the user has the answer,
    and an apology after it would be wrong."""
    monkeypatch.setattr(replies, "RESPONSE_URL_TIMEOUT", 1)
    stub.script("/response/slow", Scripted(200, {"ok": True}, delay=2))
    with caplog.at_level(logging.WARNING, logger="handlers.replies"):
        delivered = replies.reply(stub.response_url("slow"), {"text": "the answer"})
        time.sleep(2)  # time for an apology to arrive, were one sent
    assert not delivered
    assert [c.body["text"] for c in stub.calls_to("/response/slow")] == ["the answer"]
    assert "may have been delivered" in caplog.text


def test_an_answer_refused_after_retries_gets_an_apology(stub: SlackStub) -> None:
    stub.script("/response/down", *[Scripted(503, {"ok": False})] * 3)
    assert not replies.reply(stub.response_url("down"), {"text": "the answer"})
    calls = stub.calls_to("/response/down")
    assert [c.body["text"] for c in calls[:3]] == ["the answer"] * 3
    assert calls[3].body["text"].startswith("Sorry, I couldn't deliver an answer")
    assert len(calls) == 4
