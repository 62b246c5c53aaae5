"""Where ``/claims`` enters: acknowledge at once, then answer ephemerally."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from handlers.replies import message_for, reply

log = logging.getLogger(__name__)


def claims_command(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    """``/claims QUESTION`` (or ``help``): the answer only the asker sees, with a share button."""
    ack()
    message = message_for(context["core"].answers, command.get("text", ""), shareable=True)
    reply(command["response_url"], {**message, "response_type": "ephemeral"})


def register(app: App) -> None:
    app.command("/claims")(claims_command)
