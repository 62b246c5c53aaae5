"""Where ``/claims`` enters: acknowledge at once, then answer ephemerally."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.commands import AddClaim, Chart
from handlers.blocks import text_message
from handlers.charts import upload_chart
from handlers.digests import digest_command_reply, is_digest_command
from handlers.editing import is_editor, open_add_form
from handlers.replies import message_for, parse_or_none, reply
from handlers.slack_text import decode

log = logging.getLogger(__name__)


def claims_command(
    ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """``/claims QUESTION`` (or ``help``): the answer only the asker sees, with a share button.

    ``/claims digest ...`` manages the channel's digests; ``/claims add`` opens the form for a
    new claim (editors); ``/claims history ID`` shows a claim's revisions; ``/claims chart
    QUESTION`` uploads a chart to the channel.
    """
    ack()
    core = context["core"]
    text = decode(command.get("text", ""))
    user = command["user_id"]
    request = parse_or_none(text)
    if isinstance(request, Chart):
        failure = upload_chart(client, core, request.question, command["channel_id"])
        if failure is None:
            return
        message = failure
    elif isinstance(request, AddClaim):
        if is_editor(context, user, "add a claim"):
            open_add_form(client, command["trigger_id"], command["channel_id"])
            return
        message = text_message("Only editors can add claims.")
    elif is_digest_command(text):
        message = digest_command_reply(
            core.digests, text, channel=command["channel_id"], user=user, client=client
        )
    else:
        editable = context["editors"].is_editor(user)
        message = message_for(core, text, shareable=True, editable=editable)
    reply(command["response_url"], {**message, "response_type": "ephemeral"})


def register(app: App) -> None:
    app.command("/claims")(claims_command)
