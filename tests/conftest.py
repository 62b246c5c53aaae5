"""Shared fixtures: real databases (SQLite always, PostgreSQL when a server answers)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.config import Settings
from bot.core import Core

BASE_POSTGRES_URL = os.environ.get(
    "CLAIMBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("CLAIMBOT_REQUIRE_POSTGRES") == "1"
#: pytest-xdist's worker (gw0, gw1, ...): each worker wipes a database of its own.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
POSTGRES_URL = (
    make_url(BASE_POSTGRES_URL)
    .set(database=f"{make_url(BASE_POSTGRES_URL).database}_{WORKER}")
    .render_as_string(hide_password=False)
    if WORKER
    else BASE_POSTGRES_URL
)


def _postgres_problem() -> str | None:
    """Why the PostgreSQL tests cannot run here, or None; creates the worker's database."""
    try:
        if WORKER:
            admin = create_engine(
                BASE_POSTGRES_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
            )
            name = make_url(POSTGRES_URL).database
            with admin.connect() as connection:
                exists = connection.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
                ).first()
                if not exists:
                    connection.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except OperationalError as exc:
        return f"no PostgreSQL at {POSTGRES_URL}: {str(exc.orig).splitlines()[0]}"
    return None


_POSTGRES_PROBLEM = _postgres_problem()


def reset_postgres() -> None:
    """An empty public schema in the test database."""
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def empty_database(kind: str, folder: Path) -> str:
    """The URL of an empty database: a new SQLite file, or the PostgreSQL test database wiped.

    PostgreSQL tests skip with the reason when no server answers, or fail when
    ``CLAIMBOT_REQUIRE_POSTGRES=1`` (as in CI).
    """
    if kind == "sqlite":
        return f"sqlite:///{folder / 'claims.db'}"
    if _POSTGRES_PROBLEM:
        if REQUIRE_POSTGRES:
            pytest.fail(f"CLAIMBOT_REQUIRE_POSTGRES is set but {_POSTGRES_PROBLEM}")
        pytest.skip(_POSTGRES_PROBLEM)
    reset_postgres()
    return POSTGRES_URL


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend."""
    return empty_database(request.param, tmp_path)


@pytest.fixture
def empty_core(database_url: str) -> Iterator[Core]:
    """The core on a migrated database with no claims."""
    core = Core.from_settings(Settings(database_url=database_url))
    core.init(seed=False)
    yield core
    core.engine.dispose()


@pytest.fixture
def core(empty_core: Core) -> Core:
    """The core on a migrated database holding the seed claims."""
    empty_core.init(seed=True)
    return empty_core


@pytest.fixture(autouse=True, scope="session")
def _derived_data_apart(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Derived data (bot/derived.py) kept in the run's own directory, not the user's cache; the
    processes tests start inherit it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        yield
