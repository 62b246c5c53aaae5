"""Where the database is touched from: engines, sessions and schema migrations."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import ClaimBotError, DatabaseUnavailableError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"

#: How much longer than the statement timeout the client waits for the server's answer
#: before it gives the connection up: the server's own timeout normally fires first.
CLIENT_GRACE_SECONDS = 2.0
#: How much of a SQLite file is read through a memory map.
SQLITE_MMAP_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Timeouts:
    """How long the database may take, in seconds (see the README's Configuration table).

    ``connect``: to open a connection; ``statement``: for one statement to run
    (PostgreSQL's statement_timeout; SQLite's busy timeout); ``pool``: to wait for a free
    pooled connection; ``tcp``: for the network to acknowledge what was sent or to answer
    keepalive probes before a PostgreSQL connection counts as dead.
    """

    connect: float = 5.0
    statement: float = 10.0
    pool: float = 5.0
    tcp: float = 15.0

    @property
    def client(self) -> float:
        """The longest the client waits on one exchange with PostgreSQL: a hard bound that
        holds even when the network drops every packet and the server's timeout never
        arrives."""
        return self.statement + CLIENT_GRACE_SECONDS

    def postgres_connect_args(self) -> dict[str, Any]:
        """libpq parameters: connect timeout, statement timeout, keepalives, TCP timeout."""
        tcp = max(3, round(self.tcp))
        interval = max(1, tcp // 6)
        return {
            "connect_timeout": max(1, round(self.connect)),
            "options": f"-c statement_timeout={round(self.statement * 1000)}",
            "keepalives": 1,
            "keepalives_idle": max(1, tcp - 3 * interval),
            "keepalives_interval": interval,
            "keepalives_count": 3,
            "tcp_user_timeout": tcp * 1000,
        }


def normalise_url(url: str) -> str:
    """Accept the ``postgres://`` form hosting platforms hand out, and pick psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def make_engine(url: str, timeouts: Timeouts | None = None) -> Engine:
    """One engine per process, every wait on the database bounded.

    SQLite gets foreign keys, WAL and a busy timeout. PostgreSQL gets connect, statement and
    TCP timeouts, keepalives, a client-side bound on every exchange, and pings pooled
    connections before use. On both, a failed connection is dropped from the pool, and a
    database that does not answer raises :class:`DatabaseUnavailableError`.
    """
    timeouts = timeouts or Timeouts()
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError as exc:
        raise ClaimBotError(f"DATABASE_URL is not a database URL: {url!r}.") from exc
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            parsed, connect_args={"timeout": timeouts.statement}, pool_timeout=timeouts.pool
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        refused = _sqlite_busy
    elif parsed.get_backend_name() == "postgresql":
        # Loaded only here: a process on SQLite never imports psycopg (a cold start pays less).
        from bot import postgres  # noqa: PLC0415

        engine = postgres.make_engine(parsed, timeouts)
        refused = postgres.unavailable
    else:
        raise ClaimBotError("DATABASE_URL must name a SQLite or PostgreSQL database.")

    def _unavailable(context: ExceptionContext) -> DatabaseUnavailableError | None:
        """A database that cannot be reached or did not answer in time, in one sentence."""
        if context.is_pre_ping:
            return None  # the pool discards the connection and opens a new one
        # The connection is invalidated first (SQLAlchemy does so for disconnects), so the
        # pool recovers by itself once the database answers again.
        if not (context.is_disconnect or refused(context)):
            return None
        error = str(context.original_exception).strip().splitlines()[0]
        log.warning("the database did not answer: %s", error)
        return DatabaseUnavailableError(
            "The claims database is not answering right now; please try again in a minute."
        )

    event.listen(engine, "handle_error", _unavailable)
    return engine


def _sqlite_busy(context: ExceptionContext) -> bool:
    """Whether SQLite gave up waiting for another process's write (its busy timeout)."""
    return "database is locked" in str(context.original_exception)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # Reads map the file rather than copy each page through a read call: a third less CPU
    # for an answer whose claims are spread over the file (bench/answer_path.py).
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any error."""
    with factory() as session, session.begin():
        yield session


def alembic_config(engine: Engine) -> Config:
    """Alembic configured in code, so migrations run wherever the package is installed."""
    from alembic.config import Config  # noqa: PLC0415  (only migrations load Alembic)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (``alembic upgrade head``); safe to repeat."""
    from alembic import command  # noqa: PLC0415  (only migrations load Alembic)

    command.upgrade(alembic_config(engine), "head")


def missing_sqlite_file(engine: Engine) -> str | None:
    """The path of a SQLite database file that does not exist yet (connecting would create
    it); None for any other database."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:") or url.query.get("uri"):
        return None
    return None if Path(url.database).exists() else url.database


def is_migrated(engine: Engine) -> bool:
    """Whether the database has the schema at all (any revision)."""
    return inspect(engine).has_table("alembic_version")


class HealthCheck:
    """Whether the database answers ``SELECT 1`` within a bound, however it fails.

    The check runs in its own thread and is given up after ``seconds``, so a connect into a
    black hole cannot hang the caller; while one check is still stuck, callers share it
    rather than start more threads.
    """

    def __init__(self, engine: Engine, seconds: float = 1.0) -> None:
        self._engine = engine
        self._seconds = seconds
        self._lock = threading.Lock()
        self._running: _Check | None = None

    def __call__(self) -> bool:
        with self._lock:
            check = self._running
            if check is None:
                check = self._running = _Check()
                threading.Thread(
                    target=self._check, args=(check,), name="claimbot-health", daemon=True
                ).start()
        if not check.done.wait(self._seconds):
            log.warning("health check: the database did not answer within %g s", self._seconds)
            return False
        return check.answered

    def _check(self, check: _Check) -> None:
        try:
            with self._engine.connect() as connection:
                if connection.dialect.name == "postgresql":
                    milliseconds = round(self._seconds * 1000)
                    connection.exec_driver_sql(f"SET LOCAL statement_timeout = {milliseconds}")
                connection.execute(text("SELECT 1"))
            check.answered = True
        except Exception:
            log.exception("health check: the database did not answer")
        finally:
            with self._lock:
                self._running = None
            check.done.set()


class _Check:
    """One health check in flight: set when it ends, with whether the database answered."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.answered = False
