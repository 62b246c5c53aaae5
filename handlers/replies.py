"""Answering and delivering: the core's answer as a message, sent with retries or an apology.

Slack's 429 (with ``Retry-After``) and transient 5xx answers are retried by slack_sdk's retry
handlers; an answer that still cannot be delivered is replaced by a short apology, so the user
never meets silence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from bot.answers import Answer
from bot.config import Settings
from bot.core import Core
from bot.dispatch import Caller, ChartReply, HelpReply, Notice, OpenClaimForm, Reply
from handlers.blocks import APOLOGY, Message, answer_message, help_message, text_message
from handlers.charts import upload_chart
from handlers.context import editors
from handlers.modals import Context as FormContext
from handlers.modals import claim_view

log = logging.getLogger(__name__)


def retry_handlers() -> list[RetryHandler]:
    """Retries for connection errors, rate limits (honouring Retry-After) and 5xx answers."""
    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ]


def web_client(settings: Settings) -> WebClient:
    """A Web API client for the bot token, at the configured API URL, with retries."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        retry_handlers=retry_handlers(),
    )


def user_timezone(client: WebClient, user_id: str) -> str:
    """The user's Slack time zone, or UTC when Slack does not say."""
    try:
        timezone = client.users_info(user=user_id)["user"].get("tz")
    except SlackApiError as exc:
        log.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
        return "UTC"
    return str(timezone) if timezone else "UTC"


def caller(
    context: BoltContext, client: WebClient, user: str, channel: str | None = None
) -> Caller:
    """The Slack user as the core sees them; ``channel`` only where digests are managed."""
    return Caller(
        user=user,
        channel=channel,
        editor=editors(context).is_editor(user),
        timezone=lambda: user_timezone(client, user),
    )


_SHOWN: dict[type[Any], Callable[[Any, bool, bool], Message]] = {
    Answer: lambda answer, shareable, editable: answer_message(
        answer, shareable=shareable, editable=editable
    ),
    HelpReply: lambda help_reply, _s, _e: help_message(list(help_reply.topics)),
    Notice: lambda notice, _s, _e: text_message(notice.text),
    OpenClaimForm: lambda _r, _s, _e: text_message(
        "Use `/claims add` to add a claim (editors only)."
    ),
    ChartReply: lambda _r, _s, _e: text_message(
        "Use `/claims chart QUESTION` in a channel for a chart."
    ),
}


def show(reply_: Reply, *, shareable: bool, editable: bool = False) -> Message:
    """A reply as a message; ``editable`` gives editors their menu on each claim."""
    return _SHOWN[type(reply_)](reply_, shareable, editable)


def act_or_show(
    core_: Core,
    client: WebClient,
    reply_: Reply,
    *,
    channel: str,
    shareable: bool,
    editable: bool = False,
    thread_ts: str | None = None,
    trigger_id: str | None = None,
) -> Message | None:
    """Do what a reply asks of Slack (open the claim form where a trigger allows, upload a
    chart) and return what is left to show, or None when nothing is."""
    if isinstance(reply_, OpenClaimForm) and trigger_id:
        client.views_open(trigger_id=trigger_id, view=claim_view(FormContext(channel)))
        return None
    if isinstance(reply_, ChartReply):
        return upload_chart(client, core_, reply_.question, channel, thread_ts)
    return show(reply_, shareable=shareable, editable=editable)


def ephemeral(message: Message, *, replace_original: bool = False) -> Message:
    """A message only the user sees, below (or in place of) the message they acted on."""
    return {**message, "response_type": "ephemeral", "replace_original": replace_original}


def reply(response_url: str, message: Message) -> bool:
    """Send a message to a ``response_url``; on failure, send an apology instead."""
    client = WebhookClient(response_url, timeout=10, retry_handlers=retry_handlers())
    try:
        response = client.send_dict(message)
        if response.status_code == 200:
            return True
        log.error(
            "response_url refused the answer: %s %s", response.status_code, response.body[:200]
        )
    except OSError:
        log.exception("could not reach the response_url")
    try:
        client.send_dict({"text": APOLOGY, "response_type": "ephemeral", "replace_original": False})
    except OSError:
        log.exception("could not deliver the apology either")
    return False


def post(client: WebClient, channel: str, thread_ts: str, message: Message) -> bool:
    """Post a message in a thread; on failure, post an apology instead."""
    try:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message)
        return True
    except SlackApiError as exc:
        log.error(
            "chat.postMessage failed in %s (thread %s): %s",
            channel,
            thread_ts,
            exc.response.get("error"),
        )
    except OSError:
        log.exception("could not reach Slack to post in %s", channel)
    try:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=APOLOGY)
    except (SlackApiError, OSError):
        log.exception("could not deliver the apology either")
    return False
