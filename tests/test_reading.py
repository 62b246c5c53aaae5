"""Reading text (bot/reading.py): what cleaning a text skips changes nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot import reading

ROOT = Path(__file__).resolve().parent.parent
#: Questions and pasted messages as people write them: links, handles, emoji, hashtags, dates.
TEXTS = [
    json.loads(line).get("question") or json.loads(line)["message"]
    for path in (
        ROOT / "tests" / "data" / "questions_dev.jsonl",
        ROOT / "bench" / "pasted" / "dev.jsonl",
        ROOT / "bench" / "pasted" / "messages.jsonl",
    )
    for line in path.read_text(encoding="utf-8").splitlines()
]
MADE_UP = [
    "Russia's losses — Ivan Petrov (@ivan_p) March 2, 2022",
    "see https://example.org/a?b=1 and WWW.Example.com/x, or ftp://host",
    "@someone :flag-ua: #RussianLosses at 10:30:45 by NATO's HQ",
    "e-mail me at a@b.example: #",
]


def clean_every_time(text: str) -> str:
    """``reading.clean`` with every expression run on every text."""
    text = reading._SIGNATURE.sub(" ", text)
    text = reading._URL.sub(" ", text)
    text = reading._HANDLE.sub(" ", text)
    text = reading._EMOJI.sub(" ", text)
    text = reading._HASHTAG.sub(lambda m: " " + m.group(1).replace("_", " ") + " ", text)
    return reading._CAMEL.sub(" ", text)


def test_cleaning_skips_only_expressions_that_cannot_match() -> None:
    texts = TEXTS + MADE_UP
    assert len(texts) > 450
    assert [reading.clean(t) for t in texts] == [clean_every_time(t) for t in texts]


def test_the_made_up_texts_need_every_expression() -> None:
    needed = [reading._SIGNATURE, reading._URL, reading._HANDLE, reading._EMOJI, reading._HASHTAG]
    assert all(any(re.search(e, t) for t in MADE_UP) for e in needed)


def test_accents_are_folded_but_kept_for_word_frequencies() -> None:
    """ "zerstört" is matched as "zerstort", but is a common German word only as written; a
    Polish "ł" is folded like any other accent."""
    (word,) = reading.words("Zerstört")
    assert (word.text, word.written) == ("zerstort", "zerstört")
    assert word.common > reading.commonness("zerstort", "en")
    assert [w.text for w in reading.words("śmigłowców")] == ["smiglowcow"]
    assert reading.words("tanks")[0].written == ""


def test_camel_case_with_a_code_at_its_end_is_split() -> None:
    assert reading.clean("#GeneralStaffZSU").split() == ["General", "Staff", "ZSU"]
