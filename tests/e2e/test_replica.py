"""One replica (`claimbot serve --http`, two gunicorn workers): the master builds the match index
once, before the fork, and no worker builds its own; a claim added after the start is answered
by both workers, each updating its inherited index in place from the change log, and on
PostgreSQL each worker (never the master) listens for changes on a connection of its own."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from bot.config import Settings
from bot.core import Core
from bot.listening import APPLICATION_NAME
from tests.slack_server import Bot, ServerFailedError, start_server
from tests.slack_stub import SlackStub, to_response

WORKERS = 2
BUILT = re.compile(r"Built the match index of \d+ topics in [\d.]+ s \(process (\d+)\)")
UPDATED = re.compile(r"Updated the match index in place for 1 changed topics .*\(process (\d+)\)")
BOOTED = re.compile(r"Booting worker with pid: (\d+)")


@pytest.fixture
def replica(database_url: str, tmp_path: Path) -> Iterator[tuple[Bot, int, Path]]:
    """The running server, its master's process id and its log (at DEBUG, where index builds
    and updates are logged with their process)."""
    Core.from_settings(Settings(database_url=database_url)).init(seed=True)
    stub = SlackStub()
    log = tmp_path / "server.log"
    try:
        process, url = start_server(
            database_url, stub, log, WEB_CONCURRENCY=str(WORKERS), LOG_LEVEL="DEBUG"
        )
    except ServerFailedError as exc:
        stub.close()
        pytest.fail(str(exc))
    try:
        yield Bot(url, database_url, stub), process.pid, log
    finally:
        process.terminate()
        process.wait(timeout=15)
        stub.close()


def pids(pattern: re.Pattern[str], log: Path) -> list[int]:
    return [int(found) for found in pattern.findall(log.read_text())]


def listeners(database_url: str) -> int:
    """How many change listeners are connected to this PostgreSQL database."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = :database AND application_name = :name"
                    ),
                    {"database": make_url(database_url).database, "name": APPLICATION_NAME},
                ).scalar_one()
            )
    finally:
        engine.dispose()


def wait_for(condition: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting")
        time.sleep(0.1)


def test_workers_share_the_masters_index_and_each_answers_a_later_edit(
    replica: tuple[Bot, int, Path],
) -> None:
    bot, master, log = replica
    wait_for(lambda: len(pids(BOOTED, log)) == WORKERS)
    workers = set(pids(BOOTED, log))
    assert master not in workers
    postgres = bot.database_url.startswith("postgresql")
    if postgres:
        wait_for(lambda: listeners(bot.database_url) == WORKERS)

    bot.add_claims(
        {
            "topic": "Ukrainian military casualties",
            "topic_aliases": ["ukrainian troop deaths"],
            "claimant": "US officials",
            "claimed_on": "2022-03-09",
            "figures": [{"metric": "killed", "value": 2000, "unit": "troops"}],
            "external_id": "replica-test-1",
        }
    )
    time.sleep(1)  # every process answers an edit within a second
    for attempt in range(100):
        assert bot.command("ukrainian troop deaths", response=f"a{attempt}")[0] == 200
        (answer,) = bot.stub.wait_for(to_response(f"a{attempt}"))
        assert "US officials" in json.dumps(answer.body)
        if set(pids(UPDATED, log)) == workers:
            break
    else:
        pytest.fail(f"not every worker updated its index: {pids(UPDATED, log)} of {workers}")

    # One build, in the master, before the fork; the workers only ever updated in place.
    assert pids(BUILT, log) == [master]
    if postgres:
        assert listeners(bot.database_url) == WORKERS
