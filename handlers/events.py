"""Where mentions enter: the bot answers in the thread it was mentioned in."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.dispatch import respond
from handlers.context import core
from handlers.replies import act_or_show, caller, post
from handlers.slack_text import decode

log = logging.getLogger(__name__)


def thread_parent_text(client: WebClient, channel: str, thread_ts: str) -> str:
    """The text of a thread's first message, decoded, mentions removed."""
    replies = client.conversations_replies(channel=channel, ts=thread_ts, limit=1)
    messages = replies.get("messages") or []
    return decode(messages[0].get("text", "")) if messages else ""


def app_mention(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """``@claimbot QUESTION``; a bare mention in a thread looks up the thread's first message."""
    channel = event["channel"]
    thread_ts = event.get("thread_ts") or event["ts"]
    question = decode(event.get("text", ""))
    if not question and event.get("thread_ts"):
        try:
            question = thread_parent_text(client, channel, event["thread_ts"])
        except SlackApiError as exc:
            log.error("could not read thread %s in %s: %s", thread_ts, channel, exc)
    answer = respond(core(context), question, caller(context, client, event.get("user", "")))
    message = act_or_show(
        core(context), client, answer, channel=channel, shareable=False, thread_ts=thread_ts
    )
    if message is not None:
        post(client, channel, thread_ts, message)


def register(app: App) -> None:
    app.event("app_mention")(app_mention)
