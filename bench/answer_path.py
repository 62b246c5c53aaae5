"""Answer-path benchmark: the whole in-process answer against a bare primary-key fetch of the
rows it shows, in one run.

    .venv/bin/python -m bench.answer_path [--claims 100000] [--questions 1000] [--rounds 3]

On the synthetic SQLite database of bench/scale.py (bench/synthetic.py; built once, then
reused), each question from bench/scale.py is, in turn:
- answered: ``AnswerService.ask`` (the version check, reading the moment, matching, the
  latest claims of each matched topic with their figures, series, the views);
- matched alone: reading the moment and matching, as ``ask`` does;
- and the rows the answer shows fetched bare: one SQL statement selecting those claims and
  their figures by primary key, on the DBAPI connection, into tuples.
Interleaving the three per question puts the machine's noise on all alike. The first round
starts with no topic's rows kept (``AnswerService`` keeps the rows it showed until their topic
changes), so it answers each topic cold the first time it comes; later rounds answer from the
rows kept, as a service answers the topics people keep asking about. Reported, over the
questions that show claims: wall-clock median and p99, and the median CPU time of the thread
(which other processes on a shared machine do not inflate), of the answer with and without
matching (the answer less the match, question by question) and of the bare fetch. Targets at 100,000
claims: median answer at most 2 ms, and at most 3 times the bare fetch.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date

from bench.scale import database, questions, summary
from bot.answers import _read_and_match
from bot.config import Settings
from bot.core import Core

TODAY = date(2026, 12, 1)
BARE = (
    "SELECT claims.id, claims.topic_id, claims.claimant, claims.outlet, claims.source_url, "
    "claims.claimed_on, claims.as_of, claims.verification, claims.caveat, claims.quote, "
    "figures.metric, figures.value, figures.value_high, figures.unit "
    "FROM claims LEFT OUTER JOIN figures ON figures.claim_id = claims.id "
    "WHERE claims.id IN ({})"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    core = Core.from_settings(Settings(database_url=database(args.claims)))
    service = core.answers
    asked = questions(args.claims, args.questions)
    shown = {
        question: [c.id for m in service.ask(question, today=TODAY).matches for c in m.claims]
        for question in asked
    }
    asked = [q for q in asked if shown[q]]
    index = service._index  # built by the answers above; the data does not change
    assert index is not None
    raw = core.engine.raw_connection()
    cursor = raw.cursor()

    def bare(question: str) -> None:
        ids = shown[question]
        cursor.execute(BARE.format(", ".join("?" * len(ids))), ids)
        cursor.fetchall()

    steps = {
        "answer": lambda question: service.ask(question, today=TODAY),
        "match": lambda question: _read_and_match(index, question, TODAY),
        "bare": bare,
    }
    wall: dict[str, list[float]] = {name: [] for name in steps}
    cpu: dict[str, list[float]] = {name: [] for name in steps}
    first_round = len(asked)
    service._shown.clear(service._looks)  # the answers above kept their rows: start cold
    for _ in range(args.rounds):
        for question in asked:
            for name, step in steps.items():
                started, used = time.perf_counter(), time.thread_time()
                step(question)
                wall[name].append(time.perf_counter() - started)
                cpu[name].append(time.thread_time() - used)
    raw.close()
    core.engine.dispose()
    print(
        f"{args.claims:,} claims, SQLite, {len(asked)} questions that show claims "
        f"(of {args.questions}), {args.rounds} rounds, "
        f"{statistics.mean(len(shown[q]) for q in asked):.1f} claims shown on average"
    )
    print("| measure | wall median / p99 (ms) | CPU median (ms) | wall / base | CPU / base |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for clock in (wall, cpu):
        clock["rest"] = [a - m for a, m in zip(clock["answer"], clock["match"], strict=True)]
    base_wall, base_cpu = statistics.median(wall["bare"]), statistics.median(cpu["bare"])
    for name, label in [
        ("bare", "bare primary-key fetch of the rows shown (baseline)"),
        ("match", "matching alone (reading the moment, matching)"),
        ("rest", "answer without matching (answer less its match)"),
        ("answer", "whole answer (`AnswerService.ask`)"),
    ]:
        times = summary(wall[name])
        used = statistics.median(cpu[name])
        print(
            f"| {label} | {times['median_ms']:.2f} / {times['p99_ms']:.2f} | {used * 1000:.2f} "
            f"| {times['median_ms'] / 1000 / base_wall:.1f} | {used / base_cpu:.1f} |"
        )
    for label, part in (
        ("first round", slice(0, first_round)),
        ("later rounds", slice(first_round, None)),
    ):
        answers, bares = cpu["answer"][part], cpu["bare"][part]
        if answers:
            print(
                f"whole answer, {label}: CPU median {statistics.median(answers) * 1000:.2f} ms, "
                f"{statistics.median(answers) / statistics.median(bares):.1f}x the bare fetch"
            )
    whole = statistics.median(wall["answer"])
    return 0 if whole <= 0.002 and whole <= 3 * base_wall else 1


if __name__ == "__main__":
    sys.exit(main())
