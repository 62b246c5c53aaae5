"""Time-aware answers in Slack: /claims as of a day, and History and Chart keeping that moment."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App, BoltRequest

from bot import db
from bot.config import Settings
from bot.core import Core
from bot.records import parse_document
from bot.store import ClaimStore
from handlers.app import build_app
from tests.slack_stub import SlackStub, command_payload, message_problem, signed_headers, user

SECRET = "test-signing-secret-0123456789"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    server = SlackStub()
    yield server
    server.close()


@pytest.fixture
def app(tmp_path: Path, stub: SlackStub) -> Iterator[App]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'claims.db'}",
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        slack_api_url=f"{stub.url}/api/",
    )
    core = Core.from_settings(settings)
    core.init(seed=True)
    series = [
        {
            "topic": "Russian tanks lost in Ukraine",
            "claimant": "General Staff of the Armed Forces of Ukraine",
            "claimed_on": day,
            "figures": [{"metric": "tanks lost", "value": value}],
        }
        for day, value in [
            ("2023-05-28", 3785),
            ("2023-05-30", 3790),
            ("2023-06-01", 3804),
            ("2023-06-03", 3810),
        ]
    ]
    with db.transaction(core.sessions) as session:
        ClaimStore(session).import_records(parse_document({"claims": series}), "test")
    built = build_app(core)
    stub.reset()
    yield built
    core.engine.dispose()


def dispatch(app: App, payload: dict[str, Any] | dict[str, str], *, interactive: bool) -> None:
    body = urllib.parse.urlencode({"payload": json.dumps(payload)} if interactive else payload)
    headers = {k.lower(): v for k, v in signed_headers(SECRET, body, FORM).items()}
    assert app.dispatch(BoltRequest(body=body, headers=dict(headers))).status == 200


def test_as_of_answer_and_history_button_keep_the_moment(app: App, stub: SlackStub) -> None:
    dispatch(
        app,
        command_payload("russian tanks as of 1 June 2023", stub.response_url("a")),
        interactive=False,
    )
    (answer,) = stub.wait_for(lambda c: c.path == "/response/a")
    assert message_problem(answer.body) is None
    shown = json.dumps(answer.body)
    assert "As of 1 June 2023: each claimant's latest claim made by then." in shown
    assert "*3,804*" in shown and "3,810" not in shown
    history = next(
        element
        for block in answer.body["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"].startswith("topic_history_")
    )
    assert history["value"] == "Russian tanks lost in Ukraine as of 1 June 2023"
    click = {
        "type": "block_actions",
        "user": user("U0001"),
        "api_app_id": "A0001",
        "token": "legacy-token",
        "container": {"type": "message", "is_ephemeral": True, "channel_id": "C0001"},
        "trigger_id": "1.2.3",
        "team": {"id": "T0001", "domain": "example"},
        "channel": {"id": "C0001", "name": "newsroom"},
        "response_url": stub.response_url("h"),
        "actions": [{**history, "block_id": "b", "action_ts": "1.1"}],
    }
    dispatch(app, click, interactive=True)
    (listing,) = stub.wait_for(lambda c: c.path == "/response/h")
    text = json.dumps(listing.body)
    assert "Claims made as of 1 June 2023." in text
    assert "2023-06-01" in text and "2023-05-30" in text and "2023-06-03" not in text
