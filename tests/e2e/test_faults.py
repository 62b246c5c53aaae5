"""A PostgreSQL that stops answering (packets dropped, not refused), behind a black-hole proxy:
the core and the real bot fail fast, stay responsive, and recover on their own."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.core import Core
from bot.errors import DatabaseUnavailableError
from tests.conftest import empty_database
from tests.slack_server import Bot, start_server
from tests.slack_stub import Call, SlackStub, to_response
from tests.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(90)]

#: Short timeouts so that the tests run in seconds; the client gives up on an exchange
#: after the statement timeout and a grace of 2 s.
TIMEOUTS = {
    "DATABASE_CONNECT_TIMEOUT": "1",
    "DATABASE_STATEMENT_TIMEOUT": "1",
    "DATABASE_POOL_TIMEOUT": "1",
    "DATABASE_TCP_TIMEOUT": "3",
}
#: The longest a failed question may take: a stuck ping (1 + 2 s), then a connect (1 s).
FAIL_WITHIN = 6.0


@pytest.fixture
def seeded_url(tmp_path: Path) -> str:
    """The PostgreSQL test database, wiped and seeded (directly, not through the proxy)."""
    url = empty_database("postgresql", tmp_path)
    core = Core.from_settings(Settings(database_url=url))
    core.init(seed=True)
    core.engine.dispose()
    return url


@pytest.fixture
def proxy(seeded_url: str) -> Iterator[TcpProxy]:
    parsed = make_url(seeded_url)
    with TcpProxy(parsed.host or "127.0.0.1", parsed.port or 5432) as running:
        yield running


def through(proxy: TcpProxy, url: str) -> str:
    return make_url(url).set(host="127.0.0.1", port=proxy.port).render_as_string(False)


def timed_ask(core: Core) -> float:
    started = time.monotonic()
    answer = core.answers.ask("russian losses")
    assert answer.matches
    return time.monotonic() - started


def test_a_black_holed_database_fails_fast_and_recovers(seeded_url: str, proxy: TcpProxy) -> None:
    settings = Settings(
        database_url=through(proxy, seeded_url),
        **{k.lower(): v for k, v in TIMEOUTS.items()},  # type: ignore[arg-type]
    )
    core = Core.from_settings(settings)
    try:
        timed_ask(core)
        assert core.database_answers()

        proxy.drop()
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailableError, match="not answering"):
            core.answers.ask("russian losses")
        assert time.monotonic() - started < FAIL_WITHIN

        started = time.monotonic()
        assert not core.database_answers()
        assert time.monotonic() - started < 1.5

        proxy.forward()
        deadline = time.monotonic() + 5
        while not core.database_answers():  # the stuck check ends, a new one answers
            assert time.monotonic() < deadline, "the database did not come back within 5 s"
            time.sleep(0.1)
        assert timed_ask(core) < 1.0
    finally:
        core.engine.dispose()


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    server = SlackStub()
    yield server
    server.close()


def health(url: str) -> tuple[str, float]:
    started = time.monotonic()
    with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:
        status = json.loads(response.read())["status"]
    return status, time.monotonic() - started


def text_of(call: Call) -> str:
    return json.dumps(call.body)


BURST = 12


def test_the_bot_stays_up_while_the_database_is_black_holed(
    seeded_url: str, proxy: TcpProxy, stub: SlackStub, tmp_path: Path
) -> None:
    """/claims is acknowledged and answered (with "not answering") during the outage,
    /healthz says degraded within a second or two, and answers resume within 5 s of the
    network's return, without a restart."""
    process, url = start_server(
        through(proxy, seeded_url), stub, tmp_path / "server.log", WEB_CONCURRENCY="1", **TIMEOUTS
    )
    bot = Bot(url, seeded_url, stub)
    try:
        assert bot.command("russian losses", "before")[0] == 200
        assert "498 troops" in text_of(stub.wait_for(to_response("before"))[0])
        assert health(url)[0] == "ok"

        proxy.drop()
        # More commands than Bolt's default five listener threads, each held by the outage.
        for n in range(BURST):
            started = time.monotonic()
            assert bot.command("russian losses", f"during{n}")[0] == 200
            assert time.monotonic() - started < 3, "not acknowledged within Slack's 3 s"
        status, took = health(url)
        assert status == "degraded"
        assert took < 2
        for n in range(BURST):
            (call,) = stub.wait_for(to_response(f"during{n}"), timeout=2 * FAIL_WITHIN + 2)
            assert "not answering right now" in text_of(call)

        proxy.forward()
        restored = time.monotonic()
        assert bot.command("russian losses", "after")[0] == 200
        (call,) = stub.wait_for(to_response("after"), timeout=5)
        assert "498 troops" in text_of(call)
        assert time.monotonic() - restored < 5
        while health(url)[0] != "ok":
            assert time.monotonic() - restored < 5, "/healthz still degraded 5 s after restore"
            time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=15)
