"""Import benchmark: N synthetic claims from a file into a new database, time and peak memory,
against a bare write of the same rows in the same run.

    .venv/bin/python -m bench.import_speed [--claims 100000,300000] [--format csv] [--rounds 1]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/claimbot_bench] [--reimport]

Each measurement runs in a process of its own, which reports its time and its peak resident
memory (``resource.getrusage``), so each size's memory is its own:
- the import, as ``claimbot import`` does it: the file streamed through the reader into one
  transaction, validated, with a revision per claim;
- reading and validating alone (no database);
- the baseline: the same rows (topics, aliases, claims, figures, revisions) written bare in
  one transaction, from tuples prepared beforehand: the DBAPI's ``executemany`` on SQLite,
  psycopg's COPY on PostgreSQL;
- with ``--reimport``, the same file imported again into the database the import filled
  (every record known and unchanged: the path of known keys), timed alone.
Each reports wall and processor seconds (the machine's load average is printed: on a shared
machine wall time is inflated, and by different amounts from one process to the next).
Without ``--database-url`` each round uses a new SQLite file; with one, that database's
schema is wiped and migrated each round. Targets: 100,000 claims in 20 s and a million in 4
minutes; peak memory for 300,000 claims at most 1.3 times that for 100,000.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench.synthetic import write_csv
from bot.config import Settings
from bot.core import Core
from bot.importing import read_claims
from bot.records import dump_document


def write_file(folder: Path, claims: int, fmt: str) -> Path:
    """The synthetic claims as a CSV file, or as a ClaimBot JSON document."""
    path = write_csv(folder / f"claims-{claims}.csv", claims)
    if fmt == "csv":
        return path
    document = folder / f"claims-{claims}.json"
    document.write_text(dump_document(list(read_claims(path))), encoding="utf-8")
    path.unlink()
    return document


def fresh(url: str) -> Core:
    """A migrated, empty database."""
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    core = Core.from_settings(Settings(database_url=url))
    core.init(seed=False)
    return core


def bare_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The rows an import of the synthetic CSV writes, as tuples for ``executemany``."""
    now = datetime.now(UTC)
    topics: dict[str, int] = {}
    rows: dict[str, list[tuple[Any, ...]]] = {
        "topics": [],
        "topic_aliases": [],
        "claims": [],
        "figures": [],
        "revisions": [],
    }
    with path.open(newline="", encoding="utf-8") as handle:
        for claim_id, row in enumerate(csv.DictReader(handle), start=1):
            if row["topic"] not in topics:
                topic_id = topics[row["topic"]] = len(topics) + 1
                rows["topics"].append((topic_id, row["topic"], now, now))
                for alias in row["topic_aliases"].split(";"):
                    rows["topic_aliases"].append((topic_id, alias))
            rows["claims"].append(
                (
                    claim_id,
                    topics[row["topic"]],
                    row["claimant"],
                    row["outlet"],
                    row["source_url"],
                    row["claimed_on"],
                    row["verification"],
                    row["caveat"],
                    row["external_id"],
                    now,
                    now,
                )
            )
            rows["figures"].append((claim_id, 0, row["metric"], float(row["value"]), row["unit"]))
            rows["revisions"].append((claim_id, "bench", "created", now, json.dumps(row)))
    return rows


#: The columns of each table the baseline writes, in its tuples' order.
BARE_COLUMNS = {
    "topics": ("id", "title", "created_at", "updated_at"),
    "topic_aliases": ("topic_id", "alias"),
    "claims": (
        "id",
        "topic_id",
        "claimant",
        "outlet",
        "source_url",
        "claimed_on",
        "verification",
        "caveat",
        "external_id",
        "created_at",
        "updated_at",
    ),
    "figures": ("claim_id", "position", "metric", "value", "unit"),
    "revisions": ("claim_id", "author", "action", "revised_at", "changes"),
}


def bare_write(raw: Any, rows: dict[str, list[tuple[Any, ...]]], postgresql: bool) -> None:
    """The baseline: each table's rows in one ``executemany`` (SQLite) or one COPY
    (PostgreSQL), in one transaction."""
    cursor = raw.cursor()
    for table, values in rows.items():
        columns = ", ".join(BARE_COLUMNS[table])
        if postgresql:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(BARE_COLUMNS[table]))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
    raw.commit()


def worker(kind: str, path: Path, url: str) -> dict[str, float]:
    """One measurement, in this process: seconds and peak resident memory (MB)."""
    core = fresh(url) if kind != "read" else None
    rows = bare_rows(path) if kind == "bare" else {}
    if kind == "reimport" and core:  # filled first, untimed
        core.editing.import_records(read_claims(path), "bench")
    started, cpu = time.perf_counter(), _cpu()
    if kind == "read":
        for _record in read_claims(path):
            pass
    elif kind == "import" and core:
        result = core.editing.import_records(read_claims(path), "bench")
        assert result is not None and result.created > 0
    elif kind == "reimport" and core:
        result = core.editing.import_records(read_claims(path), "bench")
        assert result is not None and result.unchanged > 0 and not result.created
    elif core:
        raw = core.engine.raw_connection()
        bare_write(raw.driver_connection, rows, url.startswith("postgresql"))
        raw.close()
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    if core:
        core.engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak}


def _cpu() -> float:
    """This process's processor time so far (user and system), in seconds."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(kind: str, path: Path, url: str) -> dict[str, float]:
    """One measurement in a new process."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.import_speed", "--worker", kind, str(path), url],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"The {kind} run failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


def limit(claims: int) -> float:
    """The target in seconds: 20 s for 100,000 claims, 4 minutes a million (pro rata)."""
    return 20.0 if claims <= 100_000 else 240.0 * claims / 1_000_000


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--claims", default="100000,300000")
    parser.add_argument("--format", dest="fmt", choices=["csv", "json"], default="csv")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reimport", action="store_true", help="also time a second import")
    parser.add_argument("--worker", nargs=3, metavar=("KIND", "PATH", "URL"))
    args = parser.parse_args()
    if args.worker:
        kind, path, url = args.worker
        print(json.dumps(worker(kind, Path(path), url)))
        return 0
    folder = Path(tempfile.mkdtemp(prefix="claimbot-import-"))
    database = "PostgreSQL" if args.database_url else "SQLite"
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"{database}, {args.fmt.upper()} files, median of {args.rounds} round(s), load {load}")
    print("| claims | measure | seconds | CPU seconds | claims/s | peak RSS (MB) |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    ok = True
    peaks: dict[int, float] = {}
    for claims in [int(n) for n in args.claims.split(",")]:
        path = write_file(folder, claims, args.fmt)
        bare_source = write_csv(folder / f"bare-{claims}.csv", claims)
        results: dict[str, list[dict[str, float]]] = {"read": [], "bare": [], "import": []}
        if args.reimport:
            results["reimport"] = []
        for round_no in range(args.rounds):
            url = args.database_url or f"sqlite:///{folder / f'r{claims}-{round_no}.db'}"
            results["read"].append(measure("read", path, url))
            results["bare"].append(measure("bare", bare_source, url))
            if not args.database_url:
                url = f"sqlite:///{folder / f'i{claims}-{round_no}.db'}"
            results["import"].append(measure("import", path, url))
            if args.reimport:
                results["reimport"].append(measure("reimport", path, url))
        for kind, label in [
            ("read", "read and validate only"),
            (
                "bare",
                f"baseline: bare {'COPY' if args.database_url else 'executemany'} of the same rows",
            ),
            ("import", "import (read, validate, write), one transaction"),
            ("reimport", "the same file again: every record known, unchanged"),
        ]:
            if kind not in results:
                continue
            seconds = statistics.median(r["seconds"] for r in results[kind])
            cpu = statistics.median(r["cpu"] for r in results[kind])
            peak = statistics.median(r["peak_mb"] for r in results[kind])
            rate = claims / seconds
            print(
                f"| {claims:,} | {label} | {seconds:.1f} | {cpu:.1f} | {rate:,.0f} | {peak:.0f} |"
            )
        imported = statistics.median(r["seconds"] for r in results["import"])
        bare = statistics.median(r["seconds"] for r in results["bare"])
        peaks[claims] = statistics.median(r["peak_mb"] for r in results["import"])
        print(f"| {claims:,} | import / baseline | {imported / bare:.1f} | | | |")
        ok = ok and imported <= limit(claims)
    sizes = sorted(peaks)
    for small, large in itertools.pairwise(sizes):
        ratio = peaks[large] / peaks[small]
        print(f"peak RSS, {large:,} / {small:,} claims: {ratio:.2f}")
        ok = ok and ratio <= 1.3
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
