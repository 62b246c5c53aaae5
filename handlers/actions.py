"""Where buttons on answers enter: share in channel, ask about a suggested topic (a pick after
"did you mean" is recorded, for editors to accept as an alias), history, chart, full text and
more claims or topics."""

from __future__ import annotations

import json
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.errors import ClaimBotError
from bot.requests import Topics, parse
from handlers.blocks import (
    ASK_TOPIC_ACTION,
    CHART_ACTION,
    ECHOES_ACTION,
    FULL_TEXT_ACTION,
    HISTORY_ACTION,
    MORE_CLAIMS_ACTION,
    MORE_TOPICS_ACTION,
    PICK_SUGGESTION_ACTION,
    SHARE_ACTION,
    SHARE_MESSAGE_ACTION,
    answer_message,
    full_text_message,
    history_message,
    more_claims_message,
    outlets_message,
    read_outlets_value,
    text_message,
    topics_message,
)
from handlers.charts import upload_chart
from handlers.context import core, editors
from handlers.replies import ephemeral, reply


def share_answer(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
) -> None:
    """Post the same answer visibly in the channel, saying who shared it (an answer to a
    pasted message is answered as one again)."""
    ack()
    message = action["action_id"] == SHARE_MESSAGE_ACTION
    answer = core(context).answers.ask(action["value"], message=message or None)
    message = answer_message(answer, shared_by=body["user"]["id"])
    reply(
        body["response_url"], {**message, "response_type": "in_channel", "replace_original": False}
    )


def ask_topic(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """Answer, only to the clicker, for the chosen topic."""
    ack()
    _answer_topic(body, context, action["value"])


def _answer_topic(body: dict[str, Any], context: BoltContext, question: str) -> None:
    """The answer for a topic, only to the clicker: in place of an ephemeral answer, below a
    message everyone sees (a digest, an answer to a mention)."""
    editable = editors(context).is_editor(body["user"]["id"])
    answer = core(context).answers.ask(question)
    message = answer_message(answer, shareable=True, editable=editable)
    in_place = bool(body.get("container", {}).get("is_ephemeral"))
    reply(body["response_url"], ephemeral(message, replace_original=in_place))


def read_pick(value: str) -> tuple[str, str, str | None] | None:
    """A suggested topic's button value (see :func:`handlers.blocks.suggestion_value`) as
    (topic, moment asked, question); None when it is not one."""
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("topic"), str):
        return None
    when, question = data.get("when"), data.get("question")
    return (
        data["topic"],
        when if isinstance(when, str) else "",
        question if isinstance(question, str) else None,
    )


def pick_suggestion(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
) -> None:
    """A topic suggested for a question, picked: answered for the moment asked, and the
    question recorded against the topic, for editors to accept as one of its aliases."""
    ack()
    pick = read_pick(action["value"])
    if pick is None or not pick[0].strip():
        reply(body["response_url"], ephemeral(text_message("That button is out of date.")))
        return
    topic, when, question = pick
    if question:
        core(context).learning.picked(question, topic, f"slack:{body['user']['id']}")
    _answer_topic(body, context, f"{topic} {when}".strip())


def topic_history(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
) -> None:
    """Every dated claim on the topic, only to the clicker."""
    ack()
    message = history_message(core(context).answers.history(action["value"]), action["value"])
    reply(body["response_url"], ephemeral(message))


def topic_chart(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Upload the topic's chart to the channel the button was clicked in."""
    ack()
    channel = (body.get("channel") or {}).get("id") or body["container"]["channel_id"]
    failure = upload_chart(client, core(context), action["value"], channel)
    if failure:
        reply(body["response_url"], ephemeral(failure))


def full_text(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """A claim's whole quote and caveat, only to the clicker."""
    ack()
    try:
        record = core(context).editing.record(int(action["value"]))
        message = full_text_message(record.claimant, record.quote, record.caveat)
    except (ClaimBotError, ValueError):
        message = text_message("That claim is no longer there.")
    reply(body["response_url"], ephemeral(message))


def outlets(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """The outlets that repeat one source's claim, only to the clicker."""
    ack()
    editing = core(context).editing
    try:
        ids, total = read_outlets_value(action["value"])
        reports = [editing.record(claim_id) for claim_id in ids]
        message = outlets_message(reports[0].cites or reports[0].claimant, reports, total)
    except (ClaimBotError, ValueError):
        message = text_message("Those claims are no longer there; ask again.")
    reply(body["response_url"], ephemeral(message))


def more_claims(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
) -> None:
    """The next page of a long answer on one topic, only to the clicker."""
    ack()
    page = json.loads(action["value"])
    question = " ".join([page["topic"], page.get("when", "")]).strip()  # the moment asked, kept
    answer = core(context).answers.ask(question)
    topic = next((m for m in answer.matches if m.topic == page["topic"]), None)
    if topic is None or int(page["start"]) >= len(topic.claims):
        message = text_message("That topic has changed since; ask again for its claims.")
    else:
        editable = editors(context).is_editor(body["user"]["id"])
        message = more_claims_message(topic, int(page["start"]), editable=editable)
    reply(body["response_url"], ephemeral(message))


def more_topics(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
) -> None:
    """The next page of a topic listing, in place of the page the button was on."""
    ack()
    try:
        request = parse(action["value"])
    except ClaimBotError:
        request = None
    if isinstance(request, Topics):
        page = core(context).answers.topics_page(request.query, request.page)
        message = topics_message(page)
    else:
        message = text_message("Type `/claims topics` to list the topics.")
    in_place = bool(body.get("container", {}).get("is_ephemeral"))
    reply(body["response_url"], ephemeral(message, replace_original=in_place))


def register(app: App) -> None:
    app.action(SHARE_ACTION)(share_answer)
    app.action(SHARE_MESSAGE_ACTION)(share_answer)
    app.action(re.compile(rf"^{ASK_TOPIC_ACTION}_\d+$"))(ask_topic)
    app.action(re.compile(rf"^{PICK_SUGGESTION_ACTION}_\d+$"))(pick_suggestion)
    app.action(re.compile(rf"^{HISTORY_ACTION}_\d+$"))(topic_history)
    app.action(re.compile(rf"^{CHART_ACTION}_\d+$"))(topic_chart)
    app.action(re.compile(rf"^{FULL_TEXT_ACTION}_\d+$"))(full_text)
    app.action(re.compile(rf"^{MORE_CLAIMS_ACTION}_\d+$"))(more_claims)
    app.action(re.compile(rf"^{ECHOES_ACTION}_\d+$"))(outlets)
    app.action(MORE_TOPICS_ACTION)(more_topics)
