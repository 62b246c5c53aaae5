"""Choose the target statements for bench/pasted/messages.jsonl (reproducible; seed below).

Prints candidates in a fixed random order, skipping statements that are too short, too long,
vague ("Says X is a liar"-style), duplicated, or near-duplicates of another statement (word-set
Jaccard >= 0.5 with any other row). The messages themselves were written by hand from this list.
Run from the repo root: python -m bench.pasted.pick
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

SEED = 20261202
DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "liar"
FILES = ("train.tsv", "valid.tsv", "test.tsv")
WORD = re.compile(r"[a-z0-9]+")
STOP = {
    "the",
    "a",
    "an",
    "of",
    "to",
    "in",
    "and",
    "or",
    "is",
    "are",
    "was",
    "were",
    "for",
    "on",
    "that",
    "this",
    "it",
    "by",
    "with",
    "as",
    "at",
    "be",
    "has",
    "have",
    "had",
    "from",
    "says",
    "said",
    "not",
    "but",
    "who",
    "what",
    "which",
    "its",
    "his",
    "her",
    "their",
    "they",
    "he",
    "she",
    "we",
    "our",
}


def rows() -> list[list[str]]:
    out: list[list[str]] = []
    for name in FILES:
        with (DATA / name).open(encoding="utf-8", newline="") as f:
            out.extend(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return out


def words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if w not in STOP}


def main() -> None:
    data = rows()
    sets = [words(r[2]) for r in data]
    index: dict[str, list[int]] = {}
    for i, s in enumerate(sets):
        for w in s:
            index.setdefault(w, []).append(i)
    order = list(range(len(data)))
    random.Random(SEED).shuffle(order)
    shown = 0
    for i in order:
        stmt = data[i][2]
        n = len(stmt.split())
        if n < 10 or n > 40 or len(sets[i]) < 6:
            continue
        if re.match(r"^Says .{0,40}\b(is a|liar|lied|wants to|supports)\b", stmt):
            continue
        near = 0.0
        cands = set()
        for w in sets[i]:
            if len(index[w]) < 400:
                cands.update(index[w])
        for j in cands:
            if j != i:
                near = max(near, len(sets[i] & sets[j]) / len(sets[i] | sets[j]))
        if near >= 0.5:
            continue
        shown += 1
        print(f"{shown}\t{data[i][0]}\t{data[i][4]}\t{data[i][13]}\t{stmt}")
        if shown >= 190:
            break


if __name__ == "__main__":
    main()
