"""Where the "Look up claims" message shortcut enters."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from handlers.replies import message_for, reply
from handlers.slack_text import decode

LOOKUP_CALLBACK = "lookup_claims"


def lookup_claims(ack: Ack, shortcut: dict[str, Any], context: BoltContext) -> None:
    """Answer, only to the user, with the claims that match the message's text."""
    ack()
    text = decode(shortcut.get("message", {}).get("text", ""))
    if not text:
        text = "help"
    editable = context["editors"].is_editor(shortcut["user"]["id"])
    message = message_for(context["core"], text, shareable=True, editable=editable)
    reply(shortcut["response_url"], {**message, "response_type": "ephemeral"})


def register(app: App) -> None:
    app.shortcut(LOOKUP_CALLBACK)(lookup_claims)
