"""Load benchmark: many concurrent signed ``/claims`` requests against ``claimbot serve --http``.

Every slash command must be acknowledged within Slack's 3 seconds. The baseline, measured in
the same run at the same concurrency, is ``GET /healthz`` (gunicorn plus one database query), so
the ratio shows what Bolt's verification and acknowledgement add on this machine.

    .venv/bin/python -m bench.slash_load [--concurrency 200] [--rounds 5] [--database-url URL]

Exits 1 if any command was acknowledged later than 3 seconds or not answered.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bench.scale import fill, questions
from bot.config import Settings
from bot.core import Core
from tests.slack_server import SECRET, SERVE, launch
from tests.slack_stub import SlackStub, command_payload, signed_headers

SEED_QUESTIONS = [
    "russian losses",
    "how many russian soldiers have died",
    "conscript share",
    "ukrainian refugees",
    "refugees in hungary",
    "russain losess",
    "did russia deploy conscripts",
    "bitcoin price",
]


def burst(count: int, request: Callable[[int], None]) -> list[float]:
    """Start ``count`` requests at the same instant; each one's latency in seconds."""
    barrier = threading.Barrier(count)
    latencies = [0.0] * count

    def one(i: int) -> None:
        barrier.wait()
        started = time.monotonic()
        request(i)
        latencies[i] = time.monotonic() - started

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98]


class Load:
    """Bursts of health checks and slash commands against one running server."""

    def __init__(self, url: str, stub: SlackStub, questions: list[str]) -> None:
        self.url = url
        self.stub = stub
        self.questions = questions
        self.sent: dict[str, float] = {}

    def health(self, _: int) -> None:
        urllib.request.urlopen(f"{self.url}/healthz", timeout=30).close()

    def command(self, name: str, question: str) -> None:
        body = urllib.parse.urlencode(command_payload(question, self.stub.response_url(name)))
        request = urllib.request.Request(
            f"{self.url}/slack/events",
            data=body.encode(),
            headers=signed_headers(SECRET, body, "application/x-www-form-urlencoded"),
            method="POST",
        )
        self.sent[name] = time.monotonic()
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200

    def round(self, number: int, concurrency: int) -> tuple[list[float], list[float], list[float]]:
        """Latencies of one round: health checks, acknowledgements, answer deliveries."""
        health = burst(concurrency, self.health)
        self.stub.reset()
        prefix = f"r{number}-"
        acks = burst(
            concurrency,
            lambda i: self.command(f"{prefix}{i}", self.questions[i % len(self.questions)]),
        )
        calls = self.stub.wait_for(
            lambda c: c.path.startswith(f"/response/{prefix}"), count=concurrency, timeout=120
        )
        deliveries = [c.at - self.sent[c.path.removeprefix("/response/")] for c in calls]
        return health, acks, deliveries


def row(name: str, rounds: list[list[float]]) -> str:
    medians = [statistics.median(r) for r in rounds]
    every = [v for r in rounds for v in r]
    return (
        f"| {name} | {statistics.median(medians) * 1000:.0f} | {p99(every) * 1000:.0f} "
        f"| {max(every) * 1000:.0f} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", help="default: a new SQLite file")
    parser.add_argument(
        "--synthetic",
        type=int,
        help="fill an empty database with this many synthetic claims (bench/synthetic.py) "
        "and ask questions about them; default: the seed claims and questions about them",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="claimbot-bench-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'claims.db'}"
    if args.synthetic:
        fill(database_url, args.synthetic)
        asked = questions(args.synthetic, 200)
    else:
        asked = SEED_QUESTIONS
        Core.from_settings(Settings(database_url=database_url)).init(seed=True)
    stub = SlackStub()
    # At scale the server builds its index before it answers: minutes on a busy machine.
    server, url = launch(SERVE, database_url, stub, workdir / "server.log", 600, {})
    try:
        load = Load(url, stub, asked)
        for i in range(10):  # warm up every worker and thread
            load.command(f"warm-{i}", asked[i % len(asked)])
        rounds = [load.round(n, args.concurrency) for n in range(args.rounds)]
    finally:
        server.terminate()
        server.wait(timeout=15)
        stub.close()

    health, acks, deliveries = ([r[k] for r in rounds] for k in range(3))
    ratio = statistics.median(
        statistics.median(a) / statistics.median(h) for a, h in zip(acks, health, strict=True)
    )
    backend = database_url.split(":")[0]
    print(f"{args.concurrency} concurrent requests, {args.rounds} rounds, {backend}")
    print("| measure | median of round medians (ms) | p99 (ms) | max (ms) |")
    print("| --- | ---: | ---: | ---: |")
    print(row("baseline: GET /healthz", health))
    print(row("/claims acknowledged", acks))
    print(row("/claims answer delivered to response_url", deliveries))
    print(f"ack median / baseline median (median over rounds): {ratio:.2f}")
    slowest = max(v for r in acks for v in r)
    print(f"slowest acknowledgement: {slowest:.3f} s (limit 3 s)")
    return 0 if slowest < 3 else 1


if __name__ == "__main__":
    sys.exit(main())
