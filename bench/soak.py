"""Soak benchmark: concurrent signed ``/claims`` for minutes against ``claimbot serve --http``.

Each of ``--concurrency`` clients acts as a person: it sends a command, waits for Slack's
acknowledgement, waits for the answer at its ``response_url``, and asks again at once. Every
command must be acknowledged within Slack's 3 seconds and answered exactly once, and the server
must not leak: gunicorn workers' memory, their open file descriptors and the database's
connections are sampled through the run and must stay flat after warm-up.

    .venv/bin/python -m bench.soak --synthetic 100000 --concurrency 50 --minutes 10 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/claimbot_bench

Exits 1 if an acknowledgement took 3 s or more, an answer was lost or doubled, or a resource grew.
"""

from __future__ import annotations

import argparse
import operator
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.scale import fill, questions
from bench.slash_load import p99
from tests.slack_server import SECRET, start_server
from tests.slack_stub import Call, SlackStub, command_payload, signed_headers

#: Growth from the first sample after warm-up to the last that still counts as flat.
RSS_GROWTH = 1.15
FD_GROWTH = 16


@dataclass
class Sample:
    at: float
    rss_mb: float
    fds: int
    connections: int


@dataclass
class Soak:
    """Clients that each send a command, wait for its acknowledgement and then for its answer,
    as a person does, and send the next: ``concurrency`` commands always in flight."""

    url: str
    stub: SlackStub
    asked: list[str]
    acks: list[float] = field(default_factory=list)
    #: The baseline, measured under the same load: ``GET /healthz`` (gunicorn and SELECT 1).
    health: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sent: int = 0
    delivered: Counter[str] = field(default_factory=Counter)
    lock: threading.Condition = field(default_factory=threading.Condition)

    def record(self, call: Call) -> None:
        if call.path.startswith("/response/"):
            with self.lock:
                self.delivered[call.path.removeprefix("/response/")] += 1
                self.lock.notify_all()

    def probe(self, until: float) -> None:
        """Time a health check every second, beside the clients."""
        while time.monotonic() < until:
            started = time.monotonic()
            urllib.request.urlopen(f"{self.url}/healthz", timeout=30).close()
            self.health.append(time.monotonic() - started)
            time.sleep(1)

    def client(self, number: int, until: float) -> None:
        sequence = 0
        while time.monotonic() < until:
            name = f"soak-{number}-{sequence}"
            question = self.asked[(number * 7919 + sequence) % len(self.asked)]
            body = urllib.parse.urlencode(command_payload(question, self.stub.response_url(name)))
            request = urllib.request.Request(
                f"{self.url}/slack/events",
                data=body.encode(),
                headers=signed_headers(SECRET, body, "application/x-www-form-urlencoded"),
                method="POST",
            )
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    ok = response.status == 200
            except OSError as exc:
                ok = False
                with self.lock:
                    self.errors.append(f"{name}: {exc}")
            with self.lock:
                self.acks.append(time.monotonic() - started)
                self.sent += 1 if ok else 0
                if ok:  # the person reads the answer before asking again
                    self.lock.wait_for(partial(operator.contains, self.delivered, name), 30)
            sequence += 1


def children(pid: int) -> list[int]:
    """gunicorn's worker processes."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line
            )
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def sample(server_pid: int, database_url: str) -> Sample:
    workers = children(server_pid)
    connections = 0
    if database_url.startswith("postgresql"):
        engine = create_engine(database_url)
        with engine.connect() as connection:
            connections = int(
                connection.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).scalar_one()
            )
        engine.dispose()
    return Sample(
        time.monotonic(),
        sum(rss_mb(p) for p in workers),
        sum(len(list(Path(f"/proc/{p}/fd").iterdir())) for p in workers),
        connections,
    )


def ensure_database(database_url: str) -> None:
    """Create the PostgreSQL benchmark database when it does not exist."""
    url = make_url(database_url)
    if not url.drivername.startswith("postgresql") or not url.database:
        return
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", help="default: a new SQLite file")
    parser.add_argument("--synthetic", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=60, help="seconds before the baseline")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="claimbot-soak-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'claims.db'}"
    ensure_database(database_url)
    fill(database_url, args.synthetic)
    asked = questions(args.synthetic, 500)
    stub = SlackStub()
    server, url = start_server(database_url, stub, workdir / "server.log")
    soak = Soak(url, stub, asked)
    stub.on_call = soak.record
    samples: list[Sample] = []
    started = time.monotonic()
    until = started + args.minutes * 60
    clients = [
        threading.Thread(target=soak.client, args=(n, until)) for n in range(args.concurrency)
    ]
    clients.append(threading.Thread(target=soak.probe, args=(until,)))
    try:
        for thread in clients:
            thread.start()
        while time.monotonic() < until:
            time.sleep(min(30, max(until - time.monotonic(), 0)))
            stub.drain()  # the soak counts deliveries itself; the stand-in keeps nothing
            samples.append(sample(server.pid, database_url))
        for thread in clients:
            thread.join()
        time.sleep(10)  # answers still in flight
    finally:
        server.terminate()
        server.wait(timeout=15)
        stub.close()

    backend = database_url.split(":")[0]
    print(
        f"{args.concurrency} clients for {args.minutes:g} min, {backend}, "
        f"{args.synthetic:,} claims: {soak.sent:,} commands"
    )
    return 0 if report(soak, samples, started + args.warmup) else 1


def report(soak: Soak, samples: list[Sample], steady_from: float) -> bool:
    """Print the results; whether every answer came once, in time, with resources flat."""
    delivered = soak.delivered
    doubled = sum(1 for n in delivered.values() if n > 1)
    lost = soak.sent - len(delivered)
    steady = [s for s in samples if s.at >= steady_from] or samples
    first, last = steady[0], steady[-1]
    print("| measure | value |")
    print("| --- | ---: |")
    print(f"| commands acknowledged | {soak.sent:,} ({len(soak.errors)} failed) |")
    for name, values in [("baseline: GET /healthz", soak.health), ("acknowledgement", soak.acks)]:
        print(
            f"| {name}: median / p99 / max (ms) | {statistics.median(values) * 1000:.0f} / "
            f"{p99(values) * 1000:.0f} / {max(values) * 1000:.0f} |"
        )
    ratio = statistics.median(soak.acks) / statistics.median(soak.health)
    print(f"| acknowledgement median / baseline median | {ratio:.2f} |")
    print(f"| answers delivered / lost / doubled | {len(delivered):,} / {lost} / {doubled} |")
    print(f"| workers' RSS, first → last (MB) | {first.rss_mb:.0f} → {last.rss_mb:.0f} |")
    print(f"| workers' open fds, first → last | {first.fds} → {last.fds} |")
    print(f"| database connections, first → last | {first.connections} → {last.connections} |")
    print("samples after the start (s, workers' RSS MB, fds, database connections):")
    for s in samples:
        print(f"  {s.at - samples[0].at + 30:6.0f} {s.rss_mb:8.1f} {s.fds:5d} {s.connections:4d}")
    for error in soak.errors[:5]:
        print(f"error: {error}")
    flat = (
        last.rss_mb <= first.rss_mb * RSS_GROWTH
        and last.fds <= first.fds + FD_GROWTH
        and last.connections <= max(first.connections, 1) * 2
    )
    return max(soak.acks) < 3 and not soak.errors and lost == 0 and doubled == 0 and flat


if __name__ == "__main__":
    sys.exit(main())
