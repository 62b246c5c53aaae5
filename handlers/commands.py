"""Where ``/claims`` enters: acknowledge at once, then answer ephemerally."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.dispatch import respond
from handlers.context import core
from handlers.replies import act_or_show, caller, ephemeral, reply
from handlers.slack_text import decode


def claims_command(
    ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """``/claims QUESTION`` (or ``help``): the answer only the asker sees, with a share button.

    ``/claims digest ...`` manages the channel's digests; ``/claims add`` opens the form for a
    new claim (editors); ``/claims history ID`` shows a claim's revisions; ``/claims chart
    QUESTION`` uploads a chart to the channel.
    """
    ack()
    asker = caller(context, client, command["user_id"], command["channel_id"])
    answer = respond(core(context), decode(command.get("text", "")), asker)
    message = act_or_show(
        core(context),
        client,
        answer,
        channel=command["channel_id"],
        shareable=True,
        editable=asker.editor,
        trigger_id=command["trigger_id"],
    )
    if message is not None:
        reply(command["response_url"], ephemeral(message))


def register(app: App) -> None:
    app.command("/claims")(claims_command)
