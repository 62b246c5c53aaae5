"""Answers to questions: the matched topics with each claimant's latest claim, side by side.

This is the one use case every entry point (CLI, console, Slack) calls; it knows nothing of how
an answer is displayed. The match index lives in memory, is built on first use and rebuilt when
the store's topics or claims change.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.errors import ClaimBotError
from bot.formatting import format_date, format_number
from bot.matching import Lexicon, TopicIndex
from bot.models import Claim, Verification
from bot.store import ClaimStore

MAX_QUESTION_LENGTH = 500

VERIFICATION_LABELS = {
    Verification.UNVERIFIED: "Not independently verified",
    Verification.DISPUTED: "Disputed",
    Verification.CORROBORATED: "Corroborated by independent sources",
    Verification.VERIFIED: "Independently verified",
    Verification.FALSE: "Rated false",
}


@dataclass(frozen=True, slots=True)
class FigureView:
    metric: str
    value: float
    value_high: float | None
    unit: str | None

    @property
    def amount(self) -> str:
        """The value with its unit: "1,597 troops", "50–70%"."""
        text = format_number(self.value)
        if self.value_high is not None and self.value_high != self.value:
            text += "–" + format_number(self.value_high)
        if self.unit == "%":
            return text + "%"
        return f"{text} {self.unit}" if self.unit else text


@dataclass(frozen=True, slots=True)
class SeriesView:
    """A claimant's dated series on a topic, summarised: how many, since when, how it moved."""

    count: int
    first_on: date
    first: FigureView
    change_7: float | None
    change_30: float | None

    @property
    def summary(self) -> str:
        text = (
            f"{self.count:,} dated claims since {format_date(self.first_on)} "
            f"(first: {self.first.amount})."
        )
        changes = [
            f"{_signed(change)} over {days} days"
            for change, days in ((self.change_7, 7), (self.change_30, 30))
            if change is not None
        ]
        return text + (" Change: " + "; ".join(changes) + "." if changes else "")


def _signed(value: float) -> str:
    return ("+" if value >= 0 else "−") + format_number(abs(value))


@dataclass(frozen=True, slots=True)
class ClaimView:
    id: int
    claimant: str
    outlet: str | None
    source_url: str | None
    claimed_on: date
    as_of: date | None
    figures: tuple[FigureView, ...]
    verification: Verification
    caveat: str | None
    quote: str | None
    series: SeriesView | None = None

    @classmethod
    def of(cls, claim: Claim, series: SeriesView | None = None) -> ClaimView:
        return cls(
            id=claim.id,
            claimant=claim.claimant,
            outlet=claim.outlet,
            source_url=claim.source_url,
            claimed_on=claim.claimed_on,
            as_of=claim.as_of,
            figures=tuple(
                FigureView(f.metric, f.value, f.value_high, f.unit) for f in claim.figures
            ),
            verification=Verification(claim.verification),
            caveat=claim.caveat,
            quote=claim.quote,
            series=series,
        )

    @property
    def verification_label(self) -> str:
        return VERIFICATION_LABELS[self.verification]

    @property
    def dates(self) -> str:
        """When the claim was made, and the date its figures refer to when that differs."""
        text = f"claimed {format_date(self.claimed_on)}"
        if self.as_of and self.as_of != self.claimed_on:
            text += f", figures as of {format_date(self.as_of)}"
        return text


@dataclass(frozen=True, slots=True)
class TopicAnswer:
    topic_id: int
    topic: str
    score: float
    claims: tuple[ClaimView, ...]

    @property
    def verification_summary(self) -> str:
        """One sentence on how far the shown claims are verified."""
        counts = Counter(c.verification for c in self.claims)
        if counts.keys() == {Verification.UNVERIFIED}:
            if len(self.claims) == 1:
                return "This claim is not independently verified."
            return f"None of these {len(self.claims)} claims is independently verified."
        parts = [f"{n} {status.value}" for status, n in sorted(counts.items())]
        return "Verification: " + ", ".join(parts) + "."


@dataclass(frozen=True, slots=True)
class Answer:
    """Confident matches (empty when nothing matched) and close topics to suggest."""

    question: str
    matches: tuple[TopicAnswer, ...]
    suggestions: tuple[str, ...]
    certain: bool

    def to_json(self) -> dict[str, Any]:
        """The ``ask --format json`` document."""
        return {
            "query": self.question,
            "matches": [
                {
                    "topic": m.topic,
                    "score": m.score,
                    "claims": [_claim_json(c) for c in m.claims],
                }
                for m in self.matches
            ],
            "suggestions": list(self.suggestions),
        }


def _claim_json(claim: ClaimView) -> dict[str, Any]:
    data = asdict(claim)
    del data["series"]
    data["claimed_on"] = claim.claimed_on.isoformat()
    data["as_of"] = claim.as_of.isoformat() if claim.as_of else None
    data["verification"] = claim.verification.value
    data["figures"] = [
        {
            "metric": f.metric,
            "value": _plain(f.value),
            "value_high": None if f.value_high is None else _plain(f.value_high),
            "unit": f.unit,
        }
        for f in claim.figures
    ]
    return data


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


class AnswerService:
    """Answers questions from the store, keeping the match index fresh."""

    def __init__(self, sessions: sessionmaker[Session], lexicon: Lexicon | None = None) -> None:
        self._sessions = sessions
        self._lexicon = lexicon
        self._lock = threading.Lock()
        self._index: TopicIndex | None = None
        self._version: tuple[Any, ...] | None = None

    def _fresh_index(self, store: ClaimStore) -> TopicIndex:
        version = store.index_version()
        with self._lock:
            if self._index is None or version != self._version:
                self._index = TopicIndex(store.topic_names(), self._lexicon)
                self._version = version
            return self._index

    def ask(self, question: str, limit: int = 3) -> Answer:
        """Each matched topic with the latest claim of each claimant, most recent first."""
        check_question(question)
        with self._sessions() as session:
            store = ClaimStore(session)
            result = self._fresh_index(store).match(question)
            shown = result.matches[:limit]
            latest = store.latest_claims([m.topic_id for m in shown])
            matches = tuple(
                TopicAnswer(m.topic_id, m.title, m.score, _views(store, latest[m.topic_id]))
                for m in shown
            )
        return Answer(
            question=question,
            matches=matches,
            suggestions=tuple(s.title for s in result.suggestions),
            certain=result.certain,
        )

    def history(self, question: str) -> TopicAnswer | None:
        """Every active claim on the best-matching topic, by claimant, newest first."""
        check_question(question)
        with self._sessions() as session:
            store = ClaimStore(session)
            result = self._fresh_index(store).match(question)
            if not result.matches:
                return None
            best = result.matches[0]
            claims = tuple(ClaimView.of(c) for c in store.topic_claims(best.topic_id))
        return TopicAnswer(best.topic_id, best.title, best.score, claims)

    def topic_ids(self, question: str) -> set[int]:
        """The topics a question matches with confidence."""
        check_question(question)
        with self._sessions() as session:
            result = self._fresh_index(ClaimStore(session)).match(question)
        return {m.topic_id for m in result.matches}

    def topics(self) -> Sequence[str]:
        """Titles of every topic that has claims, alphabetically."""
        with self._sessions() as session:
            return self._fresh_index(ClaimStore(session)).titles


#: A claimant with at least this many claims on a topic is shown as a series.
SERIES_MINIMUM = 3


def _views(store: ClaimStore, latest: list[tuple[Claim, int]]) -> tuple[ClaimView, ...]:
    """Each claimant's latest claim; a long series of one claimant summarised, not listed."""
    return tuple(
        ClaimView.of(
            claim,
            _series(store, claim.topic_id, claim, count) if count >= SERIES_MINIMUM else None,
        )
        for claim, count in latest
    )


def _series(store: ClaimStore, topic_id: int, latest: Claim, count: int) -> SeriesView | None:
    first = store.claim_on_or_before(topic_id, latest.claimant)
    if first is None or not first.figures or not latest.figures:
        return None
    metric = latest.figures[0].metric

    def value(claim: Claim | None) -> float | None:
        figure = next((f for f in claim.figures if f.metric == metric), None) if claim else None
        return figure.value if figure else None

    def change(days: int) -> float | None:
        then = value(
            store.claim_on_or_before(
                topic_id, latest.claimant, latest.claimed_on - timedelta(days=days)
            )
        )
        now = value(latest)
        return None if then is None or now is None else now - then

    first_figure = next((f for f in first.figures if f.metric == metric), first.figures[0])
    return SeriesView(
        count=count,
        first_on=first.claimed_on,
        first=FigureView(
            first_figure.metric, first_figure.value, first_figure.value_high, first_figure.unit
        ),
        change_7=change(7),
        change_30=change(30),
    )


def check_question(question: str) -> None:
    """Refuse questions no one would type, before any work is done."""
    if len(question) > MAX_QUESTION_LENGTH:
        raise ClaimBotError(
            f"Questions are limited to {MAX_QUESTION_LENGTH} characters; "
            f"this one has {len(question)}."
        )
