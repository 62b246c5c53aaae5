"""Where mentions enter: the bot answers in the thread it was mentioned in."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.commands import Chart
from handlers.charts import upload_chart
from handlers.replies import message_for, parse_or_none, post
from handlers.slack_text import decode

log = logging.getLogger(__name__)


def thread_parent_text(client: WebClient, channel: str, thread_ts: str) -> str:
    """The text of a thread's first message, mentions removed."""
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
    request = parse_or_none(question)
    if isinstance(request, Chart):
        failure = upload_chart(client, context["core"], request.question, channel, thread_ts)
        if failure:
            post(client, channel, thread_ts, failure)
        return
    post(client, channel, thread_ts, message_for(context["core"], question, shareable=False))


def register(app: App) -> None:
    app.event("app_mention")(app_mention)
