"""Where a request is handled: one table from request type to handler, for Slack and the console.

A surface (Slack, the console) parses what the user typed once (:func:`bot.requests.parse`),
hands it here with who asked and from where (:class:`Caller`), and renders the :data:`Reply`.
Handlers know nothing of Slack: a reply that needs the surface to act (open the claim form,
upload a chart) is a value the surface acts on, and a surface that cannot act on it says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.answers import Answer, TopicsPage
from bot.core import Core
from bot.errors import ClaimBotError
from bot.learning import ProposalsPage
from bot.render_text import render_history, render_subscription
from bot.requests import (
    AddClaim,
    Aliases,
    Ask,
    Chart,
    DecideAlias,
    DigestList,
    DigestOff,
    DigestResume,
    DigestSubscribe,
    Help,
    History,
    Request,
    Topics,
    parse,
)
from bot.schedules import Schedule

#: How many proposed aliases one listing shows (Slack's limits allow this many with buttons).
PROPOSALS_SHOWN = 20
EDITORS_ONLY_ALIASES = "Only editors can review proposed aliases."

NO_CHANNEL = (
    "Digests are managed with `/claims digest ...` in a channel, or `claimbot digest` on the "
    "command line."
)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who asked, and from where. ``channel`` is where digests would post: a slash command's
    channel; None for mentions, shortcuts, buttons and the console, which do not manage them."""

    user: str | None = None
    channel: str | None = None
    editor: bool = False
    #: The user's time zone, looked up only when a digest needs it.
    timezone: Callable[[], str] = field(default=lambda: "UTC")
    #: Where the caller is: changes are recorded as made by ``slack:U0123`` or ``console``.
    surface: str = "slack"

    @property
    def author(self) -> str:
        """Who made a change, as the records name them."""
        return f"{self.surface}:{self.user}" if self.user else self.surface


@dataclass(frozen=True, slots=True)
class HelpReply:
    """How to use ClaimBot, with how many topics it has claims on."""

    topic_count: int


@dataclass(frozen=True, slots=True)
class TopicsReply:
    """A page of the topics with claims."""

    page: TopicsPage


@dataclass(frozen=True, slots=True)
class Notice:
    """A short text: a refusal, an error, a confirmation or a listing."""

    text: str


@dataclass(frozen=True, slots=True)
class OpenClaimForm:
    """The surface should open the form for a new claim (only handed to editors)."""


@dataclass(frozen=True, slots=True)
class ChartReply:
    """The surface should show the chart for the topic this question matches."""

    question: str


@dataclass(frozen=True, slots=True)
class AliasesReply:
    """The proposed aliases waiting for an editor; ``done`` says what was just decided."""

    page: ProposalsPage
    done: str | None = None


Reply = Answer | HelpReply | TopicsReply | Notice | OpenClaimForm | ChartReply | AliasesReply


def _help(core: Core, _request: Help, _caller: Caller) -> Reply:
    return HelpReply(core.answers.topic_count())


def _topics(core: Core, request: Topics, _caller: Caller) -> Reply:
    return TopicsReply(core.answers.topics_page(request.query, request.page))


def _ask(core: Core, request: Ask, _caller: Caller) -> Reply:
    return core.answers.ask(request.question, message=request.message)


def _history(core: Core, request: History, _caller: Caller) -> Reply:
    return Notice(render_history(request.claim_id, core.editing.history(request.claim_id)))


def _add(_core: Core, _request: AddClaim, caller: Caller) -> Reply:
    return OpenClaimForm() if caller.editor else Notice("Only editors can add claims.")


def _chart(_core: Core, request: Chart, _caller: Caller) -> Reply:
    return ChartReply(request.question)


def _subscribe(core: Core, request: DigestSubscribe, caller: Caller) -> Reply:
    if caller.channel is None:
        return Notice(NO_CHANNEL)
    schedule = Schedule.parse(request.cron, request.timezone or caller.timezone())
    if request.query:
        core.digests.check_query(request.query)
    view = core.digests.subscribe(
        channel=caller.channel,
        schedule=schedule,
        query=request.query,
        created_by=caller.author,
        post_when_empty=request.post_when_empty,
    )
    return Notice(f"Subscribed. {render_subscription(view)}")


def _list(core: Core, _request: DigestList, caller: Caller) -> Reply:
    if caller.channel is None:
        return Notice(NO_CHANNEL)
    views = core.digests.subscriptions(caller.channel)
    return Notice("\n".join(render_subscription(v) for v in views) or "No digests in this channel.")


def _off(core: Core, request: DigestOff, caller: Caller) -> Reply:
    if caller.channel is None:
        return Notice(NO_CHANNEL)
    ended = core.digests.unsubscribe(request.subscription_id, caller.channel)
    return Notice(f"Ended. {render_subscription(ended)}")


def _resume(core: Core, request: DigestResume, caller: Caller) -> Reply:
    if caller.channel is None:
        return Notice(NO_CHANNEL)
    resumed = core.digests.resume(request.subscription_id, caller.channel)
    return Notice(f"Resumed. {render_subscription(resumed)}")


def _aliases(core: Core, _request: Aliases, caller: Caller) -> Reply:
    if not caller.editor:
        return Notice(EDITORS_ONLY_ALIASES)
    return AliasesReply(core.learning.pending(PROPOSALS_SHOWN))


def _decide_alias(core: Core, request: DecideAlias, caller: Caller) -> Reply:
    if not caller.editor:
        return Notice(EDITORS_ONLY_ALIASES)
    decide = core.learning.accept if request.accept else core.learning.reject
    return Notice(decide(request.proposal_id, caller.author).summary)


#: Every request type and the one function that handles it.
HANDLERS: dict[type[Any], Callable[[Core, Any, Caller], Reply]] = {
    Help: _help,
    Topics: _topics,
    Ask: _ask,
    History: _history,
    AddClaim: _add,
    Chart: _chart,
    DigestSubscribe: _subscribe,
    DigestList: _list,
    DigestOff: _off,
    DigestResume: _resume,
    Aliases: _aliases,
    DecideAlias: _decide_alias,
}


def handle(core: Core, request: Request, caller: Caller) -> Reply:
    """The reply to a parsed request; a request the core refuses becomes a :class:`Notice`."""
    try:
        return HANDLERS[type(request)](core, request, caller)
    except ClaimBotError as exc:
        return Notice(str(exc))


def respond(core: Core, text: str, caller: Caller) -> Reply:
    """Parse ``text`` once and handle it."""
    try:
        request = parse(text)
    except ClaimBotError as exc:
        return Notice(str(exc))
    return handle(core, request, caller)
