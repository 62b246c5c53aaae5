"""Import benchmark: N synthetic claims from CSV into a new SQLite database.

    .venv/bin/python -m bench.import_speed [--claims 100000] [--rounds 3]

The baseline, measured in the same run, is reading and validating the same file without
writing it, so the ratio shows what the database writes cost. Target: 100,000 claims in under
a minute. Exits 1 when the median full import misses it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.synthetic import write_csv
from bot import db
from bot.config import Settings
from bot.core import Core
from bot.importing import read_claims
from bot.store import ClaimStore


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="claimbot-import-"))
    path = write_csv(workdir / "claims.csv", args.claims)
    parse_times, import_times = [], []
    for round_no in range(args.rounds):
        started = time.perf_counter()
        records = read_claims(path)
        parsed = time.perf_counter()
        core = Core.from_settings(Settings(database_url=f"sqlite:///{workdir / f'r{round_no}.db'}"))
        core.init(seed=False)
        began = time.perf_counter()
        with db.transaction(core.sessions) as session:
            result = ClaimStore(session).import_records(records, author="bench")
        finished = time.perf_counter()
        core.engine.dispose()
        assert result.created == args.claims
        parse_times.append(parsed - started)
        import_times.append((parsed - started) + (finished - began))
    parse_median = statistics.median(parse_times)
    import_median = statistics.median(import_times)
    print(f"{args.claims:,} claims, {args.rounds} rounds, SQLite")
    print("| measure | median (s) | claims/s |")
    print("| --- | ---: | ---: |")
    for name, seconds in [
        ("baseline: read and validate the CSV", parse_median),
        ("full import (read, validate, write)", import_median),
    ]:
        print(f"| {name} | {seconds:.1f} | {args.claims / seconds:,.0f} |")
    print(f"full import / baseline: {import_median / parse_median:.1f}")
    return 0 if import_median < 60 else 1


if __name__ == "__main__":
    sys.exit(main())
