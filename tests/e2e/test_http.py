"""The real bot (`claimbot serve --http` on gunicorn) over real HTTP, for what only the server
shows: signatures on the wire, /healthz, unknown paths, oversized bodies, and one /claims round
trip. What the listeners do is tested in process, in ``tests/handlers/``.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from bot.config import Settings
from bot.core import Core
from handlers.gate import MAX_BODY_BYTES
from tests.conftest import BACKENDS, empty_database
from tests.slack_server import FORM, SECRET, Bot, ServerFailedError, start_server
from tests.slack_stub import (
    BOT_USER_ID,
    SlackStub,
    event_payload,
    mention_event,
    signature,
    to_response,
)


@pytest.fixture(scope="module")
def stub() -> Iterator[SlackStub]:
    server = SlackStub()
    yield server
    server.close()


@pytest.fixture(scope="module", params=BACKENDS)
def running_bot(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, stub: SlackStub
) -> Iterator[Bot]:
    database_url = empty_database(request.param, tmp_path_factory.mktemp("bot"))
    Core.from_settings(Settings(database_url=database_url)).init(seed=True)
    log = tmp_path_factory.mktemp("log") / "server.log"
    try:
        process, url = start_server(
            database_url,
            stub,
            log,
            WEB_CONCURRENCY="2",
            CLAIMBOT_EDITORS="U0001",
            CLAIMBOT_EDITOR_GROUP="S0EDITORS",
        )
    except ServerFailedError as exc:
        pytest.fail(str(exc))
    yield Bot(url, database_url, stub)
    process.terminate()
    process.wait(timeout=15)


@pytest.fixture
def bot(running_bot: Bot) -> Bot:
    running_bot.stub.reset()
    return running_bot


# Health ------------------------------------------------------------------------------------


def test_healthz_reports_the_database(bot: Bot) -> None:
    with urllib.request.urlopen(f"{bot.url}/healthz", timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"status": "ok", "database": True}


def test_unknown_path_is_404(bot: Bot) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{bot.url}/nothing", timeout=5)
    assert caught.value.code == 404


# Signatures --------------------------------------------------------------------------------


def test_signer_matches_slacks_published_test_vector() -> None:
    # https://api.slack.com/authentication/verifying-requests-from-slack
    body = (
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
        "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect"
        "&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554"
        "%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    assert signature("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", body) == (
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    )


def test_published_test_vector_is_refused_as_stale(bot: Bot) -> None:
    body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fclaims&text=russian+losses"
    status, _ = bot.post(
        body,
        FORM,
        sign=False,
        headers={
            "X-Slack-Request-Timestamp": "1531420618",
            "X-Slack-Signature": signature(SECRET, "1531420618", body),
        },
    )
    assert status == 401


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "forged",
        "wrong secret",
        "stale",
        "tampered body",
        "future",
        "timestamp nan",
    ],
)
def test_bad_signatures_get_401_and_cause_nothing(bot: Bot, case: str) -> None:
    body = urllib.parse.urlencode(
        {"command": "/claims", "text": "russian losses", "response_url": bot.stub.response_url()}
    )
    now = int(time.time())
    headers = {
        "missing": {},
        "forged": {"X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": "v0=" + "0" * 64},
        "wrong secret": {
            "X-Slack-Request-Timestamp": str(now),
            "X-Slack-Signature": signature("another-secret", str(now), body),
        },
        "stale": {
            "X-Slack-Request-Timestamp": str(now - 301),
            "X-Slack-Signature": signature(SECRET, str(now - 301), body),
        },
        "tampered body": {
            "X-Slack-Request-Timestamp": str(now),
            "X-Slack-Signature": signature(SECRET, str(now), body + "x"),
        },
        # A minute past Slack's five-minute window: a slow machine cannot bring it back in.
        "future": {
            "X-Slack-Request-Timestamp": str(now + 360),
            "X-Slack-Signature": signature(SECRET, str(now + 360), body),
        },
        "timestamp nan": {"X-Slack-Request-Timestamp": "x", "X-Slack-Signature": "v0=0"},
    }[case]
    status, _ = bot.post(body, FORM, sign=False, headers=headers)
    assert status == 401
    forged_mention = json.dumps(
        event_payload(mention_event(f"<@{BOT_USER_ID}> russian losses", "1.5"), "EvForged")
    )
    status, _ = bot.post(forged_mention, "application/json", sign=False, headers=headers)
    assert status == 401
    time.sleep(1)
    assert bot.stub.calls == []


def test_malformed_signed_bodies_get_400(bot: Bot) -> None:
    for body in ['{"type": "event_callback", "event": ', "payload=%7Bnot+json"]:
        content_type = "application/json" if body.startswith("{") else FORM
        status, _ = bot.post(body, content_type)
        assert status == 400
    request = urllib.request.Request(
        f"{bot.url}/slack/events",
        data=b"x" * (MAX_BODY_BYTES + 1),
        headers={"Content-Type": FORM},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 413


# A round trip ------------------------------------------------------------------------------


def test_signed_command_is_acknowledged_at_once_and_answered(bot: Bot) -> None:
    started = time.monotonic()
    status, body = bot.command("russian losses")
    assert (status, body) == (200, "")
    assert time.monotonic() - started < 3
    (call,) = bot.stub.wait_for(to_response())
    assert call.body["response_type"] == "ephemeral"
    assert call.body["text"] == "Russian military casualties in Ukraine: 3 claims"
