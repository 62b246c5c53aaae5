"""Replica memory benchmark: one replica's memory with the match index built once in the
gunicorn master and shared by its workers (``claimbot serve --http``), against each worker
building its own after the fork (the way before), in the same run on the same database.

    .venv/bin/python -m bench.replica_memory --database-url sqlite:///PATH --claims 1000000 \\
        [--workers 4] [--questions 200]

The database holds ``--claims`` synthetic claims (bench/synthetic.py; BENCHMARKS.md says how
it was built); the questions are bench/scale.py's for that size. Each way starts the real
server with ``WEB_CONCURRENCY=--workers``, waits until every worker has its index, has every
question answered, and reads each process's ``/proc/PID/smaps_rollup``. RSS counts every page
a process maps, so a page shared by five processes is counted five times in their sum; PSS
divides each shared page among the processes that share it (the replica's PSS sum is the memory
it takes); USS is what a process alone holds. Then one claim is added and questions about its
topic are asked until every worker has updated its index in place (the change log), and memory
is read again: what the copy-on-write of an update costs.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import uuid4

from bench.scale import questions
from bench.synthetic import topics
from bot.config import load_settings
from bot.core import Core
from handlers.server import Gunicorn, gunicorn_options, wsgi_app
from tests.slack_server import SERVE, Bot, launch
from tests.slack_stub import SlackStub, to_response

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

BUILT = re.compile(r"Built the match index of \d+ topics in ([\d.]+) s \(process (\d+)\)")
UPDATED = re.compile(r"Updated the match index in place .* in (\d+) ms \(process (\d+)\)")
BOOTED = re.compile(r"Booting worker with pid: (\d+)")
#: The fields of smaps_rollup reported, and how the report names them.
FIELDS = {"Rss": "RSS", "Pss": "PSS", "Pss_Anon": "PSS anonymous"}
PER_WORKER = ("-m", "bench.replica_memory", "--serve-per-worker")


def serve_per_worker(port: int) -> None:
    """The way before: gunicorn forks its workers first and each builds its own index."""
    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )

    def load() -> WSGIApplication:
        core = Core.from_settings(settings)
        core.listen_for_changes()
        return wsgi_app(core)

    Gunicorn(load, gunicorn_options(settings, "127.0.0.1", port)).run()


def memory(pid: int) -> dict[str, float]:
    """A process's memory now, in MB, from ``/proc/PID/smaps_rollup``."""
    values: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":")
        values[key] = int(value.split()[0]) / 1024
    shown = {name: values[key] for key, name in FIELDS.items()}
    shown["USS"] = values["Private_Clean"] + values["Private_Dirty"]
    return shown


def workers_of(master: int) -> list[int]:
    return sorted(
        int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()
    )


def found(pattern: re.Pattern[str], log: Path) -> list[tuple[str, ...]]:
    return [m if isinstance(m, tuple) else (m,) for m in pattern.findall(log.read_text())]


def wait(condition: Callable[[], bool], what: str, seconds: float = 1800) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.5)


def table(way: str, moment: str, master: int, workers: list[int]) -> list[str]:
    """Markdown rows: each process, and the replica's sums."""
    rows = []
    total = dict.fromkeys([*FIELDS.values(), "USS"], 0.0)
    for role, pid in [("master", master), *(("worker", w) for w in workers)]:
        measured = memory(pid)
        for key, value in measured.items():
            total[key] += value
        cells = " | ".join(f"{value:,.0f}" for value in measured.values())
        rows.append(f"| {way} | {moment} | {role} {pid} | {cells} |")
    cells = " | ".join(f"**{value:,.0f}**" for value in total.values())
    rows.append(f"| {way} | {moment} | **replica ({len(workers)} workers)** | {cells} |")
    return rows


def run(
    way: str, database_url: str, asked: list[str], topic: str, workers: int
) -> tuple[list[str], str]:
    """Start the server one way, measure, add a claim, measure again: the Markdown rows, and a
    line saying where the index was built and how long each update took."""
    workdir = Path(tempfile.mkdtemp(prefix="claimbot-replica-"))
    log = workdir / "server.log"
    stub = SlackStub()
    per_worker = way == "per worker"
    process, url = launch(
        PER_WORKER if per_worker else SERVE,
        database_url,
        stub,
        log,
        1800,
        {"WEB_CONCURRENCY": str(workers), "LOG_LEVEL": "DEBUG"},
    )
    try:
        builds = workers if per_worker else 1
        wait(lambda: len(found(BOOTED, log)) >= workers, "every worker to boot")
        wait(lambda: len(found(BUILT, log)) >= builds, "every index to be built")
        bot = Bot(url, database_url, stub)
        for i, question in enumerate(asked):
            bot.command(question, response=f"q{i}")
        stub.wait_for(lambda c: c.path.startswith("/response/q"), count=len(asked), timeout=600)
        master = process.pid
        pids = workers_of(master)
        rows = table(way, "after the questions", master, pids)
        bot.add_claims(
            {
                "topic": topic,
                "claimant": f"Replica bench {uuid4().hex[:8]}",
                "claimed_on": "2024-01-01",
                "figures": [{"metric": "killed", "value": 1, "unit": "people"}],
                "external_id": f"replica-memory-{uuid4().hex}",
            }
        )
        for attempt in range(400):
            bot.command(topic, response=f"e{attempt}")
            stub.wait_for(to_response(f"e{attempt}"), timeout=60)
            if {int(pid) for _, pid in found(UPDATED, log)} >= set(pids):
                break
        else:
            raise SystemExit(f"not every worker updated its index; see {log}")
        rows += table(way, "after one claim added", master, pids)
        built = [f"{float(s):.1f} s in {pid}" for s, pid in found(BUILT, log)]
        updated = sorted(int(ms) for ms, _ in found(UPDATED, log))
        return rows, f"{way}: index built {', '.join(built)}; updates in place (ms): {updated}"
    finally:
        process.terminate()
        process.wait(timeout=60)
        stub.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", help="a database of --claims synthetic claims")
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--serve-per-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_per_worker:
        serve_per_worker(args.port)
        return 0
    if not args.database_url:
        parser.error("--database-url is required")
    asked = questions(args.claims, args.questions)
    topic = next(iter(topics(1)))[0]
    print(f"{args.claims:,} claims, {args.workers} workers, {args.questions} questions")
    print("| index | when | process | RSS (MB) | PSS (MB) | PSS anonymous (MB) | USS (MB) |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: |")
    notes = []
    for way in ("per worker", "shared"):
        rows, note = run(way, args.database_url, asked, topic, args.workers)
        print("\n".join(rows), flush=True)
        notes.append(note)
    print("\n".join(notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
