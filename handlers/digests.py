"""Digests in Slack: the publisher that posts them (the sending itself is ``bot.digests``)."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.digests import Digest, PublishError
from bot.errors import ClaimBotError
from handlers.blocks import digest_messages
from handlers.replies import web_client

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


def slack_publisher(settings: Settings) -> SlackPublisher:
    """The publisher for the bot token; one sentence when there is none."""
    if not settings.slack_bot_token:
        raise ClaimBotError("Posting digests needs SLACK_BOT_TOKEN to be set.")
    return SlackPublisher(web_client(settings))
