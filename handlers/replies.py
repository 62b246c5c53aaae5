"""Answering and delivering: the core's answer as a message, sent with retries or an apology.

Slack's 429 (with ``Retry-After``) and transient 5xx answers are retried by slack_sdk's retry
handlers; an answer that still cannot be delivered is replaced by a short apology, so the user
never meets silence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http.client import HTTPException
from typing import Any
from urllib.error import URLError

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
from bot.dispatch import (
    AliasesReply,
    Caller,
    ChartReply,
    HelpReply,
    Notice,
    OpenClaimForm,
    Reply,
    TopicsReply,
)
from handlers.blocks import (
    APOLOGY,
    Message,
    aliases_message,
    answer_message,
    help_message,
    text_message,
    topics_message,
)
from handlers.charts import upload_chart
from handlers.context import editors
from handlers.modals import Context as FormContext
from handlers.modals import claim_view

log = logging.getLogger(__name__)

#: Seconds to wait for a response_url to accept a message.
RESPONSE_URL_TIMEOUT = 10


def retry_handlers() -> list[RetryHandler]:
    """Retries for connection errors, rate limits (honouring Retry-After) and 5xx answers."""
    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ]


def _webhook_retry_handlers() -> list[RetryHandler]:
    """As ``retry_handlers``, but connection errors are retried only when the request was not
    sent (urllib's ``URLError``): a message that may have been delivered is never sent twice."""
    return [
        ConnectionErrorRetryHandler(max_retry_count=2, error_types=[URLError]),
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
    HelpReply: lambda help_reply, _s, _e: help_message(help_reply.topic_count),
    TopicsReply: lambda topics, _s, _e: topics_message(topics.page),
    Notice: lambda notice, _s, _e: text_message(notice.text),
    OpenClaimForm: lambda _r, _s, _e: text_message(
        "Use `/claims add` to add a claim (editors only)."
    ),
    ChartReply: lambda _r, _s, _e: text_message(
        "Use `/claims chart QUESTION` in a channel for a chart."
    ),
    AliasesReply: lambda aliases, _s, _e: aliases_message(aliases.page, aliases.done),
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
        client.views_open(
            trigger_id=trigger_id, view=claim_view(FormContext(channel), core_.editing.kinds())
        )
        return None
    if isinstance(reply_, ChartReply):
        return upload_chart(client, core_, reply_.question, channel, thread_ts)
    return show(reply_, shareable=shareable, editable=editable)


def ephemeral(message: Message, *, replace_original: bool = False) -> Message:
    """A message only the user sees, below (or in place of) the message they acted on."""
    return {**message, "response_type": "ephemeral", "replace_original": replace_original}


def reply(response_url: str, message: Message) -> bool:
    """Send a message to a ``response_url``: True when Slack confirmed it.

    When Slack is known not to have taken it (unreachable, or refused after retries), an
    apology is sent instead. When the request went out but no confirmation came (a read
    timeout, a dropped connection), the message may well have been delivered: that is logged,
    and no apology follows an answer the user may be reading.
    """
    client = WebhookClient(
        response_url, timeout=RESPONSE_URL_TIMEOUT, retry_handlers=_webhook_retry_handlers()
    )
    try:
        response = client.send_dict(message)
        if response.status_code == 200:
            return True
        log.error(
            "response_url refused the answer: %s %s", response.status_code, response.body[:200]
        )
    except URLError:  # urllib's wrapper for failures before the request was sent
        log.exception("could not reach the response_url")
    except (OSError, HTTPException) as exc:
        _unconfirmed("the response_url", exc)
        return False
    try:
        client.send_dict({"text": APOLOGY, "response_type": "ephemeral", "replace_original": False})
    except (OSError, HTTPException):
        log.exception("could not deliver the apology either")
    return False


def post(client: WebClient, channel: str, thread_ts: str, message: Message) -> bool:
    """Post a message in a thread: True when Slack confirmed it. As with :func:`reply`, an
    apology follows only a message Slack is known not to have taken."""
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
    except URLError:
        log.exception("could not reach Slack to post in %s", channel)
    except (OSError, HTTPException) as exc:
        _unconfirmed(f"chat.postMessage in {channel}", exc)
        return False
    try:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=APOLOGY)
    except (SlackApiError, OSError):
        log.exception("could not deliver the apology either")
    return False


def _unconfirmed(where: str, error: Exception) -> None:
    """The request went out but no confirmation came back (a read timeout, a dropped
    connection): the message may well have been delivered, so no apology follows it."""
    log.warning(
        "%s did not confirm the message (%s: %s); it may have been delivered, so no apology "
        "is sent",
        where,
        type(error).__name__,
        error,
    )
