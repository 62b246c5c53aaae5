"""Where editors' actions enter: the claim menu, the topic picker and the three forms.

Every listener checks the acting user against the editor policy itself: a non-editor never sees
the controls, and a forged payload from one changes nothing and is logged.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.editing import EDITABLE_FIELDS, retired_message
from bot.errors import ClaimBotError
from bot.models import Verification
from bot.render_text import render_history
from handlers.blocks import CLAIM_MENU_ACTION, text_message
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
from handlers.replies import reply

log = logging.getLogger(__name__)

NOT_AN_EDITOR = "Only editors can change claims."


def is_editor(context: BoltContext, user_id: str, doing: str) -> bool:
    """Whether the user may edit; a refusal is logged, since the UI never offers it."""
    if context["editors"].is_editor(user_id):
        return True
    log.warning("non-editor %s tried to %s; nothing changed", user_id, doing)
    return False


def open_add_form(client: WebClient, trigger_id: str, channel: str) -> None:
    client.views_open(trigger_id=trigger_id, view=claim_view(Context(channel)))


def claim_menu(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Edit, verify, retire or show the history of the claim the menu belongs to."""
    ack()
    user = body["user"]["id"]
    verb, _, number = action["selected_option"]["value"].partition(":")
    claim_id = int(number)
    editing = context["core"].editing
    try:
        if verb == "history":
            text = render_history(claim_id, editing.history(claim_id))
            reply(
                body["response_url"],
                {**text_message(text), "response_type": "ephemeral", "replace_original": False},
            )
            return
        if not is_editor(context, user, f"{verb} claim {claim_id}"):
            return
        channel = (body.get("channel") or {}).get("id")
        form = Context(channel, claim_id)
        record = editing.record(claim_id)
        if verb == "edit" and record.retired_reason:
            raise ClaimBotError(retired_message(claim_id))
        if verb == "edit":
            view = claim_view(form, record, editing.topic_of(claim_id))
        elif verb == "verify":
            view = verify_view(form, record.verification, record.claimant)
        else:
            view = retire_view(form, record.claimant)
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except ClaimBotError as exc:
        reply(
            body["response_url"],
            {**text_message(str(exc)), "response_type": "ephemeral", "replace_original": False},
        )


def topic_options(ack: Ack, payload: dict[str, Any], context: BoltContext) -> None:
    """Topics for the picker, matching what the editor typed."""
    topics = context["core"].editing.topics_like(payload.get("value", ""))
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
    if not is_editor(context, user, "save a claim"):
        ack(response_action="errors", errors={"claimant": NOT_AN_EDITOR})
        return
    editing = context["core"].editing
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
    record = claim_from_form(values, title, current, form.kept)
    if isinstance(record, dict):
        ack(response_action="errors", errors=record)
        return
    ack()
    if form.claim_id is None:
        editing.add(record, author=f"slack:{user}")
        _confirm(client, form, user, f"Claim added to “{record.topic}”.")
        return
    try:
        fields = EDITABLE_FIELDS - set(form.kept)
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
    """The acting editor, the form's context and its claim; or None, having refused a
    non-editor (or a form without a claim) next to ``block``."""
    user = body["user"]["id"]
    form = Context.load(view.get("private_metadata", ""))
    if form.claim_id is None or not is_editor(context, user, f"{doing} claim {form.claim_id}"):
        ack(response_action="errors", errors={block: NOT_AN_EDITOR})
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
    context["core"].editing.verify(claim_id, status, note, author=f"slack:{user}")
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
    context["core"].editing.retire(claim_id, reason, author=f"slack:{user}")
    _confirm(client, form, user, f"Claim {claim_id} retired.")


def register(app: App) -> None:
    app.action(CLAIM_MENU_ACTION)(claim_menu)
    app.options(TOPIC_OPTIONS)(topic_options)
    app.view(CLAIM_VIEW)(save_claim)
    app.view(VERIFY_VIEW)(save_verification)
    app.view(RETIRE_VIEW)(save_retirement)
