"""What only PostgreSQL needs: a psycopg connection that bounds every exchange with the server,
and which of psycopg's errors mean the database is not answering. Loaded by ``bot/db.py`` only
when ``DATABASE_URL`` names PostgreSQL, so a process on SQLite never imports psycopg."""

from __future__ import annotations

from typing import Any

import psycopg
from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext

from bot.db import Timeouts


class _BoundedConnection(psycopg.Connection[Any]):
    """A psycopg connection whose every exchange with the server (query, commit, rollback,
    ping) gives up after ``client_timeout`` seconds, closing the connection so that the
    pool discards it. Without it, a statement sent into a network that drops packets waits
    for TCP to give up (minutes), whatever the server-side statement_timeout says."""

    client_timeout: float | None = None

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        try:
            return super().wait(gen, interval, timeout or self.client_timeout)
        except psycopg.errors._WaitTimeout:
            # The exchange is half done and the server unreachable: the connection is unusable.
            self.pgconn.finish()
            raise psycopg.OperationalError(
                f"the database did not answer within {self.client_timeout:g} s"
            ) from None


def _bounded(seconds: float) -> type[_BoundedConnection]:
    class BoundedConnection(_BoundedConnection):
        client_timeout = seconds

    return BoundedConnection


def make_engine(url: URL, timeouts: Timeouts) -> Engine:
    """An engine with connect, statement and TCP timeouts, keepalives, a client-side bound on
    every exchange, and pooled connections pinged before use."""
    engine = create_engine(
        url,
        connect_args=timeouts.postgres_connect_args(),
        pool_pre_ping=True,
        pool_timeout=timeouts.pool,
    )
    bounded = _bounded(timeouts.client)

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        return bounded.connect(*cargs, **cparams)

    return engine


def unavailable(context: ExceptionContext) -> bool:
    """Whether psycopg's error says the server did not answer in time or could not be
    reached (failures to connect come without a connection)."""
    error = context.original_exception
    if isinstance(error, (psycopg.errors.QueryCanceled, psycopg.errors.ConnectionTimeout)):
        return True
    return isinstance(error, psycopg.OperationalError) and context.connection is None
