"""The match index alone: building it, and matching a question, in CPU time.

    .venv/bin/python -m bench.match_index [--claims 100000] [--builds 3] [--questions 1000]
        [--rounds 2] [--in-memory]

The topics of the synthetic claims of bench/scale.py (bench/synthetic.py), read as
``AnswerService`` reads them (``ClaimStore.topic_names`` on the SQLite database, built once,
then reused), or with ``--in-memory`` made from the synthetic rows without a database (as
``bench/index_refresh.py --in-memory`` does: claimants and metrics, no quotes), for sizes whose
database takes long to import. ``TopicIndex`` is built ``--builds`` times (process CPU time),
then each of bench/scale.py's questions is matched (``TopicIndex.match``) ``--rounds`` times
(the thread's CPU time, which other processes on a shared machine do not inflate). Run it at
two commits to compare them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from bench.scale import database, questions
from bench.synthetic import topic_names
from bot.config import Settings
from bot.core import Core
from bot.matching import TopicIndex, TopicNames, default_lexicon
from bot.store import ClaimStore


def stored(claims: int) -> list[TopicNames]:
    """The topics of the synthetic database, as the answer service reads them."""
    core = Core.from_settings(Settings(database_url=database(claims)))
    with core.sessions() as session:
        names = ClaimStore(session).topic_names()
    core.engine.dispose()
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--builds", type=int, default=3)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--in-memory", action="store_true", help="topics made without a database")
    args = parser.parse_args()
    names = topic_names(args.claims) if args.in_memory else stored(args.claims)
    lexicon = default_lexicon()
    TopicIndex(names[:100], lexicon)  # the lexicon's and the word lists' first reads
    builds = []
    for _ in range(max(args.builds, 1)):
        started = time.process_time()
        index = TopicIndex(names, lexicon)
        builds.append(time.process_time() - started)
    asked = questions(args.claims, args.questions)
    for question in asked[:100]:
        index.match(question)
    matching = []
    for _ in range(args.rounds):
        for question in asked:
            started = time.thread_time()
            index.match(question)
            matching.append(time.thread_time() - started)
    matching.sort()
    print(
        f"{args.claims:,} claims ({'in memory' if args.in_memory else 'SQLite'}), "
        f"{len(names):,} topics, {len(index._name_weights):,} names"
    )
    print(
        f"build CPU (s): median {statistics.median(builds):.2f} of {[round(b, 2) for b in builds]}"
    )
    print(
        f"match CPU per question (ms), {len(asked)} questions x {args.rounds}: "
        f"median {statistics.median(matching) * 1000:.3f}, "
        f"p99 {matching[int(len(matching) * 0.99)] * 1000:.3f}, "
        f"mean {statistics.mean(matching) * 1000:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
