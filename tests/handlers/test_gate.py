"""Nothing acts on a request Slack did not sign: forged, stale, malformed and oversized requests
get 4xx, one log line, and cause no call to Slack (in process, through the HTTP mode's WSGI app).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import BoltRequest

from bot.core import Core
from handlers.app import build_app
from handlers.gate import MAX_BODY_BYTES
from handlers.server import wsgi_app
from tests.handlers.harness import sqlite_core
from tests.slack_stub import (
    BOT_USER_ID,
    SlackStub,
    command_payload,
    event_payload,
    mention_event,
)

SECRET = "test-signing-secret-0123456789"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    server = SlackStub()
    yield server
    server.close()


@pytest.fixture
def slack_core(tmp_path: Path, stub: SlackStub) -> Iterator[Core]:
    core = sqlite_core(tmp_path / "claims.db", stub)
    yield core
    core.engine.dispose()


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("an oversized body was read")


def sign(body: bytes, timestamp: str) -> str:
    base = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()


def call(
    app: Any,
    body: bytes,
    content_type: str,
    *,
    timestamp: str | None = None,
    signature: str | None = None,
    content_length: str | None = None,
    stream: Any = None,
    method: str = "POST",
) -> tuple[int, bytes]:
    """One request through the WSGI app, as gunicorn hands it over."""
    stamp = str(int(time.time())) if timestamp is None else timestamp
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/slack/events",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)) if content_length is None else content_length,
        "wsgi.input": stream if stream is not None else io.BytesIO(body),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": stamp,
        "HTTP_X_SLACK_SIGNATURE": sign(body, stamp) if signature is None else signature,
    }
    status: list[str] = []
    chunks = app(environ, lambda line, headers: status.append(line))
    return int(status[0].split()[0]), b"".join(chunks)


def nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def command_body(stub: SlackStub, text: str = "russian losses") -> bytes:
    return urllib.parse.urlencode(command_payload(text, stub.response_url("forged"))).encode()


def mention_body() -> bytes:
    event = mention_event(f"<@{BOT_USER_ID}> russian losses", "1.5")
    return json.dumps(event_payload(event, "EvForged")).encode()


def assert_no_calls(stub: SlackStub) -> None:
    time.sleep(0.3)  # anything the bot would send is sent by now
    assert stub.calls == []


@pytest.mark.parametrize("timestamp", ["not-a-number", "", "1e9", " 12", "٣٣٣"])
def test_forged_requests_with_malformed_timestamps_cause_nothing(
    slack_core: Core, stub: SlackStub, timestamp: str
) -> None:
    app = wsgi_app(slack_core)
    stub.reset()
    for _ in range(20):
        status, _ = call(app, command_body(stub), FORM, timestamp=timestamp, signature="v0=00")
        assert status == 401
        status, _ = call(app, mention_body(), JSON, timestamp=timestamp, signature="v0=00")
        assert status == 401
    assert_no_calls(stub)


def test_bolt_error_handler_never_acts_on_an_unverified_body(
    slack_core: Core, stub: SlackStub
) -> None:
    """Behind the gate too: Bolt's verifier raising on a bad timestamp posts nothing."""
    app = build_app(slack_core)
    stub.reset()
    for body, content_type in [(command_body(stub), FORM), (mention_body(), JSON)]:
        headers: dict[str, str | Sequence[str]] = {
            "content-type": content_type,
            "x-slack-request-timestamp": "not-a-number",
            "x-slack-signature": "v0=00",
        }
        app.dispatch(BoltRequest(body=body.decode(), headers=headers))
    assert_no_calls(stub)


def test_forged_and_stale_signatures_are_refused(slack_core: Core, stub: SlackStub) -> None:
    app = wsgi_app(slack_core)
    stub.reset()
    body = command_body(stub)
    assert call(app, body, FORM, signature="v0=" + "0" * 64)[0] == 401
    assert call(app, body, FORM, signature="")[0] == 401
    stale = str(int(time.time()) - 10 * 60)
    assert call(app, body, FORM, timestamp=stale)[0] == 401
    assert_no_calls(stub)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"type": "event_callback", "event": ', JSON),
        (b"\xff\xfe\x00not utf-8", JSON),
        (b"payload=%7Bnot+json", FORM),
        (b"[" * 100_000 + b"]" * 100_000, JSON),
        (
            json.dumps({"type": "block_actions", "x": nested(40)}).encode(),
            JSON,
        ),
        (b'["an", "array"]', JSON),
    ],
    ids=["truncated-json", "not-utf8", "bad-payload-field", "very-deep", "deep", "not-object"],
)
def test_malformed_bodies_get_400_and_one_log_line(
    slack_core: Core,
    stub: SlackStub,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str,
) -> None:
    app = wsgi_app(slack_core)
    stub.reset()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        for signature in [None, "v0=" + "0" * 64]:  # signed, and not
            status, _ = call(app, body, content_type, signature=signature)
            refused_unread = signature is None or body.startswith(b"\xff")
            assert status == (400 if refused_unread else 401)
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 2
    assert all(r.name == "handlers.gate" and r.exc_info is None for r in lines)
    assert_no_calls(stub)


def test_oversized_requests_are_refused_unread(slack_core: Core) -> None:
    app = wsgi_app(slack_core)
    size = str(MAX_BODY_BYTES + 1)
    assert call(app, b"", FORM, content_length=size, stream=Unreadable())[0] == 413
    assert call(app, b"", FORM, content_length="", stream=Unreadable())[0] == 411
    assert call(app, b"", FORM, content_length="-5", stream=Unreadable())[0] == 400


def test_body_shorter_than_declared_is_refused(slack_core: Core, stub: SlackStub) -> None:
    body = command_body(stub)
    status, _ = call(wsgi_app(slack_core), body, FORM, stream=io.BytesIO(body[:-3]))
    assert status == 400


def test_only_post_to_the_events_path(slack_core: Core, stub: SlackStub) -> None:
    assert call(wsgi_app(slack_core), command_body(stub), FORM, method="GET")[0] == 405


def test_signed_command_passes_the_gate_and_is_answered(slack_core: Core, stub: SlackStub) -> None:
    app = wsgi_app(slack_core)
    stub.reset()
    status, _ = call(app, command_body(stub), FORM)
    assert status == 200
    (answer,) = stub.wait_for(lambda c: c.path == "/response/forged")
    assert "Russian military casualties" in json.dumps(answer.body)
