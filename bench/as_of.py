"""Benchmark: an answer "as of" a day, or within a period, against a plain answer, in one run.

Two data sets: 100,000 synthetic claims (bench/synthetic.py, questions from bench/scale.py) and
the General Staff's 1,626-day personnel series with the seed claims (the real data set in
../shared/data). Each question is asked plain, "as of 1 June 2023" and "in 2023", in rounds
that interleave the three, so the machine's noise falls on all alike. Target: a dated answer
costs at most twice a plain one (median).

    .venv/bin/python -m bench.as_of [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from bench.scale import database, questions
from bot import db
from bot.config import Settings
from bot.core import Core
from bot.importing import read_claims
from bot.store import ClaimStore
from tests.quality import SHARED_DATA

TODAY = date(2026, 12, 1)
SUFFIXES = {"plain": "", "as of a day": " as of 1 June 2023", "in a year": " in 2023"}


def series_database() -> str:
    """The seed claims and the General Staff's personnel series, in a new SQLite file."""
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'series.db'}"
    core = Core.from_settings(Settings(database_url=url))
    core.init(seed=True)
    path = SHARED_DATA / "ukraine-russia-war-losses" / "russia_losses_personnel.json"
    with db.transaction(core.sessions) as session:
        ClaimStore(session).import_records(list(read_claims(path, "ukraine-losses")), "bench")
    core.engine.dispose()
    return url


def measure(url: str, asked: Sequence[str], rounds: int) -> dict[str, float]:
    """Median milliseconds per answer for each kind of question."""
    core = Core.from_settings(Settings(database_url=url))
    for question in asked:  # warm the index and the statement caches
        for suffix in SUFFIXES.values():
            core.answers.ask(question + suffix, today=TODAY)
    times: dict[str, list[float]] = {kind: [] for kind in SUFFIXES}
    for _ in range(rounds):
        for question in asked:
            for kind, suffix in SUFFIXES.items():
                started = time.perf_counter()
                core.answers.ask(question + suffix, today=TODAY)
                times[kind].append((time.perf_counter() - started) * 1000)
    core.engine.dispose()
    return {kind: statistics.median(values) for kind, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    cases = [("100,000 synthetic claims", database(100_000), questions(100_000, 100))]
    if SHARED_DATA.exists():
        series = ["russian losses", "how many russian soldiers have died", "russian casualties"]
        cases.append(("the 1,626-day series", series_database(), series))
    worst = 0.0
    print("| data | plain (ms) | as of a day (ms) | ratio | in a year (ms) | ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, url, asked in cases:
        medians = measure(url, asked, args.rounds)
        day = medians["as of a day"] / medians["plain"]
        year = medians["in a year"] / medians["plain"]
        worst = max(worst, day, year)
        print(
            f"| {name} | {medians['plain']:.2f} | {medians['as of a day']:.2f} | {day:.2f} "
            f"| {medians['in a year']:.2f} | {year:.2f} |"
        )
    print(f"worst ratio: {worst:.2f} (target: at most 2)")
    return 0 if worst <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
