"""Where ``/claims`` enters: acknowledge at once, then answer ephemerally."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from handlers.digests import digest_command_reply, is_digest_command
from handlers.replies import message_for, reply

log = logging.getLogger(__name__)


def claims_command(
    ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """``/claims QUESTION`` (or ``help``): the answer only the asker sees, with a share button.

    ``/claims digest ...`` manages the channel's digests.
    """
    ack()
    core = context["core"]
    text = command.get("text", "")
    if is_digest_command(text):
        message = digest_command_reply(
            core.digests,
            text,
            channel=command["channel_id"],
            user=command["user_id"],
            client=client,
        )
    else:
        message = message_for(core.answers, text, shareable=True)
    reply(command["response_url"], {**message, "response_type": "ephemeral"})


def register(app: App) -> None:
    app.command("/claims")(claims_command)
