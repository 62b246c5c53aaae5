"""How the bot runs: HTTP mode on gunicorn, or Socket Mode.

HTTP mode serves commands, events and interactivity at ``POST /slack/events`` and a health
check at ``GET /healthz``. The gunicorn master builds the match index once, before it forks its
workers: they inherit it copy-on-write, so a replica holds one index however many workers it
runs. After the fork each worker drops the connections it inherited, starts its own listener
for changes (PostgreSQL) and builds its own Bolt app; from then on each updates its copy of the
index in place from the change log, which writes (and so copies) only the pages an update
touches. Every worker and every replica share the one database, so they behave as one bot.
"""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.core import Core
from bot.errors import ClaimBotError
from handlers.app import build_app
from handlers.gate import SlackGate

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


def database_answers(core: Core) -> bool:
    """Whether the database answered within a second; a black-holed database cannot hang it."""
    return core.database_answers()


def wsgi_app(core: Core) -> WSGIApplication:
    """Slack's verified requests to Bolt, ``/healthz`` to a JSON status; everything else 4xx."""
    slack = SlackGate(build_app(core), core.settings.slack_signing_secret or "", EVENTS_PATH)
    core.answers.topics()  # the match index, ready (and up to date) before the first question

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") == "GET":
            database = database_answers(core)
            body = json.dumps({"status": "ok" if database else "degraded", "database": database})
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body.encode()]
        return slack(environ, start_response)

    return application


class Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured in code, loading the app in each worker (after the fork)."""

    def __init__(self, load: Callable[[], WSGIApplication], options: dict[str, Any]) -> None:
        self._load = load
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIApplication:
        return self._load()


def checked_app(core: Core, *, socket_mode: bool = False) -> App:
    """The Bolt app, its token checked against Slack once (``auth.test``); a Slack that cannot
    be reached or refuses the token stops the start with one sentence, not a log of retries."""
    settings = core.settings
    quiet = [logging.getLogger("slack_sdk"), logging.getLogger("slack_bolt")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL)
    try:
        return build_app(core, socket_mode=socket_mode)
    except (BoltError, SlackApiError, OSError) as exc:
        reason = str(getattr(exc, "reason", None) or exc).strip().splitlines()[0]
        raise ClaimBotError(
            f"Could not check SLACK_BOT_TOKEN with Slack at SLACK_API_URL "
            f"{settings.slack_api_url} ({reason}); check that both are right and Slack is "
            "reachable."
        ) from exc
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)


def gunicorn_options(settings: Settings, host: str, port: int) -> dict[str, Any]:
    """How HTTP mode runs gunicorn: ``WEB_CONCURRENCY`` threaded workers."""
    return {
        "bind": f"{host}:{port}",
        "workers": settings.web_concurrency,
        "worker_class": "gthread",
        "threads": settings.web_threads,
        "timeout": 30,
        "graceful_timeout": 10,
        "accesslog": "-",
        "loglevel": settings.log_level.lower(),
    }


def forked_core(core: Core) -> Core:
    """A worker's core, just after the fork: the master's match index, inherited; a pool of its
    own (the master's connections, if any, are left to the master, as SQLAlchemy prescribes for
    forked processes); and, on PostgreSQL, a listener thread of its own (threads do not survive
    a fork)."""
    core.engine.dispose(close=False)
    core.listen_for_changes()
    return core


def serve_http(settings: Settings, host: str, port: int) -> None:
    """Run HTTP mode on gunicorn (threaded workers) until stopped; the match index is built
    here, once, and shared by every worker."""
    # Fail here, once, with a clear message, rather than in every worker as it boots.
    settings.require_slack(socket_mode=False)
    core = Core.from_settings(settings)
    core.require_schema()
    try:
        checked_app(core)
        core.answers.topics()  # the replica's one index, built before the fork
    finally:
        core.engine.dispose()  # the master keeps no connection while it supervises
    # The index is long-lived: frozen out of the collector, so that a worker's collections
    # never write to (and so copy) the pages it shares with the master and the other workers.
    gc.collect()
    gc.freeze()
    Gunicorn(lambda: wsgi_app(forked_core(core)), gunicorn_options(settings, host, port)).run()


def serve_socket(settings: Settings) -> None:
    """Run Socket Mode (no public endpoint needed) until stopped."""
    settings.require_slack(socket_mode=True)
    core = Core.from_settings(settings)
    core.listen_for_changes()
    core.require_schema()
    handler = SocketModeHandler(checked_app(core, socket_mode=True), settings.slack_app_token)
    core.answers.topics()  # build the match index now, not during the first question
    handler.start()  # type: ignore[no-untyped-call]
