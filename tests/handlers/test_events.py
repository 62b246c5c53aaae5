"""@mentions: answered in a thread, looking up the parent of a bare mention (in process)."""

from __future__ import annotations

from tests.handlers.harness import Slack, block_texts, post_messages
from tests.slack_stub import BOT_USER_ID, mention_event


def test_mention_answers_in_a_new_thread(slack: Slack) -> None:
    status, _ = slack.event(
        mention_event(f"<@{BOT_USER_ID}> russian losses", "1700000001.000100"), "Ev01"
    )
    assert status == 200
    (call,) = slack.stub.wait_for(post_messages)
    assert call.body["channel"] == "C0001"
    assert call.body["thread_ts"] == "1700000001.000100"
    assert "498 troops" in block_texts(call.body)
    assert call.headers["Authorization"] == "Bearer xoxb-test-token"


def test_mention_inside_a_thread_answers_in_that_thread(slack: Slack) -> None:
    slack.event(
        mention_event(f"<@{BOT_USER_ID}> conscript share", "1700000003.1", "1700000002.1"), "Ev02"
    )
    (call,) = slack.stub.wait_for(post_messages)
    assert call.body["thread_ts"] == "1700000002.1"
    assert "Warsaw Institute" in block_texts(call.body)


def test_bare_mention_in_a_thread_looks_up_the_parent(slack: Slack) -> None:
    slack.stub.thread_messages["1700000004.1"] = [
        {"type": "message", "ts": "1700000004.1", "text": "How many Ukrainian refugees are there?"}
    ]
    slack.event(mention_event(f"<@{BOT_USER_ID}>", "1700000005.1", "1700000004.1"), "Ev03")
    (call,) = slack.stub.wait_for(post_messages)
    (replies,) = slack.stub.calls_to("/api/conversations.replies")
    assert replies.body["ts"] == "1700000004.1"
    assert call.body["thread_ts"] == "1700000004.1"
    assert "Refugees from Ukraine" in block_texts(call.body)


def test_bare_mention_outside_a_thread_explains_usage(slack: Slack) -> None:
    slack.event(mention_event(f"<@{BOT_USER_ID}>", "1700000006.1"), "Ev04")
    (call,) = slack.stub.wait_for(post_messages)
    assert "type `/claims topics` to list them" in block_texts(call.body)


def test_a_long_mention_is_read_as_a_pasted_message(slack: Slack) -> None:
    pasted = (
        "Saw this in the group chat, can someone check? &gt; The United Kingdom's Defense "
        "Ministry had reported Russian loses of 450 on Friday, the second day of the conflict."
    )
    slack.event(mention_event(f"<@{BOT_USER_ID}> {pasted}", "1700000007.1"), "Ev05")
    (call,) = slack.stub.wait_for(post_messages)
    texts = block_texts(call.body)
    assert "Stored claims this message repeats, best first" in texts
    assert "UK Ministry of Defence" in texts
