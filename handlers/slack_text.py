"""Text as Slack sends it, decoded into what the user typed.

Slack encodes message text (https://docs.slack.dev/messaging/formatting-message-text): ``&``,
``<`` and ``>`` arrive as ``&amp;``, ``&lt;`` and ``&gt;``; links, mentions and channels arrive
as ``<https://…|label>``, ``<@U…>``, ``<#C…|name>``, ``<!here>``, ``<!subteam^S…|@group>`` and
``<!date^…|fallback>``. Everything the bot matches or quotes back goes through :func:`decode`
first, so "R&D" is matched as "R&D" and shown as "R&D", not ``R&amp;amp;D``.
"""

from __future__ import annotations

import re

_ANGLE = re.compile(r"<([^<>]*)>")
_SPECIAL = {"here": "@here", "channel": "@channel", "everyone": "@everyone"}


def _plain(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):  # a user: the bot itself or someone named in passing
        return ""
    if target.startswith("#"):  # a channel: its name when Slack gives one
        return f"#{label}" if label else ""
    if target.startswith("!"):
        special = target[1:]
        if special in _SPECIAL:
            return _SPECIAL[special]
        return label  # user groups (``@group``) and dates (their fallback text)
    return label or target  # a link: what the reader saw


def decode(text: str) -> str:
    """Slack's encoded text as the user typed it, mentions removed, spaces normalised."""
    plain = _ANGLE.sub(_plain, text)
    plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(plain.split())
