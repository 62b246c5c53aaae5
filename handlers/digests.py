"""Digests in Slack: ``/claims digest ...`` replies, and the publisher that posts digests."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.commands import DigestList, DigestOff, DigestResume, DigestSubscribe, parse
from bot.digests import Digest, DigestService, PublishError, Schedule
from bot.errors import ClaimBotError
from bot.render_text import render_subscription
from handlers.blocks import Message, digest_messages, text_message

log = logging.getLogger(__name__)

METADATA_EVENT = "claimbot_digest"
#: How many messages of a channel's history are read, at most, to find a posted digest.
FIND_LIMIT = 2000
#: Slack errors that retrying will not fix: the channel or the token is the problem.
PERMANENT_ERRORS = frozenset(
    {
        "not_in_channel",
        "channel_not_found",
        "is_archived",
        "restricted_action",
        "not_authed",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "missing_scope",
        "access_denied",
        # The message itself is refused: sending it again cannot succeed.
        "msg_blocks_too_long",
        "invalid_blocks",
        "msg_too_long",
    }
)


def is_digest_command(text: str) -> bool:
    words = text.split()
    return bool(words) and words[0].casefold() == "digest"


def user_timezone(client: WebClient, user_id: str) -> str:
    """The user's Slack time zone, or UTC when Slack does not say."""
    try:
        timezone = client.users_info(user=user_id)["user"].get("tz")
    except SlackApiError as exc:
        log.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
        return "UTC"
    return str(timezone) if timezone else "UTC"


def digest_command_reply(
    digests: DigestService, text: str, *, channel: str, user: str, client: WebClient
) -> Message:
    """Subscribe, list, end or resume this channel's digests; errors as one sentence."""
    try:
        request = parse(text)
        if isinstance(request, DigestSubscribe):
            schedule = Schedule.parse(request.cron, request.timezone or user_timezone(client, user))
            view = digests.subscribe(
                channel=channel,
                schedule=schedule,
                query=request.query,
                created_by=f"slack:{user}",
                post_when_empty=request.post_when_empty,
            )
            return text_message(f"Subscribed. {render_subscription(view)}")
        if isinstance(request, DigestList):
            views = digests.subscriptions(channel)
            lines = [render_subscription(v) for v in views] or ["No digests in this channel."]
            return text_message("\n".join(lines))
        if isinstance(request, DigestOff):
            ended = digests.unsubscribe(request.subscription_id, channel)
            return text_message(f"Ended. {render_subscription(ended)}")
        if isinstance(request, DigestResume):
            resumed = digests.resume(request.subscription_id, channel)
            return text_message(f"Resumed. {render_subscription(resumed)}")
    except ClaimBotError as exc:
        return text_message(str(exc))
    return text_message("That is not a digest command.")


class SlackPublisher:
    """Posts digests with ``chat.postMessage``, tagged with message metadata to find them again."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def publish(self, channel: str, digest: Digest) -> str:
        """Post the digest; a long one continues in the first message's thread."""
        first, *rest = digest_messages(digest)
        try:
            response = self.client.chat_postMessage(
                channel=channel,
                metadata={
                    "event_type": METADATA_EVENT,
                    "event_payload": {"reference": digest.reference},
                },
                unfurl_links=False,
                **first,
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
            raise PublishError(error, permanent=error in PERMANENT_ERRORS) from exc
        except OSError as exc:
            raise PublishError(f"could not reach Slack: {exc}", permanent=False) from exc
        ts = str(response["ts"])
        for number, message in enumerate(rest, start=2):
            # The digest is posted once its first message is; a lost continuation is logged,
            # not retried, since posting the run again would repeat the first message.
            try:
                self.client.chat_postMessage(
                    channel=channel, thread_ts=ts, unfurl_links=False, **message
                )
            except (SlackApiError, OSError):
                log.exception("could not post part %s of digest %s", number, digest.reference)
        return ts

    def find(self, channel: str, reference: str, since: datetime) -> str | None:
        cursor, read = None, 0
        while read < FIND_LIMIT:
            try:
                page = self.client.conversations_history(
                    channel=channel,
                    oldest=f"{since.timestamp():.6f}",
                    include_all_metadata=True,
                    limit=200,
                    cursor=cursor,
                )
            except (SlackApiError, OSError):
                log.exception("could not read %s to look for digest %s", channel, reference)
                return None
            messages = page.get("messages") or []
            read += len(messages)
            for message in messages:
                metadata = message.get("metadata") or {}
                if (
                    metadata.get("event_type") == METADATA_EVENT
                    and (metadata.get("event_payload") or {}).get("reference") == reference
                ):
                    return str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                return None
        log.warning("digest %s not found in the last %s messages of %s", reference, read, channel)
        return None
