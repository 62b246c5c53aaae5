"""Derived data kept on disk between processes (bot/derived.py): the lexicon and the lemmas of
words read, never stale, never an error."""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import derived, reading
from bot.matching import LEXICON_PATH, Lexicon, default_lexicon

#: Builds the lexicon in a process of its own, which keeps it at its exit.
BUILD = "from bot import derived; derived.lexicon()"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache directory for this test; the process's own lexicon forgotten before and
    after, and nothing kept at its exit."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    derived.lexicon.cache_clear()
    yield tmp_path / "claimbot"
    derived.lexicon.cache_clear()
    atexit.unregister(derived._keep)


def build_in_a_process() -> None:
    subprocess.run([sys.executable, "-c", BUILD], env=dict(os.environ), check=True, timeout=60)


def test_the_kept_lexicon_is_the_lexicon_built_and_its_lemmas_are_known(cache: Path) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "lexicon-0123abcd.pickle").write_bytes(b"built from other inputs")
    build_in_a_process()
    [kept_file] = cache.glob("lexicon-*.pickle")  # the other one is gone
    kept = derived.lexicon()
    assert vars(kept) == vars(Lexicon.from_files(LEXICON_PATH))
    # the lemmas the lexicon looked up as it was built are known without the dictionary
    assert reading.LEMMAS["territories"] == "territory"
    assert list(cache.glob("lexicon-*.pickle")) == [kept_file]


def test_other_inputs_name_another_file(cache: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra.json"
    extra.write_text('{"synonyms": {"casualty": ["zorblax"]}}', encoding="utf-8")
    first = derived._digest([LEXICON_PATH, extra])
    assert first == derived._digest([LEXICON_PATH, extra])
    assert first != derived._digest([LEXICON_PATH])
    extra.write_text('{"synonyms": {"casualty": ["zorblaxes"]}}', encoding="utf-8")
    assert first != derived._digest([LEXICON_PATH, extra])


def test_an_unreadable_cache_file_is_rebuilt_not_an_error(cache: Path) -> None:
    build_in_a_process()
    [kept_file] = cache.glob("lexicon-*.pickle")
    kept_file.write_bytes(kept_file.read_bytes()[:1000])  # torn
    assert derived.lexicon(None) is default_lexicon(None)  # built as without a cache
