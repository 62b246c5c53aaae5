"""Where editors' actions enter: the claim menu, the topic picker, the three forms, and the
Accept and Reject buttons on proposed aliases.

Every listener here runs behind :func:`editors_only`: a non-editor never sees the controls, and a
forged payload from one changes nothing and is logged.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.dispatch import AliasesReply, Notice, handle
from bot.editing import EDITABLE_FIELDS, duplicate_message, retired_message
from bot.errors import ClaimBotError
from bot.models import Verification
from bot.render_text import render_history
from bot.requests import Aliases, DecideAlias
from handlers.blocks import (
    ACCEPT_ALIAS_ACTION,
    CLAIM_MENU_ACTION,
    REJECT_ALIAS_ACTION,
    text_message,
)
from handlers.context import core, editors
from handlers.modals import (
    CLAIM_VIEW,
    RETIRE_VIEW,
    TOPIC_OPTIONS,
    VERIFY_VIEW,
    Context,
    claim_from_form,
    claim_view,
    retire_view,
    value_of,
    verify_view,
)
from handlers.replies import caller, ephemeral, reply, show

log = logging.getLogger(__name__)

NOT_AN_EDITOR = "Only editors can change claims."


def editors_only(refuse_at: str | None = None) -> Callable[..., BoltResponse | None]:
    """Listener middleware: only editors get through. Anyone else is logged and answered with
    nothing, or, on a form, with the refusal next to the ``refuse_at`` block."""

    def only_editors(
        body: dict[str, Any], context: BoltContext, next: Callable[[], None]
    ) -> BoltResponse | None:
        user = (body.get("user") or {}).get("id", "")
        if editors(context).is_editor(user):
            next()
            return None
        log.warning("non-editor %s sent %s; nothing changed", user, body.get("type"))
        if refuse_at is None:
            return BoltResponse(status=200, body="")
        errors = {"response_action": "errors", "errors": {refuse_at: NOT_AN_EDITOR}}
        return BoltResponse(status=200, body=errors)

    return only_editors


def claim_menu_selected(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Edit, verify, retire or show the history of the claim the menu belongs to."""
    ack()
    verb, _, number = action["selected_option"]["value"].partition(":")
    claim_id = int(number)
    editing = core(context).editing
    try:
        if verb == "history":
            text = render_history(claim_id, editing.history(claim_id))
            reply(body["response_url"], ephemeral(text_message(text)))
            return
        channel = (body.get("channel") or {}).get("id")
        form = Context(channel, claim_id)
        record = editing.record(claim_id)
        if verb == "edit" and record.retired_reason:
            raise ClaimBotError(retired_message(claim_id))
        if verb == "edit":
            view = claim_view(form, editing.kinds(), record, editing.topic_of(claim_id))
        elif verb == "verify":
            view = verify_view(form, record.verification, record.claimant)
        else:
            view = retire_view(form, record.claimant)
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except ClaimBotError as exc:
        reply(body["response_url"], ephemeral(text_message(str(exc))))


def topic_options(ack: Ack, payload: dict[str, Any], context: BoltContext) -> None:
    """Topics for the picker, matching what the editor typed."""
    topics = core(context).editing.topics_like(payload.get("value", ""))
    ack(
        options=[
            {"text": {"type": "plain_text", "text": title[:75]}, "value": str(topic_id)}
            for topic_id, title in topics
        ]
    )


def _confirm(client: WebClient, form: Context, user: str, text: str) -> None:
    if not form.channel:
        return
    try:
        client.chat_postEphemeral(channel=form.channel, user=user, **text_message(text))
    except SlackApiError as exc:
        log.warning(
            "could not confirm to %s in %s: %s", user, form.channel, exc.response.get("error")
        )


def save_claim(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Add or edit a claim from the form; errors go back next to their fields."""
    user = body["user"]["id"]
    form = Context.load(view.get("private_metadata", ""))
    editing = core(context).editing
    values = view["state"]["values"]
    picked = value_of(values, "topic_pick")
    try:
        title = editing.topic_title(int(picked)) if picked else None
    except ClaimBotError as exc:
        ack(response_action="errors", errors={"topic_pick": str(exc)})
        return
    current = None
    if form.claim_id is not None:
        try:
            current = editing.record(form.claim_id)
            if current.retired_reason:
                raise ClaimBotError(retired_message(form.claim_id))
        except ClaimBotError as exc:
            ack(response_action="errors", errors={"claimant": str(exc)})
            return
    record = claim_from_form(values, title, editing.kinds(), current, form.kept)
    if isinstance(record, dict):
        ack(response_action="errors", errors=record)
        return
    if form.claim_id is None:
        existing = editing.existing_id(record)
        if existing is not None:
            ack(response_action="errors", errors={"claimant": duplicate_message(existing)})
            return
    ack()
    if form.claim_id is None:
        try:
            editing.add(record, author=f"slack:{user}")
        except ClaimBotError as exc:  # added by someone else since the check above
            _confirm(client, form, user, str(exc))
            return
        _confirm(client, form, user, f"Claim added to “{record.topic}”.")
        return
    try:
        fields = EDITABLE_FIELDS - set(form.kept)
        if current is not None and record.topic != current.topic:
            # The aliases the form showed were the old topic's: they do not follow the claim.
            fields -= {"topic_aliases"}
        changed = editing.edit(form.claim_id, record, f"slack:{user}", fields)
    except ClaimBotError as exc:  # retired since the check above
        _confirm(client, form, user, str(exc))
        return
    _confirm(
        client,
        form,
        user,
        f"Claim {form.claim_id} " + ("saved." if changed else "unchanged: nothing was different."),
    )


def _claim_form(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    context: BoltContext,
    doing: str,
    block: str,
) -> tuple[str, Context, int] | None:
    """The acting editor, the form's context and its claim; or None, having refused a form
    without a claim next to ``block``."""
    user = body["user"]["id"]
    form = Context.load(view.get("private_metadata", ""))
    if form.claim_id is None:
        log.warning("a %s form from %s names no claim; nothing changed", doing, user)
        ack(response_action="errors", errors={block: "This form names no claim."})
        return None
    return user, form, form.claim_id


def save_verification(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    checked = _claim_form(ack, body, view, context, "verify", "note")
    if checked is None:
        return
    user, form, claim_id = checked
    values = view["state"]["values"]
    status = Verification(value_of(values, "verification") or Verification.UNVERIFIED.value)
    note = value_of(values, "note") or ""
    ack()
    core(context).editing.verify(claim_id, status, note, author=f"slack:{user}")
    _confirm(client, form, user, f"Claim {claim_id} is now marked {status.value}.")


def save_retirement(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    checked = _claim_form(ack, body, view, context, "retire", "reason")
    if checked is None:
        return
    user, form, claim_id = checked
    reason = value_of(view["state"]["values"], "reason") or ""
    ack()
    core(context).editing.retire(claim_id, reason, author=f"slack:{user}")
    _confirm(client, form, user, f"Claim {claim_id} retired.")


def decide_alias(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Accept or reject a proposed alias, then show, in place, what was done and the proposals
    still waiting."""
    ack()
    editor = caller(context, client, body["user"]["id"])
    accept = action["action_id"].startswith(ACCEPT_ALIAS_ACTION)
    if action.get("value", "").isdigit():
        decided = handle(core(context), DecideAlias(int(action["value"]), accept), editor)
        done = decided.text if isinstance(decided, Notice) else None
    else:
        log.warning("an alias button from %s names no proposal", editor.user)
        done = "That button names no proposed alias."
    listing = handle(core(context), Aliases(), editor)
    if isinstance(listing, AliasesReply):
        listing = replace(listing, done=done)
    reply(body["response_url"], ephemeral(show(listing, shareable=False), replace_original=True))


def register(app: App) -> None:
    app.action(CLAIM_MENU_ACTION, middleware=[editors_only()])(claim_menu_selected)
    app.options(TOPIC_OPTIONS, middleware=[editors_only()])(topic_options)
    app.view(CLAIM_VIEW, middleware=[editors_only("claimant")])(save_claim)
    app.view(VERIFY_VIEW, middleware=[editors_only("note")])(save_verification)
    app.view(RETIRE_VIEW, middleware=[editors_only("reason")])(save_retirement)
    decisions = re.compile(rf"^({ACCEPT_ALIAS_ACTION}|{REJECT_ALIAS_ACTION})_\d+$")
    app.action(decisions, middleware=[editors_only()])(decide_alias)
