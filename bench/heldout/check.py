"""Validate the held-out question sets without answering them.

Loads the seed claims and the three real data sets into a throwaway SQLite database exactly as
tests.quality.load_real_data does, reads the topic titles with plain SQL, and checks that every
line parses, ids are unique and carry their set's prefix, buckets are known and meet their set's
minimums, no_match questions (and only they) have no topics, and every listed topic is an exact
existing title. It never calls the matcher.

    .venv/bin/python -m bench.heldout.check [PATH...]   (default: every set)
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.core import Core
from tests.quality import load_real_data

HERE = Path(__file__).resolve().parent
KEYS = {"id", "bucket", "question", "topics", "note"}


@dataclass(frozen=True)
class QuestionSet:
    """One held-out file's id prefix and size requirements."""

    prefix: str
    minimums: dict[str, int]
    total: int


#: The bucket minimums of sets 4 and 5.
SINCE_SET_4 = {
    "plain": 30,
    "sentence": 45,
    "typo": 30,
    "jargon": 35,
    "pasted": 40,
    "dated": 25,
    "multilingual": 40,
    "no_match": 75,
}

SETS = {
    "questions.jsonl": QuestionSet(
        prefix="h",
        minimums={
            "plain": 25,
            "sentence": 30,
            "typo": 20,
            "jargon": 20,
            "pasted": 25,
            "dated": 20,
            "multilingual": 25,
            "no_match": 55,
        },
        total=220,
    ),
    "questions2.jsonl": QuestionSet(
        prefix="s",
        minimums={
            "plain": 25,
            "sentence": 35,
            "typo": 20,
            "jargon": 25,
            "pasted": 35,
            "dated": 20,
            "multilingual": 35,
            "no_match": 60,
        },
        total=240,
    ),
    "questions3.jsonl": QuestionSet(
        prefix="t",
        minimums={
            "plain": 30,
            "sentence": 40,
            "typo": 25,
            "jargon": 30,
            "pasted": 35,
            "dated": 25,
            "multilingual": 35,
            "no_match": 70,
        },
        total=260,
    ),
    "questions4.jsonl": QuestionSet(
        prefix="u",
        minimums=SINCE_SET_4,
        total=300,
    ),
    "questions5.jsonl": QuestionSet(
        prefix="v",
        minimums=SINCE_SET_4,
        total=300,
    ),
}


def topic_titles() -> set[str]:
    """Every topic title after importing the data the README documents."""
    with tempfile.TemporaryDirectory(prefix="claimbot-heldout-") as workdir:
        path = Path(workdir) / "claims.db"
        core = Core.from_settings(Settings(database_url=f"sqlite:///{path}"))
        load_real_data(core)
        core.engine.dispose()
        with sqlite3.connect(path) as conn:
            return {str(row[0]) for row in conn.execute("SELECT title FROM topics")}


def check(path: Path, titles: set[str]) -> list[str]:
    """Problems found in the set at path (known by its file name), after printing its counts."""
    spec = SETS.get(path.name)
    if spec is None:
        return [f"{path}: not a known set (one of {', '.join(SETS)})"]
    problems: list[str] = []
    ids: set[str] = set()
    buckets: Counter[str] = Counter()
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        where = f"{path.name} line {number}"
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
        where = f"{path.name} line {number} ({qid})"
        if not isinstance(qid, str) or not re.fullmatch(rf"{spec.prefix}\d{{3}}", qid):
            problems.append(f"{where}: id is not {spec.prefix!r} and three digits")
        if qid in ids:
            problems.append(f"{where}: duplicate id")
        ids.add(qid)
        if bucket not in spec.minimums:
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
    for bucket, minimum in spec.minimums.items():
        if buckets[bucket] < minimum:
            problems.append(
                f"{path.name} bucket {bucket}: {buckets[bucket]} questions, fewer than {minimum}"
            )
    if len(lines) < spec.total:
        problems.append(f"{path.name}: {len(lines)} questions, fewer than {spec.total}")
    counts = ", ".join(f"{b} {buckets[b]}" for b in spec.minimums)
    print(f"{path.name}: {len(lines)} questions: {counts}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "paths", nargs="*", type=Path, default=[HERE / name for name in SETS], metavar="PATH"
    )
    args = parser.parse_args()
    titles = topic_titles()
    problems = [problem for path in args.paths for problem in check(path, titles)]
    for problem in problems:
        print(problem, file=sys.stderr)
    print("ok" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
