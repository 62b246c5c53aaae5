"""The “Look up claims” message shortcut (in process)."""

from __future__ import annotations

from typing import Any

from handlers.actions import read_pick
from tests.handlers.harness import Slack, block_actions, block_texts, buttons
from tests.slack_stub import to_response


def shortcut(slack: Slack, text: str) -> dict[str, Any]:
    """The "Look up claims" shortcut on a message with this text."""
    return {
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
            "text": text,
        },
        "response_url": slack.stub.response_url("shortcut"),
    }


def test_message_shortcut_lists_the_claims_a_pasted_message_repeats(slack: Slack) -> None:
    """The seed article's own sentence, pasted as Slack sends it, finds its claims."""
    text = (
        "Russia's defence ministry says only 498 Russian troops have been killed &amp; "
        "1,597 wounded <https://example.org/article|example.org> :eyes:"
    )
    assert slack.interaction(shortcut(slack, text))[0] == 200
    (call,) = slack.stub.wait_for(to_response("shortcut"))
    assert call.body["response_type"] == "ephemeral"
    blocks = call.body["blocks"]
    assert "Stored claims this message repeats, best first" in blocks[0]["elements"][0]["text"]
    assert blocks[1]["text"]["text"] == "Russian military casualties in Ukraine"
    texts = block_texts(call.body)
    assert "Russian Ministry of Defence" in texts
    assert "Not independently verified" in texts


def test_message_shortcut_on_chatter_finds_nothing(slack: Slack) -> None:
    assert slack.interaction(shortcut(slack, "thanks! :pray:"))[0] == 200
    (call,) = slack.stub.wait_for(to_response("shortcut"))
    assert "No claims found for “thanks! :pray:”" in block_texts(call.body)


def test_a_message_as_short_as_a_question_is_answered_as_one(slack: Slack) -> None:
    assert slack.interaction(shortcut(slack, "russian losses?"))[0] == 200
    (call,) = slack.stub.wait_for(to_response("shortcut"))
    texts = block_texts(call.body)
    assert "Stored claims this message repeats" not in texts
    assert call.body["blocks"][0]["text"]["text"] == "Russian military casualties in Ukraine"


def test_sharing_a_pasted_messages_answer_shares_that_answer(slack: Slack) -> None:
    """A pasted message is answered as a message, and so is what is shared of it."""
    text = "the ministry now says russian troops were killed"
    assert slack.interaction(shortcut(slack, text))[0] == 200
    (call,) = slack.stub.wait_for(to_response("shortcut"))
    (share,) = [b for b in buttons(call.body) if b["text"]["text"] == "Share in channel"]
    slack.stub.reset()
    slack.interaction(block_actions(slack, share["action_id"], share["value"]))
    (shared,) = slack.stub.wait_for(to_response("button"))
    assert shared.body["response_type"] == "in_channel"
    assert "Stored claims this message repeats, best first" in block_texts(shared.body)


def test_picking_a_topic_suggested_for_a_pasted_message_proposes_no_alias(slack: Slack) -> None:
    assert (
        slack.interaction(shortcut(slack, "lol russia and its soldiers again, seen this?"))[0]
        == 200
    )
    (call,) = slack.stub.wait_for(to_response("shortcut"))
    picks = [b for b in buttons(call.body) if b["action_id"].startswith("pick_suggestion_")]
    assert picks and all(read_pick(b["value"]) == (b["text"]["text"], "", None) for b in picks)
    slack.stub.reset()
    slack.interaction(block_actions(slack, picks[0]["action_id"], picks[0]["value"]))
    (answer,) = slack.stub.wait_for(to_response("button"))
    assert picks[0]["text"]["text"] in block_texts(answer.body)
    assert slack.core.learning.pending().total == 0
