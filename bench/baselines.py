"""What a team might use instead of ClaimBot's matcher, on the same topics and questions."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence

import bm25s
import psycopg
from rapidfuzz import fuzz, process, utils

from bot.matching import TopicNames

#: The plain cut-off for the second baseline: WRatio's conventional "good match".
WRATIO_CUTOFF = 80.0


def wratio(
    topics: Sequence[TopicNames], cutoff: float | None = None
) -> Callable[[str], str | None]:
    """rapidfuzz ``process.extractOne`` with ``WRatio`` over every title and alias; with a
    cut-off, a best score below it is "no match"."""
    names: list[str] = []
    owners: list[str] = []
    for topic in topics:
        for name in (topic.title, *topic.aliases):
            names.append(name)
            owners.append(topic.title)

    def best(question: str) -> str | None:
        found = process.extractOne(
            question,
            names,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            score_cutoff=cutoff or 0,
        )
        return owners[found[2]] if found else None

    return best


def _names(topics: Sequence[TopicNames]) -> list[tuple[str, str]]:
    return [(t.title, name) for t in topics for name in (t.title, *t.aliases)]


class Fts5:
    """SQLite FTS5 over titles and aliases (porter stemming, accents folded), best bm25 hit;
    no hit is "no match"."""

    def __init__(self, topics: Sequence[TopicNames]) -> None:
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute(
            "CREATE VIRTUAL TABLE names USING fts5(topic UNINDEXED, name,"
            " tokenize='porter unicode61 remove_diacritics 2')"
        )
        self.db.executemany("INSERT INTO names VALUES (?, ?)", _names(topics))

    def __call__(self, question: str) -> str | None:
        terms = [w for w in re.findall(r"\w+", question.lower()) if len(w) > 1]
        if not terms:
            return None
        query = " OR ".join(f'"{t}"' for t in terms)
        row = self.db.execute(
            "SELECT topic FROM names WHERE names MATCH ? ORDER BY bm25(names) LIMIT 1", (query,)
        ).fetchone()
        return str(row[0]) if row else None


class PgTrgm:
    """PostgreSQL pg_trgm over titles and aliases with a GIN index: the most similar name above
    pg_trgm's default similarity threshold (0.3), else "no match"."""

    def __init__(self, topics: Sequence[TopicNames], url: str) -> None:
        self.connection = psycopg.connect(
            url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
        )
        with self.connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute("DROP TABLE IF EXISTS bench_names")
            cursor.execute("CREATE TABLE bench_names (topic text, name text)")
            with cursor.copy("COPY bench_names (topic, name) FROM STDIN") as copy:
                for row in _names(topics):
                    copy.write_row(row)
            cursor.execute("CREATE INDEX ON bench_names USING gin (name gin_trgm_ops)")
            cursor.execute("ANALYZE bench_names")

    def __call__(self, question: str) -> str | None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT topic FROM bench_names WHERE name %% %s"
                " ORDER BY similarity(name, %s) DESC LIMIT 1",
                (question, question),
            )
            row = cursor.fetchone()
        return str(row[0]) if row else None

    def close(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_names")
        self.connection.close()


class Bm25s:
    """Plain BM25 (bm25s, English stop words) over everything that describes a topic: title,
    aliases, claimants, metric names and quotes as one text; the best hit, or "no match" when
    no word is shared."""

    def __init__(self, topics: Sequence[TopicNames]) -> None:
        self._titles = [t.title for t in topics]
        texts = [
            " ".join((t.title, *t.aliases, *t.claimants, *t.metrics, *t.quotes)) for t in topics
        ]
        self._retriever = bm25s.BM25()
        self._retriever.index(bm25s.tokenize(texts, stopwords="en", show_progress=False))

    def __call__(self, question: str) -> str | None:
        tokens = bm25s.tokenize([question], stopwords="en", show_progress=False)
        if not tokens.vocab:
            return None
        found, scores = self._retriever.retrieve(tokens, k=1, show_progress=False)
        return self._titles[int(found[0][0])] if scores[0][0] > 0 else None
