"""Charts in Slack: render the chart for a question and upload it (files_upload_v2)."""

from __future__ import annotations

import logging
import re

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.charts import chart_for, render_chart
from bot.core import Core
from bot.errors import ClaimBotError
from handlers.blocks import MAX_SECTION, Message, answer_message, escape, fit, text_message

log = logging.getLogger(__name__)


def upload_chart(
    client: WebClient, core: Core, question: str, channel: str, thread_ts: str | None = None
) -> Message | None:
    """Upload the chart to the channel (or thread); a message to show instead when that fails."""
    try:
        data = chart_for(core.answers, question)
        if data is None:
            return answer_message(core.answers.ask(question))
    except ClaimBotError as exc:
        return text_message(str(exc))
    png = render_chart(data)
    filename = re.sub(r"[^a-z0-9]+", "-", data.topic.casefold()).strip("-")[:60] + ".png"
    try:
        client.files_upload_v2(
            channel=channel,
            thread_ts=thread_ts,
            file=png,
            filename=filename,
            title=data.topic,
            initial_comment=fit(escape(f"{data.topic}. {data.caption}"), MAX_SECTION),
        )
    except SlackApiError as exc:
        error = exc.response.get("error")
        log.error("chart upload to %s failed: %s", channel, error)
        if error in {"not_in_channel", "channel_not_found"}:
            return text_message(
                "I can only post charts in channels I am a member of: invite me "
                "with `/invite @ClaimBot`, then ask again."
            )
        return text_message("Sorry, I couldn't upload the chart just now. Please try again.")
    return None
