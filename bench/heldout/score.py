"""Score the matcher on the held-out question set, by bucket, and report it as it comes.

Each set (questions.jsonl, questions2.jsonl, ...) was written blind and committed before any
matcher ran on it; it is never tuned against. A question is right when the answer's best topic
is one of its labels, or, for a no-match question, when the answer states no figure: no
confident match, or only topics with no claim to show for the period asked (a period before the
data; counted apart). Questions are written as Slack sends them (``&amp;``,
``<https://…|label>``) and decoded as the Slack handlers decode them
(``handlers.slack_text.decode``) before they are asked.

    .venv/bin/python -m bench.heldout.score [--set PATH] [--failures]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from bot.config import Settings
from bot.core import Core
from handlers.slack_text import decode
from tests.quality import load_real_data

QUESTIONS = Path(__file__).resolve().parent / "questions.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--failures", action="store_true", help="list every wrong answer")
    parser.add_argument(
        "--set", type=Path, default=QUESTIONS, metavar="PATH", help="question set to score"
    )
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.set.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory(prefix="claimbot-heldout-") as workdir:
        core = Core.from_settings(Settings(database_url=f"sqlite:///{workdir}/claims.db"))
        load_real_data(core)
        right: dict[str, list[bool]] = defaultdict(list)
        failures = []
        empty = 0
        for row in rows:
            answer = core.answers.ask(decode(row["question"]))
            best = answer.matches[0].topic if answer.matches else None
            # A period before every claim of the topics found is answered with those topics
            # and "no claim to show": no figure stated, as a no-match question asks.
            figureless = not any(m.claims for m in answer.matches)
            ok = best in row["topics"] if row["topics"] else figureless
            empty += bool(not row["topics"] and best is not None and figureless)
            right[row["bucket"]].append(ok)
            if not ok:
                failures.append((row["id"], row["question"], row["topics"] or "no match", best))
        core.engine.dispose()
    answerable = [ok for bucket, oks in right.items() if bucket != "no_match" for ok in oks]
    print("| bucket | questions | right |")
    print("| --- | ---: | ---: |")
    for bucket, oks in sorted(right.items()):
        print(f"| {bucket} | {len(oks)} | {sum(oks)} ({sum(oks) / len(oks):.1%}) |")
    share = sum(answerable) / len(answerable)
    print(
        f"| answerable, right topic first | {len(answerable)} | {sum(answerable)} ({share:.1%}) |"
    )
    print(f"\nNo-match questions answered with a topic but no claim to show (right): {empty}")
    if args.failures:
        for failure in failures:
            print(*failure, sep=" | ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
