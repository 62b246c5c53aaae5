"""/claims: acknowledged at once, answered ephemerally through the response_url (in process)."""

from __future__ import annotations

import json
import re
import time

import pytest

from tests.handlers.harness import Slack, block_texts, buttons
from tests.slack_stub import to_response


def test_claims_acks_at_once_then_answers_ephemerally(slack: Slack) -> None:
    started = time.monotonic()
    status, body = slack.command("russian losses")
    assert status == 200
    assert body == ""
    assert time.monotonic() - started < 3
    (call,) = slack.stub.wait_for(to_response())
    message = call.body
    assert message["response_type"] == "ephemeral"
    blocks = message["blocks"]
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Russian military casualties in Ukraine"},
    }
    text = block_texts(message)
    assert "*Russian Ministry of Defence*: killed *498 troops* · wounded *1,597 troops*" in text
    assert "*UK Ministry of Defence*: losses *450 troops*" in text
    assert (
        "published by RIA Novosti, citing Russian Ministry of Defence · claimed 2 March 2022"
        in text
    )
    assert "None of these 3 claims is independently verified." in text
    assert ":warning: *Not independently verified*" in text
    assert [b["action_id"] for b in buttons(message)] == ["share_answer"]
    assert buttons(message)[0]["value"] == "russian losses"
    assert message["text"] == "Russian military casualties in Ukraine: 3 claims"


@pytest.mark.parametrize("text", ["", "help", "  HELP  "])
def test_claims_help(slack: Slack, text: str) -> None:
    assert slack.command(text)[0] == 200
    (call,) = slack.stub.wait_for(to_response())
    shown = block_texts(call.body)
    assert "/claims russian losses" in shown
    assert "Slash commands cannot be used in threads" in shown
    # Other tests in this module add topics, in any order: the count is theirs to change.
    assert re.search(r"\d+ topics have claims: type `/claims topics` to list them", shown)


def test_claims_no_match_offers_close_topics(slack: Slack) -> None:
    slack.command("refugees in hungary")
    (call,) = slack.stub.wait_for(to_response())
    assert "No claims found for “refugees in hungary”. Closest topics:" in block_texts(call.body)
    (button,) = buttons(call.body)
    assert button["action_id"] == "pick_suggestion_0"
    assert json.loads(button["value"]) == {
        "topic": "Refugees from Ukraine",
        "when": "",
        "question": "refugees in hungary",
    }


def test_claims_unrelated_question(slack: Slack) -> None:
    slack.command("best pizza recipe")
    (call,) = slack.stub.wait_for(to_response())
    assert "Try `/claims topics WORDS` to find a topic" in block_texts(call.body)
    assert buttons(call.body) == []


def test_overlong_question_is_refused_clearly(slack: Slack) -> None:
    slack.command("x" * 4001)
    (call,) = slack.stub.wait_for(to_response())
    assert "limited to 4,000 characters" in block_texts(call.body)


def test_stored_text_is_escaped(slack: Slack) -> None:
    slack.add_claims(
        {
            "topic": "Escaping test <b> & co",
            "topic_aliases": ["escaping test"],
            "claimant": "<!channel> & <@U999>",
            "outlet": "Evil <https://evil.example|click>",
            "source_url": "https://example.org/a?x=1&y=<2>|z",
            "claimed_on": "2024-01-01",
            "quote": "<!here> see <https://evil.example|this>",
            "caveat": "Ping <!everyone>",
        }
    )
    slack.command("escaping test")
    (call,) = slack.stub.wait_for(to_response())
    raw = json.dumps(call.body)
    for dangerous in ["<!channel>", "<@U999>", "<!here>", "<!everyone>", "<https://evil"]:
        assert dangerous not in raw
    shown = block_texts(call.body)
    assert "*&lt;!channel&gt; &amp; &lt;@U999&gt;*" in shown
    assert (
        "<https://example.org/a?x=1&amp;y=&lt;2&gt;%7Cz|Evil &lt;https://evil.example¦click&gt;>"
        in shown
    )
    assert all(
        element.get("verbatim") is True
        for block in call.body["blocks"]
        for element in [block.get("text") or {}, *block.get("elements", [])]
        if element.get("type") == "mrkdwn"
    )
