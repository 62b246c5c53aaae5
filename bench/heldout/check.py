"""Validate the held-out question set (bench/heldout/questions.jsonl) without answering it.

Loads the seed claims and the three real data sets into a throwaway SQLite database exactly as
tests.quality.load_real_data does, reads the topic titles with plain SQL, and checks that every
line parses, ids are unique, buckets are known and meet their minimums, no_match questions (and
only they) have no topics, and every listed topic is an exact existing title. It never calls the
matcher. Run: .venv/bin/python -m bench.heldout.check
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bot.config import Settings
from bot.core import Core
from tests.quality import load_real_data

QUESTIONS = Path(__file__).resolve().parent / "questions.jsonl"
MINIMUMS = {
    "plain": 25,
    "sentence": 30,
    "typo": 20,
    "jargon": 20,
    "pasted": 25,
    "dated": 20,
    "multilingual": 25,
    "no_match": 55,
}
TOTAL_MINIMUM = 220
KEYS = {"id", "bucket", "question", "topics", "note"}


def topic_titles() -> set[str]:
    """Every topic title after importing the data the README documents."""
    with tempfile.TemporaryDirectory(prefix="claimbot-heldout-") as workdir:
        path = Path(workdir) / "claims.db"
        core = Core.from_settings(Settings(database_url=f"sqlite:///{path}"))
        load_real_data(core)
        core.engine.dispose()
        with sqlite3.connect(path) as conn:
            return {str(row[0]) for row in conn.execute("SELECT title FROM topics")}


def check(titles: set[str]) -> list[str]:
    problems: list[str] = []
    ids: set[str] = set()
    buckets: Counter[str] = Counter()
    lines = QUESTIONS.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        where = f"line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not JSON ({exc})")
            continue
        if not isinstance(row, dict):
            problems.append(f"{where}: not an object")
            continue
        extra = set(row) - KEYS
        missing = {"id", "bucket", "question", "topics"} - set(row)
        if extra or missing:
            problems.append(f"{where}: extra keys {sorted(extra)}, missing {sorted(missing)}")
            continue
        qid, bucket, question, topics = row["id"], row["bucket"], row["question"], row["topics"]
        where = f"line {number} ({qid})"
        if qid in ids:
            problems.append(f"{where}: duplicate id")
        ids.add(qid)
        if bucket not in MINIMUMS:
            problems.append(f"{where}: unknown bucket {bucket!r}")
        buckets[bucket] += 1
        if not isinstance(question, str) or not question.strip():
            problems.append(f"{where}: empty question")
        if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
            problems.append(f"{where}: topics is not a list of strings")
            continue
        if (bucket == "no_match") != (not topics):
            problems.append(f"{where}: no_match questions, and only they, have no topics")
        if len(set(topics)) != len(topics):
            problems.append(f"{where}: a topic is listed twice")
        problems.extend(f"{where}: no such topic {t!r}" for t in topics if t not in titles)
    for bucket, minimum in MINIMUMS.items():
        if buckets[bucket] < minimum:
            problems.append(f"bucket {bucket}: {buckets[bucket]} questions, fewer than {minimum}")
    if len(lines) < TOTAL_MINIMUM:
        problems.append(f"{len(lines)} questions, fewer than {TOTAL_MINIMUM}")
    print(f"{len(lines)} questions: " + ", ".join(f"{b} {buckets[b]}" for b in MINIMUMS))
    return problems


def main() -> int:
    problems = check(topic_titles())
    for problem in problems:
        print(problem, file=sys.stderr)
    print("ok" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
