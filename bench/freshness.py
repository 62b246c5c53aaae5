"""Freshness benchmark: two server processes on one PostgreSQL; how long after a claim is added
through the first does the second answer with it?

    .venv/bin/python -m bench.freshness [--claims 10] [--database-url URL]

Each round adds one claim on a new topic through the first server's add form (a signed
``view_submission``), then asks the second server every 50 ms until its answer shows the claim.
The baseline is the round trip of one question to the second server, measured in the same run.
Target: under 5 s. Exits 1 when any round misses it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.config import Settings
from bot.core import Core
from tests.slack_server import Bot, start_server
from tests.slack_stub import SlackStub, to_response, view_submission

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/claimbot_bench"


def ask(bot: Bot, question: str, name: str) -> str:
    bot.command(question, response=name)
    (call,) = bot.stub.wait_for(to_response(name))
    return str(call.body)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--claims", type=int, default=10)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="claimbot-fresh-"))
    Core.from_settings(Settings(database_url=args.database_url)).init(seed=True)
    stub = SlackStub()
    servers = [
        start_server(
            args.database_url,
            stub,
            workdir / f"{n}.log",
            WEB_CONCURRENCY="1",
            CLAIMBOT_EDITORS="U0001",
        )
        for n in ("a", "b")
    ]
    first, second = (Bot(url, args.database_url, stub) for _, url in servers)
    delays, round_trips = [], []
    try:
        for round_no in range(args.claims):
            topic = f"Freshness probe {time.time_ns()}"
            started = time.monotonic()
            ask(second, "russian losses", f"rt{round_no}")
            round_trips.append(time.monotonic() - started)
            form = {
                "topic_pick": None,
                "topic_new": topic,
                "claimant": "Bench",
                "claimed_on": "2024-01-01",
                "figures": "probes: 1",
                "verification": "unverified",
            }
            added = time.monotonic()
            first.interaction(view_submission("claim_edit", form, "{}"))
            attempt = 0
            while topic not in ask(second, topic, f"f{round_no}-{attempt}"):
                attempt += 1
                time.sleep(0.05)
            delays.append(time.monotonic() - added)
    finally:
        for process, _ in servers:
            process.terminate()
            process.wait(timeout=15)
        stub.close()
    print(f"{args.claims} claims added through one server, asked for on the other")
    print("| measure | median (ms) | max (ms) |")
    print("| --- | ---: | ---: |")
    print(
        f"| baseline: one question's round trip | {statistics.median(round_trips) * 1000:.0f} "
        f"| {max(round_trips) * 1000:.0f} |"
    )
    print(
        f"| added on one, answered by the other | {statistics.median(delays) * 1000:.0f} "
        f"| {max(delays) * 1000:.0f} |"
    )
    return 0 if max(delays) < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
