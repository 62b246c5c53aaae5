"""Index refresh benchmark: how soon another process answers an edit or a one-claim import.

    .venv/bin/python -m bench.index_refresh [--size 100000] [--edits 20] [--rebuilds 5]
    .venv/bin/python -m bench.index_refresh --in-memory 1000000 [--edits 20]

On a SQLite database of synthetic claims (bench/synthetic.py, built as bench/scale.py builds
it), one process's EditService makes a change (alternately a quote corrected and a new claim
on an existing topic) and a second AnswerService, already warm, answers a question about that
topic. Timed: that second service's whole answer (reading the change log, re-indexing, matching
and loading the claims shown), the old way (any change rebuilds the whole index) and in place,
in the same run; and, for reference, the same answer when nothing changed.

``--in-memory N`` times ``TopicIndex.update`` alone (one topic gaining a claimant) in an index of
the topics of N synthetic claims built in memory, with no database: the part of a refresh that
grows with the index, at sizes whose database takes long to build.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from uuid import uuid4

from sqlalchemy import select

from bench.scale import database
from bench.synthetic import topic_names
from bot.answers import AnswerService
from bot.config import Settings
from bot.core import Core
from bot.matching import TopicIndex, default_lexicon
from bot.models import Claim, Topic
from bot.records import parse_document
from bot.store import ClaimStore


class Rebuilding(AnswerService):
    """The old way: any logged change rebuilds the whole index."""

    def _fresh_index(self, store: ClaimStore) -> TopicIndex:
        with self._lock:
            newest = store.last_change()
            if self._index is None or newest != self._seen:
                self._index = TopicIndex(store.topic_names(), self._lexicon)
                self._seen = newest
            return self._index


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def in_memory(size: int, edits: int) -> None:
    """Time re-indexing one topic in an index of ``size`` synthetic claims' topics."""
    names = topic_names(size)
    started = time.perf_counter()
    index = TopicIndex(names, default_lexicon())
    build = time.perf_counter() - started
    rng = random.Random(5)
    times = []
    for edit in range(edits):
        old = rng.choice(names)
        new = replace(old, claimants=(*old.claimants, f"Bench claimant {edit}"))
        names[old.id - 1] = new
        times.append(timed(partial(index.update, [new.id], [new])))
    print(f"{size:,} claims, {len(names):,} topics in memory: built in {build:.1f} s")
    print(f"TopicIndex.update of one topic: median {statistics.median(times):.1f} ms, ", end="")
    print(f"max {max(times):.1f} ms over {edits}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--edits", type=int, default=20, help="edits answered in place")
    parser.add_argument("--rebuilds", type=int, default=5, help="edits answered by a rebuild")
    parser.add_argument("--in-memory", type=int, help="time TopicIndex.update alone at this size")
    args = parser.parse_args()
    if args.in_memory:
        in_memory(args.in_memory, args.edits)
        return 0
    core = Core.from_settings(Settings(database_url=database(args.size)))
    lexicon = default_lexicon()
    rng = random.Random(5)
    with core.sessions() as session:
        claims = session.execute(
            select(Claim.id, Topic.title).join(Topic).where(Claim.retired_at.is_(None))
        ).all()
    services: dict[str, AnswerService] = {
        "full rebuild": Rebuilding(core.sessions, lexicon),
        "in place": AnswerService(core.sessions, lexicon),
    }
    times: dict[str, list[float]] = {"unchanged": []}
    for name, service in services.items():
        service.topics()  # built, and up to date, before timing
        times[name] = []
        count = args.rebuilds if name == "full rebuild" else args.edits
        for edit in range(count):
            claim_id, title = rng.choice(claims)
            if edit % 2:
                record = core.editing.record(claim_id)
                changed = record.model_copy(update={"quote": f"Correction {uuid4().hex}"})
                core.editing.edit(claim_id, changed, "bench", {"quote"})
            else:
                (new,) = parse_document(
                    {
                        "claims": [
                            {
                                "topic": title,
                                "claimant": f"Bench claimant {uuid4().hex}",
                                "claimed_on": "2024-01-01",
                                "figures": [{"metric": "killed", "value": 1}],
                            }
                        ]
                    }
                )
                core.editing.add(new, "bench")
            answer = partial(service.ask, title.lower())
            times[name].append(timed(answer))
            if name == "in place":
                times["unchanged"].append(timed(answer))
    topics = services["in place"].topic_count()
    print(f"{args.size:,} claims, {topics:,} topics; a second AnswerService answers the edit")
    print("| refresh | edits | median (ms) | max (ms) | ratio to full rebuild |")
    print("| --- | ---: | ---: | ---: | ---: |")
    rebuild = statistics.median(times["full rebuild"])
    for name in ("full rebuild", "in place", "unchanged"):
        median = statistics.median(times[name])
        print(
            f"| {name} | {len(times[name])} | {median:.1f} | {max(times[name]):.1f} "
            f"| {median / rebuild:.4f} |"
        )
    core.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
