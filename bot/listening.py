"""Hearing of changes on PostgreSQL: every write that changes topics sends a notice as it commits
(NOTIFY, from bot/store.py), and a thread per process LISTENs for it, so a question reads the
change log only after a write. While the thread is not listening (connecting, or its connection
lost) every question reads the log, as without it."""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine

log = logging.getLogger(__name__)

#: The channel the store notifies when a transaction that changed topics commits.
CHANNEL = "claimbot_topic_changes"
#: How the listener names itself to the server (pg_stat_activity.application_name).
APPLICATION_NAME = "claimbot changes"


class ChangeListener:
    """A thread that LISTENs for the store's change notices, reconnecting when its connection
    drops; :meth:`changed` says whether the change log may hold anything new."""

    def __init__(self, engine: Engine, retry_seconds: float = 1.0) -> None:
        url = engine.url.set(drivername="postgresql")
        self._conninfo = url.render_as_string(hide_password=False)
        self._retry_seconds = retry_seconds
        self._heard = threading.Event()
        self._listening = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="claimbot-changes", daemon=True)
        self._thread.start()

    @property
    def listening(self) -> bool:
        """Whether notices are being heard now."""
        return self._listening.is_set()

    def changed(self) -> bool:
        """Whether the change log may hold anything new: once after each notice (or after
        listening began), and always while not listening."""
        if not self._listening.is_set():
            return True
        if self._heard.is_set():
            self._heard.clear()
            return True
        return False

    def again(self) -> None:
        """Have :meth:`changed` say so once more: the log was not read after all (the look
        that asked failed)."""
        self._heard.set()

    def close(self) -> None:
        """Stop listening and wait for the thread to end (within about a second)."""
        self._stopped.set()
        self._thread.join()

    def _run(self) -> None:
        # Loaded by the thread: importing this module (every process does) loads no driver.
        import psycopg  # noqa: PLC0415

        while not self._stopped.is_set():
            try:
                with psycopg.connect(
                    self._conninfo,
                    autocommit=True,
                    connect_timeout=5,
                    application_name=APPLICATION_NAME,
                    # TCP keepalives: a connection whose network went silent is found dead
                    # within seconds.
                    keepalives=1,
                    keepalives_idle=5,
                    keepalives_interval=2,
                    keepalives_count=2,
                ) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._heard.set()  # whatever committed before listening began
                    self._listening.set()
                    while not self._stopped.is_set():
                        for _ in connection.notifies(timeout=1.0):
                            self._heard.set()
            except psycopg.Error as error:
                log.warning("Not hearing of changes (every question reads the log): %s", error)
            finally:
                self._listening.clear()
            self._stopped.wait(self._retry_seconds)
