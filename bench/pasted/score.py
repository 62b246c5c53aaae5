"""Pasted-message retrieval on the LIAR statements: does a pasted message find the claim it
repeats, and does a message that repeats nothing find nothing?

    .venv/bin/python -m bench.pasted.score [--messages bench/pasted/messages.jsonl]

All 12,836 PolitiFact statements in ../shared/data/liar are imported as claims (one topic per
statement, the statement as topic and quote, the speaker as claimant, the rating as verdict),
once, into bench/results/liar.db. Each message (one JSON object per line: ``message``,
``liar_id`` or null, ``kind``) is then answered as a pasted message by ``AnswerService.ask``,
and, in the same run over the same statements, by plain BM25 (bm25s, English stop words) and by
rapidfuzz WRatio (``process.extract``). Reported per method: the repeated claim first, in the
top five, no match on messages that repeat nothing (bm25s has no cut-off: it always answers;
WRatio answers at 80 or more), and the median time per message.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import bm25s
from rapidfuzz import fuzz, process, utils
from sqlalchemy import select

from bench.baselines import WRATIO_CUTOFF
from bot import db
from bot.config import Settings
from bot.core import Core
from bot.models import Claim, Topic, Verification
from bot.records import ClaimRecord
from bot.store import ClaimStore

HERE = Path(__file__).resolve().parent
LIAR = HERE.parents[2] / "shared" / "data" / "liar"
FILES = ("train.tsv", "valid.tsv", "test.tsv")
DATABASE = HERE.parent / "results" / "liar.db"
#: LIAR has no dates; its release day stands for when every statement was claimed.
RELEASED = date(2017, 4, 23)
VERDICTS = {
    "true": "verified",
    "mostly-true": "corroborated",
    "half-true": "disputed",
    "barely-true": "disputed",
    "false": "false",
    "pants-fire": "false",
}
TOP = 5

#: A method answers a message with statement ids, best first, and whether it is confident.
Method = Callable[[str], tuple[list[str], bool]]


def statements() -> list[tuple[str, str, str, str]]:
    """(id, rating, statement, speaker) for every LIAR row."""
    rows = []
    for name in FILES:
        with (LIAR / name).open(encoding="utf-8", newline="") as f:
            rows += [
                (r[0], r[1], r[2], r[4])
                for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            ]
    return rows


def records(rows: Sequence[tuple[str, str, str, str]]) -> list[ClaimRecord]:
    return [
        ClaimRecord(
            topic=text if len(text) <= 300 else text[:299] + "…",
            claimant=speaker.replace("-", " ").title() or "Unknown speaker",
            outlet="PolitiFact",
            claimed_on=RELEASED,
            quote=text[:3000],
            verification=Verification(VERDICTS[rating]),
            verification_note=f"PolitiFact: {rating}",
            external_id=liar_id,
        )
        for liar_id, rating, text, speaker in rows
    ]


def liar_core() -> Core:
    """A core over the LIAR statements, imported on first use."""
    DATABASE.parent.mkdir(exist_ok=True)
    core = Core.from_settings(Settings(database_url=f"sqlite:///{DATABASE}"))
    core.init(seed=False)
    with core.sessions() as session:
        if ClaimStore(session).claim_count():
            return core
    with db.transaction(core.sessions) as session:
        ClaimStore(session).import_records(records(statements()), "bench")
    return core


def claimbot(core: Core) -> Method:
    with core.sessions() as session:
        ids: dict[str, list[str]] = defaultdict(list)
        for title, external in session.execute(
            select(Topic.title, Claim.external_id).join(Claim, Claim.topic_id == Topic.id)
        ):
            ids[title].append(external or "")

    def answer(message: str) -> tuple[list[str], bool]:
        found = core.answers.ask(message, limit=TOP, message=True)
        titles = [m.topic for m in found.matches] + list(found.suggestions)
        return [i for title in titles[:TOP] for i in ids[title]], bool(found.matches)

    return answer


def plain_bm25(rows: Sequence[tuple[str, str, str, str]]) -> Method:
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize([r[2] for r in rows], stopwords="en", show_progress=False))

    def answer(message: str) -> tuple[list[str], bool]:
        tokens = bm25s.tokenize([message], stopwords="en", show_progress=False)
        if not tokens.vocab:
            return [], False
        found, _ = retriever.retrieve(tokens, k=TOP, show_progress=False)
        return [rows[int(i)][0] for i in found[0]], True

    return answer


def wratio(rows: Sequence[tuple[str, str, str, str]]) -> Method:
    texts = [r[2] for r in rows]

    def answer(message: str) -> tuple[list[str], bool]:
        found = process.extract(
            message, texts, scorer=fuzz.WRatio, processor=utils.default_process, limit=TOP
        )
        return [rows[i][0] for _, _, i in found], bool(found) and found[0][1] >= WRATIO_CUTOFF

    return answer


@dataclass
class Tally:
    first: int = 0
    top: int = 0
    repeating: int = 0
    silent: int = 0
    unrelated: int = 0
    seconds: list[float] = field(default_factory=list)
    by_kind: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))

    def row(self, name: str) -> str:
        def share(n: int, d: int) -> str:
            return f"{n / d:.0%}" if d else "-"

        return (
            f"| {name} | {share(self.first, self.repeating)} | {share(self.top, self.repeating)} "
            f"| {share(self.silent, self.unrelated)} "
            f"| {statistics.median(self.seconds) * 1000:.1f} |"
        )


def score(method: Method, messages: Sequence[dict[str, Any]]) -> Tally:
    tally = Tally()
    for line in messages:
        started = time.perf_counter()
        ids, confident = method(line["message"])
        tally.seconds.append(time.perf_counter() - started)
        target = line["liar_id"]
        if target is None:
            tally.unrelated += 1
            tally.silent += not confident
            tally.by_kind[line["kind"]].append(not confident)
            continue
        tally.repeating += 1
        first = confident and bool(ids) and ids[0] == target
        tally.first += first
        tally.top += target in ids[:TOP]
        tally.by_kind[line["kind"]].append(first)
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=Path, default=HERE / "messages.jsonl")
    args = parser.parse_args()
    messages = [json.loads(line) for line in args.messages.read_text().splitlines() if line]
    rows = statements()
    started = time.perf_counter()
    core = liar_core()
    core.answers.topic_count()  # loads the topics and builds the index
    build = time.perf_counter() - started
    methods = {
        "ClaimBot (message mode)": claimbot(core),
        "BM25 (bm25s)": plain_bm25(rows),
        "rapidfuzz WRatio": wratio(rows),
    }
    tallies = {name: score(method, messages) for name, method in methods.items()}
    core.engine.dispose()
    repeating = sum(1 for m in messages if m["liar_id"])
    print(
        f"{len(rows):,} LIAR statements as claims; {len(messages)} messages from "
        f"{args.messages.name} ({repeating} repeat a statement, {len(messages) - repeating} "
        f"repeat none); ClaimBot's import and index build {build:.1f} s."
    )
    print()
    print("| method | repeated claim first | in top five | no match on the rest | median ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, tally in tallies.items():
        print(tally.row(name))
    print()
    kinds = sorted({m["kind"] for m in messages})
    print("| method | " + " | ".join(kinds) + " |")
    print("| --- |" + " ---: |" * len(kinds))
    for name, tally in tallies.items():
        cells = [f"{sum(v) / len(v):.0%}" for v in (tally.by_kind[k] for k in kinds)]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    print("(first: the right statement is the first confident answer; none: no confident answer)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
