"""The “Look up claims” message shortcut (in process)."""

from __future__ import annotations

from tests.handlers.harness import Slack
from tests.slack_stub import to_response


def test_message_shortcut_answers_ephemerally(slack: Slack) -> None:
    payload = {
        "type": "message_action",
        "token": "legacy-token",
        "action_ts": "1.2",
        "team": {"id": "T0001", "domain": "example"},
        "user": {"id": "U0001", "username": "editor", "team_id": "T0001"},
        "channel": {"id": "C0001", "name": "newsroom"},
        "callback_id": "lookup_claims",
        "trigger_id": "1.2.3",
        "message_ts": "1700000000.000100",
        "message": {
            "type": "message",
            "user": "U0002",
            "ts": "1700000000.000100",
            "text": "Russia says 498 of its soldiers have died so far. Is that right?",
        },
        "response_url": slack.stub.response_url("shortcut"),
    }
    assert slack.interaction(payload)[0] == 200
    (call,) = slack.stub.wait_for(to_response("shortcut"))
    assert call.body["response_type"] == "ephemeral"
    assert call.body["blocks"][0]["text"]["text"] == "Russian military casualties in Ukraine"
