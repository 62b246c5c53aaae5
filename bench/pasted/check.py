"""Validate bench/pasted/messages.jsonl without matching anything.

Checks that every line is a JSON object with exactly the keys message, liar_id and kind; that kinds
are known and meet their minimums; that "none" messages (and only they) have liar_id null; that
every liar_id exists in the LIAR files and is used once; and that each target statement's text
appears under that one id only. Standard library only; it never imports the bot.
Run from the repo root: python -m bench.pasted.check
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = Path(__file__).resolve().parent / "messages.jsonl"
DATA = ROOT.parent / "shared" / "data" / "liar"
FILES = ("train.tsv", "valid.tsv", "test.tsv")
ROWS = 12_836
KEYS = {"message", "liar_id", "kind"}
MINIMUMS = {"verbatim": 45, "paraphrase": 45, "quote": 35, "tweet": 18, "none": 40}
TOTAL_MINIMUM = 200


def statements() -> dict[str, str]:
    """Statement id -> statement text, over all three files."""
    out: dict[str, str] = {}
    for name in FILES:
        with (DATA / name).open(encoding="utf-8", newline="") as f:
            for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                if row[0] in out:
                    raise SystemExit(f"duplicate id {row[0]} in {name}")
                out[row[0]] = row[2]
    return out


def main() -> int:
    liar = statements()
    errors: list[str] = []
    if len(liar) != ROWS:
        errors.append(f"expected {ROWS} LIAR rows, found {len(liar)}")
    by_text = Counter(" ".join(t.lower().split()) for t in liar.values())
    kinds: Counter[str] = Counter()
    seen_ids: Counter[str] = Counter()
    seen_messages: Counter[str] = Counter()
    lines = MESSAGES.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines, 1):
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"line {n}: not JSON ({e})")
            continue
        if not isinstance(item, dict) or set(item) != KEYS:
            errors.append(f"line {n}: keys must be exactly {sorted(KEYS)}")
            continue
        message, liar_id, kind = item["message"], item["liar_id"], item["kind"]
        if not isinstance(message, str) or not message.strip():
            errors.append(f"line {n}: empty message")
        seen_messages[message] += 1
        if kind not in MINIMUMS:
            errors.append(f"line {n}: unknown kind {kind!r}")
            continue
        kinds[kind] += 1
        if kind == "none":
            if liar_id is not None:
                errors.append(f"line {n}: kind none must have liar_id null")
            continue
        if not isinstance(liar_id, str) or liar_id not in liar:
            errors.append(f"line {n}: liar_id {liar_id!r} is not in the LIAR files")
            continue
        seen_ids[liar_id] += 1
        if by_text[" ".join(liar[liar_id].lower().split())] > 1:
            errors.append(f"line {n}: the statement of {liar_id} appears under more than one id")
    for liar_id, count in seen_ids.items():
        if count > 1:
            errors.append(f"{liar_id} is the target of {count} messages")
    for message, count in seen_messages.items():
        if count > 1:
            errors.append(f"message repeated {count} times: {message[:60]!r}")
    for kind, minimum in MINIMUMS.items():
        if kinds[kind] < minimum:
            errors.append(f"kind {kind}: {kinds[kind]} messages, minimum {minimum}")
    if len(lines) < TOTAL_MINIMUM:
        errors.append(f"{len(lines)} messages, minimum {TOTAL_MINIMUM}")
    for error in errors:
        print(error, file=sys.stderr)
    summary = ", ".join(f"{k} {kinds[k]}" for k in MINIMUMS)
    print(
        f"{len(lines)} messages ({summary}); {len(seen_ids)} distinct targets; "
        f"{'FAILED' if errors else 'ok'}"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
