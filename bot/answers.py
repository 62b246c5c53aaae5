"""Answers to questions: the matched topics with each claimant's latest claim, side by side.

This is the one use case every entry point (CLI, console, Slack) calls; it knows nothing of how
an answer is displayed. The match index lives in memory, is built on first use and, before
each question, updated in place for the topics the store's change log names since.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.errors import ClaimBotError
from bot.formatting import format_date, format_number
from bot.listening import ChangeListener
from bot.matching import Lexicon, Match, MatchResult, TopicIndex
from bot.models import Basis, Verification, utcnow
from bot.moments import Moment, Reading
from bot.moments import read as read_moment
from bot.semantic import SemanticModel
from bot.store import FIRST, ClaimRow, ClaimStore, DatedFigures, FigureRow, TopicSummary

log = logging.getLogger(__name__)

MAX_QUESTION_LENGTH = 500
#: A pasted message may be longer than a question (a message shortcut, a long mention).
MAX_MESSAGE_LENGTH = 4000
#: How much of a pasted message an answer repeats.
MESSAGE_PREVIEW = 200
#: More changed topics than this share of the index (and than REBUILD_AT_LEAST) rebuild it
#: whole, which is then cheaper than updating each in place.
REBUILD_SHARE = 0.05
REBUILD_AT_LEAST = 50
#: How long a change id skipped over is still awaited: its writer took the id just before
#: another's and commits just after (the change log is written at commit, so this is brief).
LATE_CHANGE_SECONDS = 10.0
#: How many topics' shown rows (latest claims, series points) an answer service keeps between
#: questions, and how many topics' newest changes it remembers to refuse rows read before them.
SHOWN_ROWS_KEPT = 4096
CHANGES_REMEMBERED = 65_536
#: Kept rows are read again after this many seconds whatever the log says: a writer that took
#: its change id and stalled past LATE_CHANGE_SECONDS before committing is missed by the log.
SHOWN_ROWS_SECONDS = 60.0
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


#: A figure's basis as an answer says it.
BASIS_LABELS = {
    Basis.OFFICIAL_CLAIM: "an official claim",
    Basis.ESTIMATE: "an estimate",
    Basis.CONFIRMED_FLOOR: "a confirmed count, so a floor: at least this many",
    Basis.PROJECTION: "a projection, not a count",
    Basis.MODEL: "a model's output, not a count",
}
#: The same, in a word or two (in spreads and forms).
BASIS_SHORT = {
    Basis.OFFICIAL_CLAIM: "official claim",
    Basis.ESTIMATE: "estimate",
    Basis.CONFIRMED_FLOOR: "confirmed floor",
    Basis.PROJECTION: "projection",
    Basis.MODEL: "model",
}


def and_join(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _unique(items: Iterator[Any]) -> list[Any]:
    return list(dict.fromkeys(items))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True, slots=True)
class FigureView:
    metric: str
    value: float
    value_high: float | None
    unit: str | None
    #: What the figure counts: a kind's key and its label.
    counts: str | None = None
    counts_label: str | None = None
    basis: Basis | None = None
    coverage_from: date | None = None
    coverage_to: date | None = None
    area: str | None = None

    @classmethod
    def of(cls, figure: FigureRow) -> FigureView:
        return cls(
            figure.metric,
            figure.value,
            figure.value_high,
            figure.unit,
            figure.counts,
            figure.counts_label,
            Basis(figure.basis) if figure.basis else None,
            figure.coverage_from,
            figure.coverage_to,
            figure.area,
        )

    @property
    def amount(self) -> str:
        """The value with its unit: "1,597 troops", "50–70%"."""
        text = format_number(self.value)
        if self.value_high is not None and self.value_high != self.value:
            text += "–" + format_number(self.value_high)
        return _with_unit(text, self.unit)

    @property
    def coverage(self) -> str | None:
        """The span and place covered: "24 February 2022 to 2 March 2022, in Ukraine"."""
        start, end = self.coverage_from, self.coverage_to
        span = ""
        if start and end:
            span = f"{format_date(start)} to {format_date(end)}"
        elif start:
            span = f"since {format_date(start)}"
        elif end:
            span = f"up to {format_date(end)}"
        if span and self.area:
            return f"{span}, in {self.area}"
        return span or self.area or None


def _with_unit(text: str, unit: str | None) -> str:
    if unit == "%":
        return text + "%"
    return f"{text} {unit}" if unit else text


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
class Echo:
    """One outlet's report of a claim repeated by several."""

    id: int
    claimant: str
    outlet: str | None
    claimed_on: date
    source_url: str | None

    @property
    def name(self) -> str:
        return self.outlet or self.claimant


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
    #: The upstream source the claim cites.
    cites: str | None = None
    #: The reports, this one first, that repeat one source's figures (two or more); else empty.
    repeated_by: tuple[Echo, ...] = ()

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
            figures=tuple(FigureView.of(f) for f in claim.figures),
            verification=Verification(claim.verification),
            caveat=claim.caveat,
            quote=claim.quote,
            series=series,
            ago=how_long_ago(claim.claimed_on, today) if today else "",
            change=change,
            cites=claim.cites,
        )

    @property
    def what_it_counts(self) -> str | None:
        """What the figures count, on what basis and what they cover, in one sentence:
        "Counts killed and wounded, separately; an official claim; covers ..."."""
        parts = []
        kinds = _unique(f.counts_label for f in self.figures if f.counts_label)
        if kinds:
            parts.append("counts " + and_join(kinds) + (", separately" if len(kinds) > 1 else ""))
        # Said once when every figure has the same, else figure by figure.
        bases = _unique(f.basis for f in self.figures)
        if len(bases) == 1 and bases[0]:
            parts.append(BASIS_LABELS[bases[0]])
        elif any(bases):
            parts.append(
                ", ".join(f"{f.metric}: {BASIS_SHORT[f.basis]}" for f in self.figures if f.basis)
            )
        coverages = _unique(f.coverage for f in self.figures)
        if len(coverages) == 1 and coverages[0]:
            parts.append(f"covers {coverages[0]}")
        elif any(coverages):
            parts.append(
                ", ".join(f"{f.metric} covers {f.coverage}" for f in self.figures if f.coverage)
            )
        return _capital("; ".join(parts)) + "." if parts else None

    @property
    def who(self) -> str:
        """Whom the answer names for the figures: the source a repeated claim cites, else the
        claimant."""
        return self.source if self.repeated_by else self.claimant

    @property
    def source(self) -> str:
        """Whose figures these are at the source: what the claim cites, else the claimant."""
        return self.cites or self.claimant

    @property
    def echo_note(self) -> str | None:
        """ "Citing X: repeated by 3 outlets." when several reports repeat one source."""
        if len(self.repeated_by) < 2:
            return None
        count = len(_unique(e.name for e in self.repeated_by))
        return f"Citing {self.source}: repeated by {count} outlet{'s' if count != 1 else ''}."

    @property
    def outlets(self) -> list[str]:
        """The reports that repeat this claim's source, one line each."""
        return [f"{e.name}, {format_date(e.claimed_on)}" for e in self.repeated_by]

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
class Spread:
    """How far comparable figures of one kind differ."""

    counts: str
    label: str
    unit: str | None
    low: float
    low_by: str
    low_basis: Basis | None
    high: float
    high_by: str
    high_basis: Basis | None

    @property
    def range(self) -> str:
        def end(value: float, who: str, basis: Basis | None) -> str:
            said = f"{who}, {BASIS_SHORT[basis]}" if basis else who
            return f"{_with_unit(format_number(value), self.unit)} ({said})"

        return (
            f"claims range from {end(self.low, self.low_by, self.low_basis)} "
            f"to {end(self.high, self.high_by, self.high_basis)}"
        )

    @property
    def summary(self) -> str:
        return f"{_capital(self.label)}: {self.range}."


@dataclass(frozen=True, slots=True)
class ComparableGroup:
    """Claims whose figures count the same kind of thing, with the spread of each kind."""

    counts: tuple[str, ...]
    labels: tuple[str, ...]
    claims: tuple[int, ...]
    spreads: tuple[Spread, ...]
    #: Kinds whose figures are not set side by side, and why: "Killed: not compared, as the
    #: figures cover different periods."
    apart: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        count = len(self.claims)
        head = f"Counting {and_join(self.labels)} ({count} claim{'s' if count != 1 else ''})"
        if len(self.spreads) == 1 and len(self.labels) == 1 and not self.apart:
            return f"{head}: {self.spreads[0].range}."
        return " ".join([head + ".", *(s.summary for s in self.spreads), *self.apart])


def collapse_echoes(claims: Sequence[ClaimView]) -> list[ClaimView]:
    """Claims that cite one source (or are its own) with the same figures counting the same
    kinds and judged alike (verification), shown once: the most recent, with every report in
    ``repeated_by``. A report that differs in any of these is shown on its own."""
    groups: dict[tuple[Any, ...], list[ClaimView]] = {}
    for claim in claims:
        figures = tuple(
            (f.metric.casefold(), f.value, f.value_high, f.unit, f.counts) for f in claim.figures
        )
        key = (
            (claim.source.strip().casefold(), figures, claim.verification)
            if figures
            else ("claim", claim.id)
        )
        groups.setdefault(key, []).append(claim)
    return [
        replace(
            members[0],
            repeated_by=tuple(
                Echo(m.id, m.claimant, m.outlet, m.claimed_on, m.source_url) for m in members
            ),
        )
        if len(members) > 1
        else members[0]
        for members in groups.values()
    ]


def compare(
    claims: Sequence[ClaimView],
) -> tuple[tuple[ClaimView, ...], tuple[ComparableGroup, ...], str | None]:
    """The claims group by group (claims whose figures share a kind are one group; when every
    group holds one claim, in their order), the groups with their spreads, and one plain line
    when the groups count different things."""
    found: list[tuple[set[str], list[int]]] = []
    for index, claim in enumerate(claims):
        kinds = {f.counts for f in claim.figures if f.counts}
        if not kinds:
            continue
        touching = [g for g in found if g[0] & kinds]
        members = sorted([index, *(i for g in touching for i in g[1])])
        merged = (kinds.union(*(g[0] for g in touching)), members)
        place = found.index(touching[0]) if touching else len(found)
        found = [g for g in found if g not in touching]
        found.insert(min(place, len(found)), merged)
    groups = tuple(_group([claims[i] for i in members]) for _, members in found)
    grouped = {i for _, members in found for i in members}
    ordered = tuple(claims)
    if any(len(members) > 1 for _, members in found):  # else the order by recency stays
        ordered = tuple(
            [claims[i] for _, members in found for i in members]
            + [c for i, c in enumerate(claims) if i not in grouped]
        )
    line = None
    if len(groups) > 1:
        parts = []
        for group, (_, members) in zip(groups, found, strict=True):
            names = _unique(claims[i].who for i in members)
            one = len(members) == 1
            said = and_join(group.labels) + (
                ", separately" if one and len(group.labels) > 1 else ""
            )
            parts.append(f"{and_join(names)} {'counts' if len(names) == 1 else 'count'} {said}")
        line = "These figures count different things: " + "; ".join(parts) + "."
    return ordered, groups, line


def _group(members: Sequence[ClaimView]) -> ComparableGroup:
    labels: dict[str, str] = {}
    for claim in members:
        for figure in claim.figures:
            if figure.counts:
                labels.setdefault(figure.counts, figure.counts_label or figure.counts)
    spreads, apart = [], []
    for kind, label in labels.items():
        ends = [
            (figure, claim)
            for claim in members
            for figure in claim.figures
            if figure.counts == kind
        ]
        by_claim = _unique(claim.id for _, claim in ends)
        if len(by_claim) < 2:
            continue
        differ = _differ([figure for figure, _ in ends])
        if differ:
            apart.append(f"{_capital(label)}: not compared, as the figures {differ}.")
            continue
        low = min(ends, key=lambda e: e[0].value)
        high = max(ends, key=lambda e: _top(e[0]))
        top = _top(high[0])
        if low[0].value == top:
            continue
        spreads.append(
            Spread(
                kind,
                label,
                low[0].unit,
                low[0].value,
                low[1].who,
                low[0].basis,
                top,
                high[1].who,
                high[0].basis,
            )
        )
    return ComparableGroup(
        tuple(labels),
        tuple(labels.values()),
        tuple(c.id for c in members),
        tuple(spreads),
        tuple(apart),
    )


#: Bases that are not counts: a spread never sets them against counts.
NOT_COUNTS = {Basis.PROJECTION, Basis.MODEL}


def _differ(figures: Sequence[FigureView]) -> str | None:
    """How figures of one kind differ so that no spread may set them side by side ("cover
    different periods"), or None: they have the same unit, no projection or model stands
    against a count, and they cover the same area and period where they say theirs."""

    def differ(values: Iterator[Any]) -> bool:
        return len({v for v in values if v is not None}) > 1

    if len({f.unit for f in figures}) > 1:
        return "are in different units"
    if differ(f.basis in NOT_COUNTS for f in figures if f.basis):
        return "set a projection or a model against a count"
    if differ(f.area.strip().casefold() if f.area else None for f in figures):
        return "cover different areas"
    if differ(f.coverage_from for f in figures) or differ(f.coverage_to for f in figures):
        return "cover different periods"
    return None


def _top(figure: FigureView) -> float:
    return figure.value if figure.value_high is None else figure.value_high


def topic_answer(
    topic_id: int, title: str, score: float, claims: Sequence[ClaimView], **more: Any
) -> TopicAnswer:
    """A topic's answer: echoes shown once, claims grouped by what their figures count."""
    ordered, groups, line = compare(collapse_echoes(claims))
    return TopicAnswer(topic_id, title, score, ordered, groups=groups, comparability=line, **more)


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
    #: The claims' figures in groups that count the same thing (claims ordered group by group).
    groups: tuple[ComparableGroup, ...] = ()
    #: One plain line when the groups count different things.
    comparability: str | None = None

    @property
    def comparison(self) -> list[str]:
        """What the reader must know before comparing: that the figures count different
        things; else, where they differ, their spread."""
        if self.comparability:
            return [self.comparability]
        return [line for g in self.groups for line in (*(s.summary for s in g.spreads), *g.apart)]

    def group_heading(self, index: int) -> str | None:
        """The heading of the group whose first claim is ``self.claims[index]``, when the
        figures fall into several groups and one holds more than one claim."""
        if len(self.groups) < 2 or all(len(g.claims) == 1 for g in self.groups):
            return None
        claim_id = self.claims[index].id
        return next((g.summary for g in self.groups if g.claims[0] == claim_id), None)

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
    #: The text was read as a pasted message: ``matches`` are the topics whose claims it
    #: repeats, best first.
    message: bool = False

    @property
    def asked(self) -> str:
        """What an answer repeats of what was asked: the question, or the start of a pasted
        message on one line."""
        if not self.message:
            return self.question
        text = " ".join(self.question.split())
        return text if len(text) <= MESSAGE_PREVIEW else text[: MESSAGE_PREVIEW - 1] + "…"

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
                    "comparability": m.comparability,
                    "groups": [_group_json(g) for g in m.groups],
                    "no_claim_by_then": list(m.missing),
                    "latest_available": (
                        m.latest_available.isoformat() if m.latest_available else None
                    ),
                }
                for m in self.matches
            ],
            "suggestions": list(self.suggestions),
        }


def _group_json(group: ComparableGroup) -> dict[str, Any]:
    return {
        "counts": list(group.counts),
        "labels": list(group.labels),
        "claims": list(group.claims),
        "spreads": [
            {
                "counts": s.counts,
                "label": s.label,
                "unit": s.unit,
                "low": _plain(s.low),
                "low_claimant": s.low_by,
                "high": _plain(s.high),
                "high_claimant": s.high_by,
            }
            for s in group.spreads
        ],
        "not_compared": list(group.apart),
    }


def _claim_json(claim: ClaimView) -> dict[str, Any]:
    return {
        "id": claim.id,
        "claimant": claim.claimant,
        "outlet": claim.outlet,
        "source_url": claim.source_url,
        "claimed_on": claim.claimed_on.isoformat(),
        "as_of": claim.as_of.isoformat() if claim.as_of else None,
        "figures": [
            {
                "metric": f.metric,
                "value": _plain(f.value),
                "value_high": None if f.value_high is None else _plain(f.value_high),
                "unit": f.unit,
                "counts": f.counts,
                "counts_label": f.counts_label,
                "basis": f.basis.value if f.basis else None,
                "coverage_from": f.coverage_from.isoformat() if f.coverage_from else None,
                "coverage_to": f.coverage_to.isoformat() if f.coverage_to else None,
                "area": f.area,
            }
            for f in claim.figures
        ],
        "verification": claim.verification.value,
        "caveat": claim.caveat,
        "quote": claim.quote,
        "ago": claim.ago,
        "change": (
            {
                "metric": claim.change.first.metric,
                "from_claimed_on": claim.change.first_on.isoformat(),
                "from": _plain(claim.change.first.value),
                "to": _plain(claim.change.last.value),
                "difference": _plain(claim.change.difference),
            }
            if claim.change
            else None
        ),
        "stale_days": claim.series.stale_days if claim.series else None,
        "cites": claim.cites,
        "what_it_counts": claim.what_it_counts,
        "repeated_by": [
            {
                "id": e.id,
                "claimant": e.claimant,
                "outlet": e.outlet,
                "claimed_on": e.claimed_on.isoformat(),
                "source_url": e.source_url,
            }
            for e in claim.repeated_by
        ],
    }


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


@dataclass(frozen=True, slots=True)
class _TopicRows:
    """What an answer shows of a topic: each claimant's latest claim with its number of
    claims, and the points of its claimants' series."""

    latest: list[tuple[ClaimRow, int]]
    points: dict[tuple[int, str, int], DatedFigures]


class _ShownRows:
    """The rows answers showed of the topics last asked about, kept until the change log says
    a topic changed, for at most :data:`SHOWN_ROWS_SECONDS` (the least recently asked dropped
    beyond :data:`SHOWN_ROWS_KEPT`). Looks at the change log are numbered; rows read after one
    look are never kept once a later look found their topic changed (they may predate that
    change): the look that last found each topic changed is remembered, the oldest dropped
    beyond :data:`CHANGES_REMEMBERED` with rows read before it refused. Callers hold a lock."""

    def __init__(self) -> None:
        self._rows: OrderedDict[int, tuple[_TopicRows, float]] = OrderedDict()
        self._changed: OrderedDict[int, int] = OrderedDict()
        self._floor = 0

    def get(self, topic_id: int) -> _TopicRows | None:
        found = self._rows.get(topic_id)
        if found is None:
            return None
        rows, read_at = found
        if time.monotonic() - read_at > SHOWN_ROWS_SECONDS:
            del self._rows[topic_id]
            return None
        self._rows.move_to_end(topic_id)
        return rows

    def keep(self, topic_id: int, rows: _TopicRows, looked: int) -> None:
        """Keep rows read after look ``looked`` at the change log."""
        if looked < self._floor or self._changed.get(topic_id, 0) > looked:
            return
        self._rows[topic_id] = (rows, time.monotonic())
        self._rows.move_to_end(topic_id)
        while len(self._rows) > SHOWN_ROWS_KEPT:
            self._rows.popitem(last=False)

    def changed(self, topic_ids: Iterable[int], look: int) -> None:
        """Forget the rows of these topics, found changed by look ``look``."""
        for topic_id in topic_ids:
            self._rows.pop(topic_id, None)
            self._changed[topic_id] = look
            self._changed.move_to_end(topic_id)
        while len(self._changed) > CHANGES_REMEMBERED:
            _, dropped = self._changed.popitem(last=False)
            self._floor = max(self._floor, dropped)

    def clear(self, look: int) -> None:
        """Forget every topic's rows, and refuse those read before look ``look``."""
        self._rows.clear()
        self._changed.clear()
        self._floor = look


class AnswerService:
    """Answers questions from the store, keeping the match index fresh."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        lexicon: Lexicon | None = None,
        semantic: SemanticModel | None = None,
    ) -> None:
        self._sessions = sessions
        self._lexicon = lexicon
        self._semantic = semantic
        self._lock = threading.Lock()
        self._index: TopicIndex | None = None
        #: The newest change the index has, and the older change ids not seen yet (a writer
        #: that took its id before another committed after it), by when they were first missed.
        self._seen = 0
        self._late: dict[int, float] = {}
        self._listener: ChangeListener | None = None
        self._answering = threading.BoundedSemaphore(ANSWERS_AT_ONCE)
        self._shown = _ShownRows()
        #: How many times the index was looked at, and per thread, which look was its last:
        #: rows a thread reads after its look are those of the database as of that look or
        #: later, and are kept only if no later look found their topic changed.
        self._looks = 0
        self._looked = threading.local()

    def _fresh_index(self, store: ClaimStore) -> TopicIndex:
        """The index, with every change logged since it was last asked for. A look that fails
        part way (the database timing out during a rebuild) leaves the log unread, so the
        next look finds the same changes again: had it been marked read, neither the index
        nor the rows kept would ever learn of them (nor, with a listener, would the look
        after it read the log)."""
        with self._lock:
            self._looks += 1
            self._looked.at = self._looks
            self._looked.asked = False
            seen, late = self._seen, dict(self._late)
            try:
                return self._index_now(store)
            except BaseException:
                self._seen, self._late = seen, late
                if self._listener is not None:
                    self._listener.again()  # the notice it took is not acted on yet
                raise

    def _index_now(self, store: ClaimStore) -> TopicIndex:
        """:meth:`_fresh_index`, under the lock; the shown rows of changed topics forgotten."""
        if self._index is None:
            self._seen = store.last_change()
            self._looked.asked = True
            self._index = self._build(store)
            self._shown.clear(self._looks)
            return self._index
        if self._listener is not None and not self._listener.changed():
            return self._index
        self._looked.asked = True  # the database answered this look
        changed = self._changed_topics(store)
        if changed is None or len(changed) > max(
            REBUILD_SHARE * self._index.size, REBUILD_AT_LEAST
        ):
            self._shown.clear(self._looks)  # first: the build may fail
            self._index = self._build(store)
        elif changed:
            self._shown.changed(changed, self._looks)
            started = time.perf_counter()
            self._index.update(changed, store.topic_names(changed))
            log.debug(
                "Updated the match index in place for %d changed topics in %.0f ms (process %d)",
                len(changed),
                (time.perf_counter() - started) * 1000,
                os.getpid(),
            )
        return self._index

    def _shown_rows(
        self, store: ClaimStore, topic_ids: Sequence[int], *, looked: bool = True
    ) -> tuple[dict[int, list[tuple[ClaimRow, int]]], dict[tuple[int, str, int], DatedFigures]]:
        """Each topic's latest claims (as :meth:`ClaimStore.latest_claims`) and its series'
        points, from those kept since the topic last changed (when this thread's look at the
        change log asked the database), the rest read in one query each and kept unless a look
        after this thread's found the topic changed. Without ``looked`` (a batch, answering
        long after its one look) every row is read afresh, and none kept."""
        if not looked:
            latest = store.latest_claims(topic_ids)
            return latest, _series_points(store, [c for cs in latest.values() for c in cs])
        kept: dict[int, _TopicRows] = {}
        if getattr(self._looked, "asked", False):
            # Only after a look the database answered: with no change heard of and nothing
            # asked of the database, a question finds it unreachable by reading its claims.
            with self._lock:
                kept = {t: rows for t in topic_ids if (rows := self._shown.get(t)) is not None}
        missing = [t for t in topic_ids if t not in kept]
        if missing:
            latest = store.latest_claims(missing)
            points = _series_points(store, [c for claims in latest.values() for c in claims])
            read = {
                t: _TopicRows(latest[t], {k: v for k, v in points.items() if k[0] == t})
                for t in missing
            }
            look = getattr(self._looked, "at", None)
            if look is not None:
                with self._lock:
                    for topic_id, rows in read.items():
                        self._shown.keep(topic_id, rows, look)
            kept.update(read)
        return (
            {t: kept[t].latest for t in topic_ids},
            {k: v for t in topic_ids for k, v in kept[t].points.items()},
        )

    def _build(self, store: ClaimStore) -> TopicIndex:
        """The whole index, afresh (logged, with the process, at ``LOG_LEVEL=DEBUG``)."""
        started = time.perf_counter()
        index = TopicIndex(store.topic_names(), self._lexicon, self._semantic)
        log.debug(
            "Built the match index of %d topics in %.1f s (process %d)",
            index.size,
            time.perf_counter() - started,
            os.getpid(),
        )
        return index

    def listen(self, listener: ChangeListener) -> None:
        """Read the change log only when ``listener`` heard of a change (or is not listening),
        instead of before every question."""
        self._listener = listener

    def _changed_topics(self, store: ClaimStore) -> set[int] | None:
        """The topics changed since the index last looked; None when the log no longer holds
        them all (its old changes were trimmed past the newest one the index has), so that
        the index must be rebuilt."""
        now = time.monotonic()
        self._late = {i: at for i, at in self._late.items() if now - at < LATE_CHANGE_SECONDS}
        changes = store.changes_since(self._seen, self._late)
        ids = {change_id for change_id, _ in changes}
        for change_id in ids & self._late.keys():
            del self._late[change_id]
        newest = max(ids, default=self._seen)
        awaited = self._seen + 1
        trimmed = False
        if newest > self._seen and awaited not in ids:
            first = store.first_change()
            trimmed = first > awaited  # the changes before the first left are gone
            awaited = max(awaited, first)
        for skipped in set(range(awaited, newest + 1)) - ids:
            self._late[skipped] = now
        self._seen = max(newest, self._seen)
        return None if trimmed else {topic_id for _, topic_id in changes}

    def ask(
        self,
        question: str,
        limit: int = 3,
        today: date | None = None,
        message: bool | None = None,
    ) -> Answer:
        """Each matched topic with the latest claim of each claimant, most recent first; when
        the question names a moment, the latest made by then (or within the period named).
        A pasted message (``message``, unless as short as a question; by default any long
        text) is answered with the topics whose claims it repeats, best first."""
        check_question(question, message=message is not False)
        with self._answering, self._sessions() as session:
            store = ClaimStore(session)
            index = self._fresh_index(store)
            return self._answer(store, index, question, limit, today or utcnow().date(), message)

    def ask_batch(
        self, questions: Iterable[str], limit: int = 3, today: date | None = None
    ) -> Iterator[tuple[str, Answer | ClaimBotError]]:
        """Each question with its answer as :meth:`ask` gives it, or the error that refused
        it, in order, each as soon as it is read; all from one session and one look at the
        change log, so a question in a batch costs only its match and its claims."""
        today = today or utcnow().date()
        with self._answering, self._sessions() as session:
            store = ClaimStore(session)
            index = self._fresh_index(store)
            for question in questions:
                try:
                    check_question(question, message=True)
                    yield (
                        question,
                        self._answer(store, index, question, limit, today, None, looked=False),
                    )
                except ClaimBotError as error:
                    session.rollback()  # the next question starts afresh
                    yield question, error

    def _answer(
        self,
        store: ClaimStore,
        index: TopicIndex,
        question: str,
        limit: int,
        today: date,
        message: bool | None,
        *,
        looked: bool = True,
    ) -> Answer:
        """The answer to a question; ``looked``: just after a look at the change log (the
        rows kept since may be shown), not in a batch answered long after its one look."""
        message = len(question) > MAX_QUESTION_LENGTH or (
            message is not False and index.is_message(question, pasted=bool(message))
        )
        if message:
            reading, result = Reading(question), index.match(question, message=True)
        else:
            reading, result = _read_and_match(index, question, today)
        moment = reading.moment
        shown = result.matches[:limit]
        ids = [m.topic_id for m in shown]
        if moment is None:
            latest, points = self._shown_rows(store, ids, looked=looked)
            series = _series([c for claims in latest.values() for c in claims], points, today)
            matches = tuple(
                topic_answer(
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
            message=message,
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
        shown_claims = [c for claims in latest.values() for c in claims]
        series = (
            {}
            if moment.is_period
            else _series(shown_claims, _series_points(store, shown_claims), None)
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
            yield topic_answer(
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
    result = index.match(reading.question, message=False)
    if reading.moment or reading.problem:
        said = _plain_words(reading.moment.said if reading.moment else question)
        whole = index.match(question, message=False)
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
    return ChangeView(first.claimed_on, FigureView.of(before), FigureView.of(metric))


def _series_points(
    store: ClaimStore, latest: Sequence[tuple[ClaimRow, int]]
) -> dict[tuple[int, str, int], DatedFigures]:
    """The points of the series of each claimant with at least :data:`SERIES_MINIMUM` claims,
    up to their latest claim, from one query however many claimants."""
    return store.series_points(
        [(c.topic_id, c.claimant, c.claimed_on) for c, n in latest if n >= SERIES_MINIMUM],
        (7, 30),
    )


def _series(
    latest: Sequence[tuple[ClaimRow, int]],
    points: dict[tuple[int, str, int], DatedFigures],
    today: date | None,
) -> dict[int, SeriesView]:
    """The series of each claimant with at least :data:`SERIES_MINIMUM` claims, up to their
    latest claim, by that claim's id, from its points (:func:`_series_points`); checked for
    staleness against ``today`` (None when the answer is for a past moment)."""
    long = [(claim, count) for claim, count in latest if count >= SERIES_MINIMUM]
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
        first=FigureView.of(first_figure),
        change_7=change(7),
        change_30=change(30),
        cadence_days=cadence,
        stale_days=age if stale else None,
    )


def check_question(question: str, *, message: bool = False) -> None:
    """Refuse questions (and pasted messages) no one would send, before any work is done."""
    if message and len(question) > MAX_MESSAGE_LENGTH:
        raise ClaimBotError(
            f"Messages are limited to {MAX_MESSAGE_LENGTH:,} characters; "
            f"this one has {len(question):,}."
        )
    if not message and len(question) > MAX_QUESTION_LENGTH:
        raise ClaimBotError(
            f"Questions are limited to {MAX_QUESTION_LENGTH} characters; "
            f"this one has {len(question)}."
        )
