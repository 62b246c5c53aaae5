"""The digest clock (Procfile ``clock``): every minute, post the digests that are due.

Sending is ``bot.digests.DigestService.send_due`` (exactly once, whatever runs it); posting is
``handlers.digests.SlackPublisher``. ``claimbot digest send-due`` runs one round of the same.
"""

from __future__ import annotations

import logging
import signal
import threading

from bot.core import Core
from bot.digests import Publisher
from bot.models import utcnow

log = logging.getLogger(__name__)


def publisher(core: Core) -> Publisher:
    """The Slack publisher (imported here, so the rest of the CLI never loads Slack)."""
    from handlers.digests import slack_publisher  # noqa: PLC0415

    return slack_publisher(core.settings)


def run_clock(core: Core) -> None:
    """Send due digests at the start of every minute until SIGTERM."""
    sender = publisher(core)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    log.info("clock started")
    while not stop.is_set():
        try:
            for outcome in core.digests.send_due(sender):
                log.info(
                    "digest %s slot %s: %s", outcome.subscription_id, outcome.slot, outcome.status
                )
        except Exception:  # a bad minute must not stop the clock
            log.exception("sending due digests failed; trying again next minute")
        stop.wait(60 - utcnow().second)
