"""Two server processes on one PostgreSQL: a claim added through one is answered by the other
within 5 seconds, without a restart."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core import Core
from tests.conftest import empty_database
from tests.slack_server import Bot, ServerFailedError, start_server
from tests.slack_stub import SlackStub, to_response, view_submission

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_bots(tmp_path: Path) -> Iterator[tuple[Bot, Bot]]:
    database_url = empty_database("postgresql", tmp_path)
    Core.from_settings(Settings(database_url=database_url)).init(seed=True)
    stub = SlackStub()
    processes = []
    try:
        bots = []
        for name in ("a", "b"):
            process, url = start_server(
                database_url,
                stub,
                tmp_path / f"{name}.log",
                WEB_CONCURRENCY="1",
                CLAIMBOT_EDITORS="U0001",
            )
            processes.append(process)
            bots.append(Bot(url, database_url, stub))
        yield bots[0], bots[1]
    except ServerFailedError as exc:
        pytest.fail(str(exc))
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=15)
        stub.close()


def test_claim_added_through_one_process_is_answered_by_the_other(
    two_bots: tuple[Bot, Bot],
) -> None:
    first, second = two_bots
    second.command("ukrainian troop deaths", response="before")
    (before,) = second.stub.wait_for(to_response("before"))
    assert "No claims found" in json.dumps(before.body)
    form = {
        "topic_pick": None,
        "topic_new": "Ukrainian military casualties",
        "topic_aliases": "ukrainian troop deaths",
        "claimant": "US officials",
        "claimed_on": "2022-03-09",
        "figures": "killed: 2,000-4,000 troops",
        "verification": "unverified",
    }
    added = time.monotonic()
    status, body = first.interaction(view_submission("claim_edit", form, "{}"))
    assert (status, body) == (200, "")
    for attempt in range(50):
        second.command("ukrainian troop deaths", response=f"after{attempt}")
        (answer,) = second.stub.wait_for(to_response(f"after{attempt}"))
        if "US officials" in json.dumps(answer.body):
            break
        time.sleep(0.1)
    else:
        pytest.fail("the second process never answered with the new claim")
    assert time.monotonic() - added < 5
