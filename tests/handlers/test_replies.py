"""Delivering answers (handlers/replies.py): retries on rate limits and server errors, an
apology for what could not be delivered, none for what may have been (in process)."""

from __future__ import annotations

import logging
import time

import pytest

from handlers import replies
from tests.handlers.harness import Slack, block_texts, post_messages
from tests.slack_stub import BOT_USER_ID, Scripted, SlackStub, mention_event, to_response


def test_rate_limited_response_url_is_retried(slack: Slack) -> None:
    slack.stub.script(
        "/response/r1",
        Scripted(429, {"ok": False}, {"Retry-After": "1"}),
        Scripted(503, {"ok": False}),
    )
    slack.command("russian losses")
    calls = slack.stub.wait_for(to_response(), count=3)
    assert "498 troops" in block_texts(calls[2].body)
    assert calls[0].body == calls[2].body


def test_rate_limited_post_message_is_retried(slack: Slack) -> None:
    slack.stub.script(
        "/api/chat.postMessage",
        Scripted(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}),
    )
    slack.event(mention_event(f"<@{BOT_USER_ID}> russian losses", "1700000008.1"), "Ev06")
    calls = slack.stub.wait_for(post_messages, count=2)
    assert calls[0].body == calls[1].body


def test_undeliverable_answer_becomes_an_apology(slack: Slack) -> None:
    slack.stub.script("/response/r1", Scripted(400, {"ok": False, "error": "invalid_blocks"}))
    slack.command("russian losses")
    calls = slack.stub.wait_for(to_response(), count=2)
    assert calls[1].body["text"].startswith("Sorry, I couldn't deliver an answer")
    assert "blocks" not in calls[1].body


def test_failed_post_in_thread_becomes_an_apology(slack: Slack) -> None:
    slack.stub.script(
        "/api/chat.postMessage", Scripted(200, {"ok": False, "error": "invalid_blocks"})
    )
    slack.event(mention_event(f"<@{BOT_USER_ID}> russian losses", "1700000009.1"), "Ev07")
    calls = slack.stub.wait_for(post_messages, count=2)
    assert calls[1].body["text"].startswith("Sorry, I couldn't deliver an answer")
    assert calls[1].body["thread_ts"] == "1700000009.1"


# Straight to a response_url ------------------------------------------------------------------


def test_an_answer_accepted_after_the_timeout_gets_no_apology(
    stub: SlackStub, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The response_url took the answer but confirmed it too late: the user has the answer,
    and an apology after it would be wrong."""
    monkeypatch.setattr(replies, "RESPONSE_URL_TIMEOUT", 1)
    stub.reset()
    stub.script("/response/slow", Scripted(200, {"ok": True}, delay=2))
    with caplog.at_level(logging.WARNING, logger="handlers.replies"):
        delivered = replies.reply(stub.response_url("slow"), {"text": "the answer"})
        time.sleep(2)  # time for an apology to arrive, were one sent
    assert not delivered
    assert [c.body["text"] for c in stub.calls_to("/response/slow")] == ["the answer"]
    assert "may have been delivered" in caplog.text


def test_an_answer_refused_after_retries_gets_an_apology(stub: SlackStub) -> None:
    stub.reset()
    stub.script("/response/down", *[Scripted(503, {"ok": False})] * 3)
    assert not replies.reply(stub.response_url("down"), {"text": "the answer"})
    calls = stub.calls_to("/response/down")
    assert [c.body["text"] for c in calls[:3]] == ["the answer"] * 3
    assert calls[3].body["text"].startswith("Sorry, I couldn't deliver an answer")
    assert len(calls) == 4
