"""The ``slack`` fixture: the real Bolt app behind the request gate, in process, on SQLite and
PostgreSQL, seeded, with U0001 and the S0EDITORS group as editors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.core import Core
from handlers.server import wsgi_app
from tests.conftest import BACKENDS, empty_database
from tests.handlers.harness import Slack, slack_settings
from tests.slack_stub import SlackStub


@pytest.fixture(scope="module")
def stub() -> Iterator[SlackStub]:
    server = SlackStub()
    yield server
    server.close()


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, stub: SlackStub
) -> Iterator[Slack]:
    """One bot per test module and backend, as a running server would be."""
    database_url = empty_database(request.param, tmp_path_factory.mktemp("bot"))
    core = Core.from_settings(slack_settings(database_url, stub))
    core.init(seed=True)
    yield Slack(wsgi_app(core), core, database_url, stub)
    core.engine.dispose()


@pytest.fixture
def slack(served: Slack) -> Slack:
    served.stub.reset()
    return served
