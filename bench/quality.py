"""Answer quality on the labelled set (tests/quality.py) for ClaimBot's matcher and the
alternatives, on the seed claims plus the three real data sets, all in the same run.

    .venv/bin/python -m bench.quality [--postgres URL]

Prints each matcher's top-1 accuracy on answerable questions and its rate of correct "no
match" on the rest, then the questions ClaimBot gets wrong.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.baselines import WRATIO_CUTOFF, Bm25s, Fts5, PgTrgm, wratio
from bot.config import Settings
from bot.core import Core
from bot.store import ClaimStore
from tests.matching_dev import DEV
from tests.quality import HELD_OUT, LABELLED, evaluate, load_real_data

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/claimbot_bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="for pg_trgm ('' to skip)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="claimbot-quality-"))
    core = Core.from_settings(Settings(database_url=f"sqlite:///{workdir / 'claims.db'}"))
    load_real_data(core)
    with core.sessions() as session:
        topics = ClaimStore(session).topic_names()

    def claimbot(question: str) -> str | None:
        matches = core.answers.ask(question).matches
        return matches[0].topic if matches else None

    matchers: list[tuple[str, Callable[[str], str | None]]] = [
        ("ClaimBot", claimbot),
        ("rapidfuzz WRatio, extractOne", wratio(topics)),
        (f"rapidfuzz WRatio, cut-off {WRATIO_CUTOFF:.0f}", wratio(topics, WRATIO_CUTOFF)),
        ("SQLite FTS5 (porter, bm25)", Fts5(topics)),
        ("bm25s over titles, aliases, claimants, metrics, quotes", Bm25s(topics)),
    ]
    trgm = PgTrgm(topics, args.postgres) if args.postgres else None
    if trgm:
        matchers.append(("PostgreSQL pg_trgm (GIN, similarity ≥ 0.3)", trgm))
    answerable = sum(1 for _, e in LABELLED if e)
    print(
        f"{len(LABELLED)} labelled questions ({answerable} answerable, "
        f"{len(LABELLED) - answerable} not) over {len(topics)} topics"
    )
    print('| matcher | top-1 right | correct "no match" |')
    print("| --- | ---: | ---: |")
    scores = {}
    for name, matcher in matchers:
        scores[name] = score = evaluate(matcher)
        print(f"| {name} | {score.top1:.1%} | {score.no_match:.1%} |")
    held = sum(1 for _, e in HELD_OUT if e)
    print(
        f"\nHeld-out set, written after tuning: {len(HELD_OUT)} questions "
        f"({held} answerable, {len(HELD_OUT) - held} not)"
    )
    print('| matcher | top-1 right | correct "no match" |')
    print("| --- | ---: | ---: |")
    for name, matcher in matchers:
        score = evaluate(matcher, HELD_OUT)
        scores[f"held-out {name}"] = score
        print(f"| {name} | {score.top1:.1%} | {score.no_match:.1%} |")
    dev = sum(1 for _, e in DEV if e)
    print(
        f"\nDevelopment set, questions as people write them: {len(DEV)} questions "
        f"({dev} answerable, {len(DEV) - dev} not)"
    )
    print('| matcher | top-1 right | correct "no match" |')
    print("| --- | ---: | ---: |")
    for name, matcher in matchers:
        score = evaluate(matcher, DEV)
        scores[f"development {name}"] = score
        print(f"| {name} | {score.top1:.1%} | {score.no_match:.1%} |")
    if trgm:
        trgm.close()
    for key in ("ClaimBot", "held-out ClaimBot", "development ClaimBot"):
        print(f"\n{key}: wrong answers")
        for question, expected, got in scores[key].failures:
            print(f"- {question!r}: expected {expected}, got {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
