"""Answers to questions: the matched topics with each claimant's latest claim, side by side.

This is the one use case every entry point (CLI, console, Slack) calls; it knows nothing of how
an answer is displayed. The match index lives in memory, is built on first use and rebuilt when
the store's topics or claims change.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.errors import ClaimBotError
from bot.formatting import format_date, format_number
from bot.matching import Lexicon, Match, MatchResult, TopicIndex
from bot.models import Verification, utcnow
from bot.moments import Moment, Reading
from bot.moments import read as read_moment
from bot.store import FIRST, ClaimRow, ClaimStore, DatedFigures, TopicSummary

MAX_QUESTION_LENGTH = 500
#: Answers computed at once in a process. Answering is CPU-bound: more at once only takes the
#: processor from the threads that must acknowledge Slack's requests within 3 seconds.
ANSWERS_AT_ONCE = 4

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
    """A claimant's dated series on a topic, summarised: how many, since when, how it moved,
    and whether its newest claim is much older than the series' usual interval."""

    count: int
    first_on: date
    first: FigureView
    change_7: float | None
    change_30: float | None
    #: Days between claims, on average.
    cadence_days: float = 0.0
    #: Days since the newest claim, when that is far beyond the cadence; else None.
    stale_days: int | None = None

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
        text += " Change: " + "; ".join(changes) + "." if changes else ""
        if self.stale_days is not None:
            text += (
                f" Possibly out of date: the newest claim is {self.stale_days:,} days old, "
                f"where this series usually has one every {_days(self.cadence_days)}."
            )
        return text


@dataclass(frozen=True, slots=True)
class ChangeView:
    """How a claimant's figure moved over the period asked about."""

    first_on: date
    first: FigureView
    last: FigureView

    @property
    def difference(self) -> float:
        return self.last.value - self.first.value

    @property
    def summary(self) -> str:
        return (
            f"{self.first.metric}: {self.first.amount} on {format_date(self.first_on)}, "
            f"then {self.last.amount}: {_signed(self.difference)}"
        )


def _days(value: float) -> str:
    return "day" if value <= 1.5 else f"{value:,.0f} days"


def how_long_ago(day: date, today: date) -> str:
    """ "today", "yesterday", "12 days ago", "3 months ago", "4 years ago"."""
    days = (today - day).days
    if days < 0:
        return "in the future"
    if days <= 1:
        return ("today", "yesterday")[days]
    if days < 60:
        return f"{days} days ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"


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
    #: How old the claim is, as the answer is given.
    ago: str = ""
    #: How the figure moved over the period asked about, when the claimant has several claims.
    change: ChangeView | None = None

    @classmethod
    def of(
        cls,
        claim: ClaimRow,
        series: SeriesView | None = None,
        today: date | None = None,
        change: ChangeView | None = None,
    ) -> ClaimView:
        return cls(
            id=claim.id,
            claimant=claim.claimant,
            outlet=claim.outlet,
            source_url=claim.source_url,
            claimed_on=claim.claimed_on,
            as_of=claim.as_of,
            figures=tuple(FigureView(*figure) for figure in claim.figures),
            verification=Verification(claim.verification),
            caveat=claim.caveat,
            quote=claim.quote,
            series=series,
            ago=how_long_ago(claim.claimed_on, today) if today else "",
            change=change,
        )

    @property
    def verification_label(self) -> str:
        return VERIFICATION_LABELS[self.verification]

    @property
    def dates(self) -> str:
        """When the claim was made, and the date its figures refer to when that differs."""
        text = f"claimed {format_date(self.claimed_on)}"
        if self.ago:
            text += f" ({self.ago})"
        if self.as_of and self.as_of != self.claimed_on:
            text += f", figures as of {format_date(self.as_of)}"
        return text


@dataclass(frozen=True, slots=True)
class TopicAnswer:
    topic_id: int
    topic: str
    score: float
    claims: tuple[ClaimView, ...]
    #: Claimants on the topic with no claim by the moment asked (or in the period asked).
    missing: tuple[str, ...] = ()
    #: The moment asked lies after every claim on the topic: the figures are the latest.
    latest_available: date | None = None
    #: The moment or period the claims were chosen for (None: the latest).
    moment: Moment | None = None

    @property
    def notes(self) -> list[str]:
        """What the reader must know about the moment asked: who had said nothing by then,
        and whether the figures are simply the latest there are."""
        notes = []
        if self.missing:
            when = "in that period" if self.moment and self.moment.is_period else "by then"
            notes.append(f"No claim {when}: {', '.join(self.missing)}.")
        if self.latest_available:
            notes.append(
                f"No claim on this topic is newer than {format_date(self.latest_available)}: "
                "the figures shown are the latest available."
            )
        return notes

    @property
    def verification_summary(self) -> str:
        """One sentence on how far the shown claims are verified."""
        if not self.claims:
            return ""
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
    #: The moment or period the question asks about; None for "the latest".
    moment: Moment | None = None
    #: Words that looked like a date but could not be read as one.
    date_problem: str | None = None

    @property
    def when(self) -> str | None:
        """Which moment the answer is for, said plainly; None for the latest claims."""
        if self.date_problem:
            return f"{self.date_problem} These are the latest claims."
        if self.moment is None:
            return None
        label = self.moment.label
        if self.moment.is_period:
            return (
                f"{label[0].upper()}{label[1:]}: each claimant's latest claim made in that "
                "period, and how their figure changed within it."
            )
        return f"{label[0].upper()}{label[1:]}: each claimant's latest claim made by then."

    def to_json(self) -> dict[str, Any]:
        """The ``ask --format json`` document."""
        moment = self.moment
        return {
            "query": self.question,
            "as_of": moment.end.isoformat() if moment else None,
            "period": (
                {"from": moment.start.isoformat(), "to": moment.end.isoformat()}
                if moment and moment.start
                else None
            ),
            "date_problem": self.date_problem,
            "matches": [
                {
                    "topic": m.topic,
                    "score": m.score,
                    "claims": [_claim_json(c) for c in m.claims],
                    "no_claim_by_then": list(m.missing),
                    "latest_available": (
                        m.latest_available.isoformat() if m.latest_available else None
                    ),
                }
                for m in self.matches
            ],
            "suggestions": list(self.suggestions),
        }


def _claim_json(claim: ClaimView) -> dict[str, Any]:
    data = asdict(claim)
    del data["series"]
    data["stale_days"] = claim.series.stale_days if claim.series else None
    data["change"] = (
        {
            "metric": claim.change.first.metric,
            "from_claimed_on": claim.change.first_on.isoformat(),
            "from": _plain(claim.change.first.value),
            "to": _plain(claim.change.last.value),
            "difference": _plain(claim.change.difference),
        }
        if claim.change
        else None
    )
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


#: How many topics one page of a topic listing holds (Slack's limits allow this many lines).
TOPICS_PAGE = 40


@dataclass(frozen=True, slots=True)
class TopicsPage:
    """One page of the topics with claims, alphabetically: those whose title or an alias
    contains ``query`` (every topic without one). When none does, ``suggestions`` names the
    topics the query comes closest to as a question."""

    query: str | None
    total: int
    page: int
    per_page: int
    topics: tuple[TopicSummary, ...]
    suggestions: tuple[str, ...] = ()

    @property
    def first(self) -> int:
        """The position of the first topic shown, from 1."""
        return (self.page - 1) * self.per_page + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def heading(self) -> str:
        scope = f' matching "{self.query}"' if self.query else " with claims"
        if not self.total:
            return f"No topics{scope}."
        count = f"{self.total:,} topic{'s' if self.total != 1 else ''}{scope}"
        if not self.topics:
            return f"{count}; page {self.page} is past the last ({self.pages})."
        if self.total <= len(self.topics):
            return f"{count}."
        last = self.first + len(self.topics) - 1
        return f"{count}: {self.first:,} to {last:,} (page {self.page} of {self.pages})."

    def next_request(self) -> str | None:
        """What to type for the next page, if there is one."""
        if self.page >= self.pages:
            return None
        return " ".join(["topics", *([self.query] if self.query else []), f"page {self.page + 1}"])


class AnswerService:
    """Answers questions from the store, keeping the match index fresh."""

    def __init__(self, sessions: sessionmaker[Session], lexicon: Lexicon | None = None) -> None:
        self._sessions = sessions
        self._lexicon = lexicon
        self._lock = threading.Lock()
        self._index: TopicIndex | None = None
        self._version: tuple[Any, ...] | None = None
        self._answering = threading.BoundedSemaphore(ANSWERS_AT_ONCE)

    def _fresh_index(self, store: ClaimStore) -> TopicIndex:
        version = store.index_version()
        with self._lock:
            if self._index is None or version != self._version:
                self._index = TopicIndex(store.topic_names(), self._lexicon)
                self._version = version
            return self._index

    def ask(self, question: str, limit: int = 3, today: date | None = None) -> Answer:
        """Each matched topic with the latest claim of each claimant, most recent first; when
        the question names a moment, the latest made by then (or within the period named)."""
        check_question(question)
        today = today or utcnow().date()
        with self._answering, self._sessions() as session:
            store = ClaimStore(session)
            reading, result = _read_and_match(self._fresh_index(store), question, today)
            moment = reading.moment
            shown = result.matches[:limit]
            ids = [m.topic_id for m in shown]
            if moment is None:
                latest = store.latest_claims(ids)
                series = _series(store, [c for claims in latest.values() for c in claims], today)
                matches = tuple(
                    TopicAnswer(
                        m.topic_id,
                        m.title,
                        m.score,
                        tuple(
                            ClaimView.of(claim, series.get(claim.id), today)
                            for claim, _ in latest[m.topic_id]
                        ),
                    )
                    for m in shown
                )
            else:
                matches = tuple(self._as_of(store, shown, moment, today))
        return Answer(
            question=question,
            matches=matches,
            suggestions=tuple(s.title for s in result.suggestions),
            certain=result.certain,
            moment=moment,
            date_problem=reading.problem,
        )

    @staticmethod
    def _as_of(
        store: ClaimStore, shown: Sequence[Match], moment: Moment, today: date
    ) -> Iterator[TopicAnswer]:
        """The answers for a moment: each claimant's latest claim by then (within the period),
        how it moved over the period, and who had made no claim by then."""
        ids = [m.topic_id for m in shown]
        latest = store.latest_claims(ids, until=moment.end, since=moment.start)
        first = (
            store.latest_claims(ids, until=moment.end, since=moment.start, earliest=True)
            if moment.is_period
            else {}
        )
        claimants = store.claimants(ids)
        series = (
            {}
            if moment.is_period
            else _series(store, [c for claims in latest.values() for c in claims], None)
        )
        for match in shown:
            starts = {claim.claimant: claim for claim, _ in first.get(match.topic_id, [])}
            views = tuple(
                ClaimView.of(
                    claim, series.get(claim.id), today, _change(starts.get(claim.claimant), claim)
                )
                for claim, _ in latest[match.topic_id]
            )
            shown_claimants = {view.claimant for view in views}
            newest = max(claimants[match.topic_id].values(), default=None)
            yield TopicAnswer(
                match.topic_id,
                match.title,
                match.score,
                views,
                missing=tuple(sorted(set(claimants[match.topic_id]) - shown_claimants)),
                latest_available=newest if views and newest and moment.end > newest else None,
                moment=moment,
            )

    def history(self, question: str, today: date | None = None) -> TopicAnswer | None:
        """Every active claim on the best-matching topic, newest first; only those made by
        the moment the question names (or within its period)."""
        check_question(question)
        with self._answering, self._sessions() as session:
            store = ClaimStore(session)
            index = self._fresh_index(store)
            reading, result = _read_and_match(index, question, today or utcnow().date())
            moment = reading.moment
            if not result.matches:
                return None
            best = result.matches[0]
            claims = tuple(
                ClaimView.of(c)
                for c in store.topic_claims(best.topic_id)
                if moment is None
                or (
                    c.claimed_on <= moment.end
                    and (moment.start is None or c.claimed_on >= moment.start)
                )
            )
        return TopicAnswer(best.topic_id, best.title, best.score, claims, moment=moment)

    def topic_ids(self, question: str) -> set[int]:
        """The topics a question matches with confidence."""
        check_question(question)
        with self._sessions() as session:
            result = self._fresh_index(ClaimStore(session)).match(question)
        return {m.topic_id for m in result.matches}

    def topics_page(
        self, query: str | None = None, page: int = 1, per_page: int = TOPICS_PAGE
    ) -> TopicsPage:
        """A page of the topics with claims whose title or an alias contains ``query`` (any
        case), alphabetically, with counts and newest dates; the closest topics when none
        does."""
        query = (query or "").strip() or None
        if query:
            check_question(query)
        page = max(1, page)
        with self._sessions() as session:
            store = ClaimStore(session)
            total, topics = store.topic_summaries(query, per_page, (page - 1) * per_page)
            suggestions: tuple[str, ...] = ()
            if query and not total:
                result = self._fresh_index(store).match(query)
                suggestions = tuple(m.title for m in (*result.matches, *result.suggestions))
        return TopicsPage(query, total, page, per_page, tuple(topics), suggestions)

    def topic_count(self) -> int:
        """How many topics have claims."""
        with self._sessions() as session:
            return len(self._fresh_index(ClaimStore(session)).titles)

    def topics(self) -> Sequence[str]:
        """Titles of every topic that has claims, alphabetically."""
        with self._sessions() as session:
            return self._fresh_index(ClaimStore(session)).titles


def _read_and_match(index: TopicIndex, question: str, today: date) -> tuple[Reading, MatchResult]:
    """The question's moment and its match on the rest; a date that is part of the matched
    topic's own name ("Civilians Killed since 24 Feb 2022") is no moment asked about."""
    reading = read_moment(question, today)
    result = index.match(reading.question)
    if reading.moment or reading.problem:
        said = _plain_words(reading.moment.said if reading.moment else question)
        whole = index.match(question)
        best = (whole.matches or whole.suggestions)[:1]
        if said and best and f" {said} " in f" {_plain_words(best[0].title)} ":
            return Reading(question), whole
    return reading, result


def _plain_words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


#: A claimant with at least this many claims on a topic is shown as a series.
SERIES_MINIMUM = 3
#: A series is flagged as possibly out of date when its newest claim is older than this many
#: times its usual interval, and older than a week.
STALE_FACTOR = 3
STALE_AFTER_DAYS = 7


def _change(first: ClaimRow | None, last: ClaimRow) -> ChangeView | None:
    """How the first figure of ``last`` moved since ``first`` (None for a single claim)."""
    if first is None or first.id == last.id or not last.figures:
        return None
    metric = last.figures[0]
    before = next((f for f in first.figures if f.metric == metric.metric), None)
    if before is None:
        return None
    return ChangeView(first.claimed_on, FigureView(*before), FigureView(*metric))


def _series(
    store: ClaimStore, latest: Sequence[tuple[ClaimRow, int]], today: date | None
) -> dict[int, SeriesView]:
    """The series of each claimant with at least :data:`SERIES_MINIMUM` claims, up to their
    latest claim, by that claim's id, from one query however many claimants; checked for
    staleness against ``today`` (None when the answer is for a past moment)."""
    long = [(claim, count) for claim, count in latest if count >= SERIES_MINIMUM]
    points = store.series_points(
        [(claim.topic_id, claim.claimant, claim.claimed_on) for claim, _ in long], (7, 30)
    )
    views = {}
    for claim, count in long:
        view = _series_view(claim, count, today, points)
        if view is not None:
            views[claim.id] = view
    return views


def _series_view(
    latest: ClaimRow,
    count: int,
    today: date | None,
    points: dict[tuple[int, str, int], DatedFigures],
) -> SeriesView | None:
    """A claimant's series summarised from its points (:meth:`ClaimStore.series_points`):
    the first claim, and the latest claims 7 and 30 days before ``latest``."""

    def point(kind: int) -> DatedFigures | None:
        return points.get((latest.topic_id, latest.claimant, kind))

    first = point(FIRST)
    if first is None or not first.figures or not latest.figures:
        return None
    metric = latest.figures[0].metric
    now = latest.figures[0].value

    def change(days: int) -> float | None:
        then = point(days)
        figure = next((f for f in then.figures if f.metric == metric), None) if then else None
        return None if figure is None else now - figure.value

    first_figure = next((f for f in first.figures if f.metric == metric), first.figures[0])
    cadence = (latest.claimed_on - first.claimed_on).days / max(count - 1, 1)
    age = (today - latest.claimed_on).days if today else 0
    stale = today is not None and age > max(STALE_AFTER_DAYS, STALE_FACTOR * cadence)
    return SeriesView(
        count=count,
        first_on=first.claimed_on,
        first=FigureView(*first_figure),
        change_7=change(7),
        change_30=change(30),
        cadence_days=cadence,
        stale_days=age if stale else None,
    )


def check_question(question: str) -> None:
    """Refuse questions no one would type, before any work is done."""
    if len(question) > MAX_QUESTION_LENGTH:
        raise ClaimBotError(
            f"Questions are limited to {MAX_QUESTION_LENGTH} characters; "
            f"this one has {len(question)}."
        )
