"""Derived data kept on disk between processes: what every start would otherwise compute again
from the same inputs. The lexicon (its files read and validated, every country's names in nine
languages added, its words' lemmas looked up) and the lemmas of every word read so far, kept in
one file under ``$XDG_CACHE_HOME/claimbot`` (``~/.cache/claimbot``).

The file is named by a digest of everything its contents follow from: the lexicon files' bytes,
the source of the code that reads them (``bot/matching.py``, ``bot/reading.py``, this module),
the versions of pycountry, simplemma and wordfreq (which says which country codes are words
and which language a Cyrillic word is read in), and Python's. Any change to one of them names
another file, so what is read can never be stale; files named otherwise are removed when one is
written. A file that cannot be read or written is no error: the lexicon is built as without it.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from functools import cache
from importlib.metadata import version
from pathlib import Path

from bot import matching, reading
from bot.matching import LEXICON_PATH, Lexicon

log = logging.getLogger(__name__)


def cache_directory() -> Path:
    """Where ClaimBot keeps derived data: ``$XDG_CACHE_HOME/claimbot``, else
    ``~/.cache/claimbot``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "claimbot"


@cache
def lexicon(extra: Path | None = None) -> Lexicon:
    """The lexicon shipped with ClaimBot, with an editor's extra file (once per process), from
    the cache when an earlier process built it from the same inputs; the lemmas that process
    knew become known too. The lemmas this process reads are kept at its exit."""
    paths = [LEXICON_PATH, *([extra] if extra else [])]
    try:
        path = cache_directory() / f"lexicon-{_digest(paths)}.pickle"
    except (OSError, RuntimeError):  # a file that cannot be read, no home: built as ever
        return matching.default_lexicon(extra)
    try:
        with path.open("rb") as file:
            # The lexicon as built, before any question was read, and the lemmas known.
            blob, lemmas = pickle.load(file)  # noqa: S301  (written by this module only)
        built: Lexicon = pickle.loads(blob)  # noqa: S301
    except Exception as error:  # none kept, or not readable here: built as without it
        if not isinstance(error, FileNotFoundError):
            torn = not isinstance(error, OSError)  # a torn file, not only another's
            level = logging.WARNING if torn else logging.DEBUG
            log.log(level, "cannot read %s; the lexicon is built anew", path)
        built, lemmas = matching.default_lexicon(extra), {}
        blob = pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL)
    reading.LEMMAS.update(lemmas)
    atexit.register(_keep, path, blob, len(reading.LEMMAS) if lemmas else 0)
    return built


def _digest(paths: list[Path]) -> str:
    """A digest of everything the cached lexicon and lemmas follow from."""
    digest = hashlib.sha256()
    for path in [*paths, Path(matching.__file__), Path(reading.__file__), Path(__file__)]:
        digest.update(path.read_bytes())
        digest.update(b"\0")
    libraries = f"{version('pycountry')} {version('simplemma')} {version('wordfreq')} {sys.version}"
    digest.update(libraries.encode())
    return digest.hexdigest()[:32]


def _keep(path: Path, blob: bytes, known: int) -> None:
    """Write the lexicon and the lemmas known now, when there are more than were read."""
    lemmas = dict(reading.LEMMAS)
    if len(lemmas) <= known:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as file:
            pickle.dump((blob, lemmas), file, protocol=pickle.HIGHEST_PROTOCOL)
        Path(file.name).replace(path)  # whole or not at all, whoever writes last
        for old in path.parent.glob("lexicon-*.pickle"):
            if old != path:  # built from other inputs: never read again
                old.unlink(missing_ok=True)
    except OSError:
        log.debug("cannot keep the lexicon in %s", path.parent, exc_info=True)
