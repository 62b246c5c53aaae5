"""Where the "Look up claims" message shortcut enters."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.answers import MAX_MESSAGE_LENGTH
from bot.dispatch import handle
from bot.requests import Ask, Help
from handlers.context import core
from handlers.replies import caller, ephemeral, reply, show
from handlers.slack_text import decode

LOOKUP_CALLBACK = "lookup_claims"


def lookup_claims(
    ack: Ack, shortcut: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Answer, only to the user, with the claims the message repeats (its first
    MAX_MESSAGE_LENGTH characters)."""
    ack()
    text = decode(shortcut.get("message", {}).get("text", ""))[:MAX_MESSAGE_LENGTH]
    asker = caller(context, client, shortcut["user"]["id"])
    answer = handle(core(context), Ask(text, message=True) if text else Help(), asker)
    reply(shortcut["response_url"], ephemeral(show(answer, shareable=True, editable=asker.editor)))


def register(app: App) -> None:
    app.shortcut(LOOKUP_CALLBACK)(lookup_claims)
