"""The Bolt app: one per process, with the core in every listener's context."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient

from bot.core import Core
from bot.receipts import first_receipt
from handlers import register_listeners
from handlers.blocks import APOLOGY, text_message
from handlers.context import provide, verified
from handlers.editors import EditorPolicy
from handlers.replies import post, reply, web_client

log = logging.getLogger(__name__)

#: Listeners run at once per process; each waits on the database at most its timeouts.
LISTENER_THREADS = 64


def _not_the_token_notice(record: logging.LogRecord) -> bool:
    """Bolt reads SLACK_BOT_TOKEN itself and warns, at every start, that the token it read is
    unused beside the client given (which holds the same token): noise, dropped."""
    return "`token` will be unused" not in record.getMessage()


def build_app(core: Core, *, socket_mode: bool = False) -> App:
    """The Bolt app for the core's settings (tokens checked against Slack at start)."""
    settings = core.settings
    bolt_log = logging.getLogger("slack_bolt.App")
    if _not_the_token_notice not in bolt_log.filters:
        bolt_log.addFilter(_not_the_token_notice)
    settings.require_slack(socket_mode=socket_mode)
    app = App(
        client=web_client(settings),
        signing_secret=settings.slack_signing_secret,
        request_verification_enabled=not socket_mode,
        # Bolt's default is five threads: five answers waiting on a slow database would hold
        # every later command's acknowledgement past Slack's 3 seconds.
        listener_executor=ThreadPoolExecutor(
            max_workers=LISTENER_THREADS, thread_name_prefix="listener"
        ),
    )

    editors = EditorPolicy(app.client, settings.editor_ids, settings.claimbot_editor_group)

    @app.middleware
    def provide_core(context: BoltContext, next: Callable[[], Any]) -> Any:
        """Every listener finds the core and the editor policy in its context."""
        provide(context, core, editors)
        return next()

    @app.middleware
    def rate_limited_notice(body: dict[str, Any], next: Callable[[], Any]) -> Any:
        """Slack says it is dropping this workspace's events for a minute: note it, ack it."""
        if body.get("type") == "app_rate_limited":
            log.warning(
                "Slack rate-limited events for team %s in minute %s",
                body.get("team_id"),
                body.get("minute_rate_limited"),
            )
            return BoltResponse(status=200, body="")
        return next()

    @app.middleware
    def once_per_event(body: dict[str, Any], next: Callable[[], Any]) -> Any:
        """Slack redelivers events it thinks failed; act on each ``event_id`` once."""
        event_id = body.get("event_id")
        if (
            body.get("type") == "event_callback"
            and event_id
            and not first_receipt(core.sessions, f"slack-event:{event_id}")
        ):
            log.info("ignored redelivery of event %s", event_id)
            return BoltResponse(status=200, body="")
        return next()

    @app.error
    def apologise(
        error: Exception, body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        """Log the failure with its context, and tell the user rather than leave them waiting."""
        if not verified(context):
            # Bolt's own checks (signature, authorization) failed or raised before our
            # middleware ran: nothing in this body is Slack's word, so act on none of it.
            log.warning("refused an unverified request: %s", error)
            return
        event = body.get("event") or {}
        log.error(
            "listener failed for %s (team %s, user %s)",
            body.get("command") or event.get("type") or body.get("type"),
            body.get("team_id") or (body.get("team") or {}).get("id"),
            body.get("user_id") or event.get("user") or (body.get("user") or {}).get("id"),
            exc_info=error,
        )
        apology = text_message(APOLOGY)
        if body.get("response_url"):
            reply(body["response_url"], {**apology, "response_type": "ephemeral"})
        elif event.get("type") == "app_mention":
            post(client, event["channel"], event.get("thread_ts") or event["ts"], apology)

    register_listeners(app)
    return app
