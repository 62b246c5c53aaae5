"""Batch benchmark: ``claimbot ask --batch`` against a naive rapidfuzz ``extractOne`` scan over
the same names, per question, in one run.

    .venv/bin/python -m bench.batch [--claims 100000] [--questions 1000] [--rounds 2]

On the synthetic SQLite database of bench/scale.py (bench/synthetic.py; built once, then
reused), the questions of bench/scale.py are written one a line to a file, and each round
times, in one process and in turn:
- the command ``claimbot ask --batch FILE`` (the CLI's own code, its JSON lines written to
  memory), on all the questions and on the first alone: the difference, spread over the other
  questions, is what a question costs a batch once the command has started and built its index;
- the naive scan: rapidfuzz ``process.extractOne`` with ``WRatio`` over every title and alias
  (bench/baselines.py), each question in turn (the names loaded before timing).
Reported: wall and CPU (the thread's own) per question of each, the batch command's whole time
per question (its start and index build included), and the ratio of the batch's cost per
question to the scan's. Target at 100,000 claims: a batch question at most 0.1 times the scan's.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.baselines import wratio
from bench.scale import database, questions
from bot.config import Settings
from bot.core import Core
from bot.store import ClaimStore
from entrypoints.cli import cli


def clocked(step: Callable[[], object]) -> tuple[float, float]:
    """Wall and thread CPU seconds of one call."""
    started, used = time.perf_counter(), time.thread_time()
    step()
    return time.perf_counter() - started, time.thread_time() - used


def batch(path: Path) -> None:
    """``claimbot ask --batch PATH``, its output kept in memory."""
    with contextlib.redirect_stdout(io.StringIO()):
        cli.main(["ask", "--batch", str(path)], prog_name="claimbot", standalone_mode=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    url = database(args.claims)
    os.environ["DATABASE_URL"] = url
    asked = questions(args.claims, args.questions)
    core = Core.from_settings(Settings(database_url=url))
    with core.sessions() as session:
        scan = wratio(ClaimStore(session).topic_names())
    core.engine.dispose()
    runs: dict[str, list[tuple[float, float]]] = {"all": [], "one": [], "scan": []}
    with tempfile.TemporaryDirectory() as directory:
        every, first = Path(directory, "all.txt"), Path(directory, "one.txt")
        every.write_text("".join(f"{q}\n" for q in asked), encoding="utf-8")
        first.write_text(f"{asked[0]}\n", encoding="utf-8")
        for _ in range(args.rounds):
            runs["all"].append(clocked(lambda: batch(every)))
            runs["one"].append(clocked(lambda: batch(first)))
            runs["scan"].append(clocked(lambda: [scan(q) for q in asked]))
    count = len(asked)

    def per_question(name: str, clock: int, minus: str | None = None, over: int = count) -> float:
        spent = statistics.median(run[clock] for run in runs[name])
        if minus:
            spent -= statistics.median(run[clock] for run in runs[minus])
        return spent / over * 1000

    print(
        f"{args.claims:,} claims, SQLite, {count} questions (bench/scale.py's), "
        f"{args.rounds} rounds, medians"
    )
    print("| measure | wall per question (ms) | CPU per question (ms) |")
    print("| --- | ---: | ---: |")
    rows = [
        ("naive scan: `extractOne` WRatio over every title and alias (baseline)", "scan", None),
        ("`ask --batch`, a question once started (all less the first alone)", "all", "one"),
        ("`ask --batch`, the whole command (start and index build included)", "all", None),
    ]
    for label, name, minus in rows:
        over = count - 1 if minus else count
        print(
            f"| {label} | {per_question(name, 0, minus, over):.2f} "
            f"| {per_question(name, 1, minus, over):.2f} |"
        )
    marginal = per_question("all", 1, "one", count - 1)
    scanned = per_question("scan", 1)
    whole = per_question("all", 1)
    print(
        f"\nbatch ÷ scan (CPU): {marginal / scanned:.3f} once started, "
        f"{whole / scanned:.3f} for the whole command"
    )
    return 0 if marginal <= 0.1 * scanned else 1


if __name__ == "__main__":
    sys.exit(main())
