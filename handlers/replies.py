"""Answering and delivering: the core's answer as a message, sent with retries or an apology.

Slack's 429 (with ``Retry-After``) and transient 5xx answers are retried by slack_sdk's retry
handlers; an answer that still cannot be delivered is replaced by a short apology, so the user
never meets silence.
"""

from __future__ import annotations

import logging
import re
from http.client import HTTPException
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from bot.commands import AddClaim, Ask, Chart, Help, History, Request, parse
from bot.config import Settings
from bot.core import Core
from bot.errors import ClaimBotError
from bot.render_text import render_history
from handlers.blocks import APOLOGY, Message, answer_message, help_message, text_message

log = logging.getLogger(__name__)

#: Seconds to wait for a response_url to accept a message.
RESPONSE_URL_TIMEOUT = 10

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


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


def strip_mentions(text: str) -> str:
    """A message's text without user mentions (``<@U123>``)."""
    return " ".join(_MENTION.sub(" ", text).split())


def parse_or_none(text: str) -> Request | None:
    """The request, or None when the text does not parse (``message_for`` then explains)."""
    try:
        return parse(text)
    except ClaimBotError:
        return None


def message_for(core: Core, text: str, *, shareable: bool, editable: bool = False) -> Message:
    """What the bot answers to ``text``: help, an answer, a claim's history, or a one-line
    refusal. ``editable`` gives editors their menu on each claim."""
    try:
        request = parse(text)
        if isinstance(request, Help):
            return help_message(list(core.answers.topics()))
        if isinstance(request, Ask):
            answer = core.answers.ask(request.question)
            return answer_message(answer, shareable=shareable, editable=editable)
        if isinstance(request, History):
            history = core.editing.history(request.claim_id)
            return text_message(render_history(request.claim_id, history))
    except ClaimBotError as exc:
        return text_message(str(exc))
    if isinstance(request, AddClaim):
        return text_message("Use `/claims add` to add a claim (editors only).")
    if isinstance(request, Chart):
        return text_message("Use `/claims chart QUESTION` in a channel for a chart.")
    return text_message("Digests are managed with `/claims digest ...`.")


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
        log.warning(
            "the response_url did not confirm the answer (%s: %s); it may have been delivered, "
            "so no apology is sent",
            type(exc).__name__,
            exc,
        )
        return False
    try:
        client.send_dict({"text": APOLOGY, "response_type": "ephemeral", "replace_original": False})
    except (OSError, HTTPException):
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
