"""What every listener finds in its Bolt context, typed: the core and the editor policy."""

from __future__ import annotations

from slack_bolt import BoltContext

from bot.core import Core
from handlers.editors import EditorPolicy

CORE = "core"
EDITORS = "editors"


def provide(context: BoltContext, core_: Core, editors_: EditorPolicy) -> None:
    """Put the core and the editor policy in a request's context (the app's middleware does)."""
    context[CORE] = core_
    context[EDITORS] = editors_


def verified(context: BoltContext) -> bool:
    """Whether the request got past Bolt's own checks to our middleware (and so was provided)."""
    return CORE in context


def core(context: BoltContext) -> Core:
    found: Core = context[CORE]
    return found


def editors(context: BoltContext) -> EditorPolicy:
    found: EditorPolicy = context[EDITORS]
    return found
