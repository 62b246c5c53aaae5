"""The claims store: every read and write of topics, claims and revisions goes through here."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import (
    Callable,
    Collection,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from itertools import groupby, islice
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import (
    JSON,
    BindParameter,
    ColumnElement,
    Date,
    Integer,
    Row,
    Select,
    String,
    Table,
    and_,
    bindparam,
    column,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    text,
    update,
    values,
)
from sqlalchemy.orm import Session, selectinload

from bot.errors import ClaimBotError
from bot.listening import CHANNEL as CHANGES_CHANNEL
from bot.matching import TopicNames
from bot.models import (
    Base,
    Basis,
    Claim,
    Figure,
    FigureKind,
    Revision,
    Topic,
    TopicAlias,
    TopicChange,
    Verification,
    utcnow,
)
from bot.records import (
    FIGURE_FIELDS,
    ClaimRecord,
    FigureRecord,
    stored_context,
    unique_keys,
)

#: How long a topic change stays in the log (a process that has not read it for longer
#: rebuilds its index).
CHANGE_LOG_RETENTION = timedelta(days=1)
#: The most old changes one write deletes (a log grown long is trimmed over several writes).
TRIM_AT_ONCE = 10_000
#: Records written between flushes during an import.
IMPORT_CHUNK = 1000
#: Where a session keeps the topics its writes touched, until it commits.
TOUCHED = "claimbot_touched_topics"

#: The fields a revision compares, in the order they are shown.
TRACKED_FIELDS = (
    "topic",
    "claimant",
    "outlet",
    "source_url",
    "claimed_on",
    "as_of",
    "figures",
    "verification",
    "verification_note",
    "caveat",
    "quote",
    "cites",
    "retired_reason",
)


@dataclass(frozen=True, slots=True)
class TopicSummary:
    """A topic as listed when browsing: how many active claims it has and the newest's day."""

    topic_id: int
    title: str
    claims: int
    newest: date


class FigureRow(NamedTuple):
    """A figure as answers show it, read as a plain row (a series point reads its numbers)."""

    metric: str
    value: float
    value_high: float | None
    unit: str | None
    counts: str | None = None
    #: The label of the kind the figure counts.
    counts_label: str | None = None
    basis: str | None = None
    coverage_from: date | None = None
    coverage_to: date | None = None
    area: str | None = None


@dataclass(frozen=True, slots=True)
class DatedFigures:
    """A claim's day and figures: a point of a claimant's series."""

    claimed_on: date
    figures: tuple[FigureRow, ...]


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """A claim as answers show it, read as plain rows (no ORM objects on the answer path)."""

    figures: tuple[FigureRow, ...]
    id: int
    topic_id: int
    claimant: str
    outlet: str | None
    source_url: str | None
    claimed_on: date
    as_of: date | None
    verification: str
    caveat: str | None
    quote: str | None
    cites: str | None

    @classmethod
    def of(cls, claim: Claim) -> ClaimRow:
        """A loaded claim as a row."""
        figures = tuple(
            FigureRow(
                f.metric,
                f.value,
                f.value_high,
                f.unit,
                f.counts,
                f.kind.label if f.kind else f.counts,
                f.basis,
                f.coverage_from,
                f.coverage_to,
                f.area,
            )
            for f in claim.figures
        )
        return cls(figures, *(getattr(claim, name) for name in _SHOWN_COLUMNS))


#: The claim columns an answer shows, in :class:`ClaimRow`'s order after its figures, and
#: each figure's.
_SHOWN_COLUMNS = (
    "id",
    "topic_id",
    "claimant",
    "outlet",
    "source_url",
    "claimed_on",
    "as_of",
    "verification",
    "caveat",
    "quote",
    "cites",
)
_SHOWN = tuple(getattr(Claim, name) for name in _SHOWN_COLUMNS)
_FIGURE = (
    Figure.metric,
    Figure.value,
    Figure.value_high,
    Figure.unit,
    Figure.counts,
    func.coalesce(FigureKind.label, Figure.counts),
    Figure.basis,
    Figure.coverage_from,
    Figure.coverage_to,
    Figure.area,
)


def _claim_rows(
    rows: Iterable[Sequence[Any]], extra: int = 0
) -> Iterator[tuple[ClaimRow, Sequence[Any]]]:
    """Claims from rows of :data:`_SHOWN`, ``extra`` more columns and :data:`_FIGURE`, one
    row per figure (a claim's rows together, its figures in order), each claim with its
    extra columns."""
    width = len(_SHOWN) + extra
    for _, group in groupby(rows, itemgetter(0)):
        claim_rows = list(group)
        head = claim_rows[0]
        figures = tuple(FigureRow(*row[width:]) for row in claim_rows if row[width] is not None)
        yield ClaimRow(figures, *head[: len(_SHOWN)]), head[len(_SHOWN) : width]


_TOPICS: BindParameter[int] = bindparam("topics", expanding=True)
_UNTIL: BindParameter[date] = bindparam("until", type_=Date)
_SINCE: BindParameter[date] = bindparam("since", type_=Date)


#: The statements of :meth:`ClaimStore.changes_since` (every question runs one), built once:
#: without and with the older change ids not seen yet.
_CHANGES: dict[bool, Select[int, int]] = {
    missing: select(TopicChange.id, TopicChange.topic_id)
    .where(
        or_(
            TopicChange.id > bindparam("after"),
            TopicChange.id.in_(bindparam("missing", expanding=True)),
        )
        if missing
        else TopicChange.id > bindparam("after")
    )
    .order_by(TopicChange.id)
    for missing in (False, True)
}


@cache
def _latest_query(until: bool, since: bool, earliest: bool) -> Select[Any]:
    """The statement of :meth:`ClaimStore.latest_claims`, built once for each shape: each
    claimant's claims ranked on a narrow window, the first joined to its columns and
    figures."""
    recency = (Claim.claimed_on.desc(), Claim.as_of.desc(), Claim.id.desc())
    order = (Claim.claimed_on, Claim.as_of, Claim.id) if earliest else recency
    claimant = (Claim.topic_id, Claim.claimant)
    conditions: list[ColumnElement[bool]] = [
        Claim.topic_id.in_(_TOPICS),
        Claim.retired_at.is_(None),
    ]
    if until:
        conditions.append(Claim.claimed_on <= _UNTIL)
    if since:
        conditions.append(Claim.claimed_on >= _SINCE)
    ranked = (
        select(
            Claim.id,
            func.row_number().over(partition_by=claimant, order_by=order).label("n"),
            func.count()
            .over(partition_by=claimant, order_by=order, rows=(None, None))
            .label("claims"),
        )
        .where(*conditions)
        .subquery()
    )
    return (
        select(*_SHOWN, ranked.c.claims, *_FIGURE)
        .join(ranked, ranked.c.id == Claim.id)
        .outerjoin(Figure, Figure.claim_id == Claim.id)
        .outerjoin(FigureKind, FigureKind.key == Figure.counts)
        .where(ranked.c.n == 1)
        .order_by(*recency, Figure.position)
    )


_TOPIC_CLAIMS = (
    select(*_SHOWN, *_FIGURE)
    .outerjoin(Figure, Figure.claim_id == Claim.id)
    .outerjoin(FigureKind, FigureKind.key == Figure.counts)
    .where(Claim.topic_id == bindparam("topic"), Claim.retired_at.is_(None))
    .order_by(Claim.claimed_on.desc(), Claim.claimant, Claim.id.desc(), Figure.position)
)

#: The tables an import writes to in bulk, as Core tables (no ORM bookkeeping per row).
TOPICS, TOPIC_ALIASES, CLAIMS, FIGURES, REVISIONS = (
    Base.metadata.tables[name]
    for name in ("topics", "topic_aliases", "claims", "figures", "revisions")
)

#: PostgreSQL: the claims with these external ids, each found on the unique index (OFFSET 0
#: keeps the lookup a lateral one, a key at a time).
_EXTERNAL_IDS = text(
    "SELECT c.id, c.external_id FROM unnest(CAST(:keys AS varchar[])) AS k(external_id) "
    "CROSS JOIN LATERAL (SELECT id, external_id FROM claims "
    "WHERE claims.external_id = k.external_id OFFSET 0) AS c"
)
#: PostgreSQL: the claims of these claimants on the topics of these titles, a topic at a time
#: on the claims' topic index: (id, title, claimant, claimed_on, as_of).
_NATURAL_KEYS = text(
    "SELECT c.id, k.title, c.claimant, c.claimed_on, c.as_of "
    "FROM unnest(CAST(:titles AS varchar[])) AS k(title) "
    "CROSS JOIN LATERAL (SELECT id, claimant, claimed_on, as_of FROM claims "
    "WHERE claims.topic_id = (SELECT id FROM topics WHERE topics.title = k.title) "
    "AND claims.claimant = ANY(CAST(:claimants AS varchar[])) OFFSET 0) AS c"
)

#: PostgreSQL: these claims with their topic's title, and their figures, each found on its
#: index (a lateral join, as above: the planner would scan every claim or figure an import has
#: just written, or whose table it has not analysed since).
_CLAIMS_BY_ID = text(
    "SELECT c.* FROM unnest(CAST(:ids AS integer[])) AS k(id) "
    "CROSS JOIN LATERAL (SELECT claims.*, (SELECT title FROM topics "
    "WHERE topics.id = claims.topic_id) AS topic_title FROM claims "
    "WHERE claims.id = k.id OFFSET 0) AS c"
)
_FIGURES_BY_CLAIM = text(
    "SELECT f.* FROM unnest(CAST(:ids AS integer[])) AS k(id) "
    "CROSS JOIN LATERAL (SELECT * FROM figures WHERE figures.claim_id = k.id OFFSET 0) AS f "
    "ORDER BY f.position"
)

#: The kind of series point that is the claimant's first claim (others are days back).
FIRST = 0


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


def claim_snapshot(claim: Claim) -> dict[str, Any]:
    """A claim's tracked fields as JSON-ready values, for revisions and comparisons."""
    return _snapshot(claim, claim.topic.title, claim.figures)


def _snapshot(
    claim: Claim | Row[Any], title: str, figures: Iterable[Figure | Row[Any]]
) -> dict[str, Any]:
    """The tracked fields of a claim, loaded or read as a row of its columns (with its
    topic's title and its figures, loaded or rows, in order)."""
    return {
        "topic": title,
        "claimant": claim.claimant,
        "outlet": claim.outlet,
        "source_url": claim.source_url,
        "claimed_on": claim.claimed_on.isoformat(),
        "as_of": claim.as_of.isoformat() if claim.as_of else None,
        "figures": [_figure_snapshot(figure_record(f)) for f in figures],
        "verification": claim.verification,
        "verification_note": claim.verification_note,
        "caveat": claim.caveat,
        "quote": claim.quote,
        "cites": claim.cites,
        "retired_reason": claim.retired_reason if claim.retired_at else None,
    }


def figure_record(figure: Figure | Row[Any]) -> FigureRecord:
    """A stored figure (loaded, or a row of its columns) in the exchange format."""
    return FigureRecord(
        metric=figure.metric,
        value=figure.value,
        value_high=figure.value_high,
        unit=figure.unit,
        counts=figure.counts,
        basis=Basis(figure.basis) if figure.basis else None,
        coverage_from=figure.coverage_from,
        coverage_to=figure.coverage_to,
        area=figure.area,
    )


def figure_columns(figure: FigureRecord) -> dict[str, Any]:
    """The figure columns a record's figure sets."""
    return dict(zip(FIGURE_FIELDS, _figure_values(figure), strict=True))


def _figure_values(figure: FigureRecord) -> tuple[Any, ...]:
    """A figure's column values in :data:`FIGURE_FIELDS` order (read field by field: an
    import writes one per figure)."""
    return (
        figure.metric,
        figure.value,
        figure.value_high,
        figure.unit,
        figure.counts,
        figure.basis.value if figure.basis else None,
        figure.coverage_from,
        figure.coverage_to,
        figure.area,
    )


def record_snapshot(record: ClaimRecord) -> dict[str, Any]:
    """A record's tracked fields in the same shape as :func:`claim_snapshot`."""
    return dict(zip(TRACKED_FIELDS, _snapshot_values(record), strict=True))


def _snapshot_values(record: ClaimRecord) -> tuple[Any, ...]:
    """A record's tracked fields' values in :data:`TRACKED_FIELDS` order (read field by
    field: an import makes one per claim)."""
    return (
        record.topic,
        record.claimant,
        record.outlet,
        record.source_url,
        record.claimed_on.isoformat(),
        record.as_of.isoformat() if record.as_of else None,
        [_figure_snapshot(f) for f in record.figures],
        record.verification.value,
        record.verification_note,
        record.caveat,
        record.quote,
        record.cites,
        record.retired_reason,
    )


def created_changes(record: ClaimRecord) -> str:
    """The changes of a new claim's "created" revision, as the JSON text ``json.dumps`` makes
    of them: each tracked field the record sets, from nothing. Written as text directly (an
    import makes one per claim), each value by the JSON encoder."""
    fields = (
        f'"{name}": [null, {_to_json(value)}]'
        for name, value in zip(TRACKED_FIELDS, _snapshot_values(record), strict=True)
        if value is not None and value != []
    )
    return "{" + ", ".join(fields) + "}"


#: A value as JSON text, as ``json.dumps`` writes it (without its check for cycles: a
#: snapshot has none).
_to_json = json.JSONEncoder(check_circular=False).encode


def _figure_snapshot(figure: FigureRecord) -> dict[str, Any]:
    """A figure as revisions hold it: metric, value, value_high and unit always (as since the
    first revision), what it counts, its basis and coverage when given."""
    snapshot: dict[str, Any] = {
        "metric": figure.metric,
        "value": figure.value,
        "value_high": figure.value_high,
        "unit": figure.unit,
    }
    if figure.counts is not None:
        snapshot["counts"] = figure.counts
    if figure.basis is not None:
        snapshot["basis"] = figure.basis.value
    if figure.coverage_from is not None:
        snapshot["coverage_from"] = figure.coverage_from.isoformat()
    if figure.coverage_to is not None:
        snapshot["coverage_to"] = figure.coverage_to.isoformat()
    if figure.area is not None:
        snapshot["area"] = figure.area
    return snapshot


def to_record(claim: Claim) -> ClaimRecord:
    """A stored claim in the exchange format (its texts may be longer than new ones may be)."""
    return ClaimRecord.model_validate(
        {
            "topic": claim.topic.title,
            "topic_aliases": tuple(a.alias for a in claim.topic.aliases),
            "claimant": claim.claimant,
            "outlet": claim.outlet,
            "source_url": claim.source_url,
            "claimed_on": claim.claimed_on,
            "as_of": claim.as_of,
            "figures": tuple(figure_record(f) for f in claim.figures),
            "verification": Verification(claim.verification),
            "verification_note": claim.verification_note,
            "caveat": claim.caveat,
            "quote": claim.quote,
            "cites": claim.cites,
            "external_id": claim.external_id,
            "retired_reason": claim.retired_reason if claim.retired_at else None,
        },
        context=stored_context(),
    )


class ClaimStore:
    """Reads and writes claims within one session; the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # Reads -------------------------------------------------------------------------------

    def claim_count(self, *, include_retired: bool = False) -> int:
        query = select(func.count(Claim.id))
        if not include_retired:
            query = query.where(Claim.retired_at.is_(None))
        return self.session.scalar(query) or 0

    def last_change(self) -> int:
        """The id of the newest logged topic change (0 before any)."""
        return self.session.scalar(select(func.max(TopicChange.id))) or 0

    def first_change(self) -> int:
        """The id of the oldest change the log still holds (0 when it holds none)."""
        return self.session.scalar(select(func.min(TopicChange.id))) or 0

    def changes_since(self, after: int, missing: Collection[int] = ()) -> list[tuple[int, int]]:
        """The topic changes logged after change ``after``, and those of ``missing`` (ids
        below it not seen yet): (change id, topic id), oldest first; one index range scan."""
        params: dict[str, Any] = {"after": after}
        if missing:
            params["missing"] = list(missing)
        rows = self.session.connection().execute(_CHANGES[bool(missing)], params)
        return [(int(i), int(t)) for i, t in rows]

    def topic_names(self, topic_ids: Collection[int] | None = None) -> list[TopicNames]:
        """Every topic (or every one of ``topic_ids``) that has at least one active claim, with
        its aliases and what describes it: its claimants, metric names and distinct quotes
        (plain queries: no ORM objects, as this loads every topic when an index is built)."""
        wanted: list[ColumnElement[bool]] = [Claim.retired_at.is_(None)]
        if topic_ids is not None:
            wanted.append(Claim.topic_id.in_(topic_ids))
        active = select(Claim.topic_id).where(*wanted).distinct()
        aliases: dict[int, list[str]] = defaultdict(list)
        for topic_id, alias in self.session.execute(
            select(TopicAlias.topic_id, TopicAlias.alias)
            .where(TopicAlias.topic_id.in_(active))
            .order_by(TopicAlias.id)
        ):
            aliases[topic_id].append(alias)
        claimants: dict[int, list[str]] = defaultdict(list)
        quotes: dict[int, list[str]] = defaultdict(list)
        for topic_id, claimant, quote in self.session.execute(
            select(Claim.topic_id, Claim.claimant, Claim.quote).where(*wanted).distinct()
        ):
            if claimant not in claimants[topic_id]:
                claimants[topic_id].append(claimant)
            if quote and quote not in quotes[topic_id]:
                quotes[topic_id].append(quote)
        metrics: dict[int, list[str]] = defaultdict(list)
        for topic_id, metric in self.session.execute(
            select(Claim.topic_id, Figure.metric)
            .join(Figure, Figure.claim_id == Claim.id)
            .where(*wanted)
            .distinct()
        ):
            metrics[topic_id].append(metric)
        return [
            TopicNames(
                topic_id,
                title,
                tuple(aliases[topic_id]),
                tuple(sorted(claimants[topic_id])),
                tuple(sorted(metrics[topic_id])),
                tuple(sorted(quotes[topic_id])),
            )
            for topic_id, title in self.session.execute(
                select(Topic.id, Topic.title).where(Topic.id.in_(active)).order_by(Topic.id)
            )
        ]

    def latest_claims(
        self,
        topic_ids: Sequence[int],
        until: date | None = None,
        since: date | None = None,
        *,
        earliest: bool = False,
    ) -> dict[int, list[tuple[ClaimRow, int]]]:
        """Each claimant's latest active claim on each topic (claimed from ``since`` until
        ``until`` when given; the earliest instead with ``earliest``), most recent first, with
        how many active claims that claimant has there; one query for all the topics."""
        query = _latest_query(until is not None, since is not None, earliest)
        rows = (
            self.session.connection()
            .execute(query, {"topics": list(topic_ids), "until": until, "since": since})
            .all()
        )
        found: dict[int, list[tuple[ClaimRow, int]]] = {topic_id: [] for topic_id in topic_ids}
        for claim, (count,) in _claim_rows(rows, extra=1):
            found[claim.topic_id].append((claim, int(count)))
        return found

    def claimants(self, topic_ids: Sequence[int]) -> dict[int, dict[str, date]]:
        """Every claimant with active claims on each topic, and the day of their newest."""
        query = (
            select(Claim.topic_id, Claim.claimant, func.max(Claim.claimed_on))
            .where(Claim.topic_id.in_(topic_ids), Claim.retired_at.is_(None))
            .group_by(Claim.topic_id, Claim.claimant)
        )
        found: dict[int, dict[str, date]] = {topic_id: {} for topic_id in topic_ids}
        for topic_id, name, newest in self.session.execute(query):
            found[topic_id][name] = newest
        return found

    def series_points(
        self, ends: Sequence[tuple[int, str, date]], days_back: Sequence[int]
    ) -> dict[tuple[int, str, int], DatedFigures]:
        """Points of claimants' series, in one query however many claimants: for each
        (topic, claimant, last day), the first active claim (kind :data:`FIRST`) and, for each
        number of days in ``days_back``, the latest active claim made that many days before
        the last day or earlier; keyed by (topic, claimant, kind), figures in order."""
        if not ends:
            return {}
        cutoffs = values(
            column("topic_id", Integer),
            column("claimant", String),
            column("kind", Integer),
            column("day", Date),
            name="cutoffs",
        ).data(
            [
                (topic_id, claimant, kind, last - timedelta(days=kind))
                for topic_id, claimant, last in ends
                for kind in (FIRST, *days_back)
            ]
        )
        cut = cutoffs.cte()
        series = (cut.c.topic_id, cut.c.claimant, cut.c.kind)
        ranked = (
            select(
                Claim.id,
                *series,
                func.row_number()
                .over(partition_by=series, order_by=(Claim.claimed_on, Claim.id))
                .label("oldest"),
                func.row_number()
                .over(partition_by=series, order_by=(Claim.claimed_on.desc(), Claim.id.desc()))
                .label("newest"),
            )
            .join(
                cut,
                and_(
                    Claim.topic_id == cut.c.topic_id,
                    Claim.claimant == cut.c.claimant,
                    Claim.claimed_on <= cut.c.day,
                ),
            )
            .where(Claim.retired_at.is_(None))
            .subquery()
        )
        query = (
            select(
                ranked.c.topic_id,
                ranked.c.claimant,
                ranked.c.kind,
                Claim.claimed_on,
                Figure.metric,
                Figure.value,
                Figure.value_high,
                Figure.unit,
            )
            .select_from(ranked)
            .join(Claim, Claim.id == ranked.c.id)
            .outerjoin(Figure, Figure.claim_id == ranked.c.id)
            .where(
                ((ranked.c.kind == FIRST) & (ranked.c.oldest == 1))
                | ((ranked.c.kind != FIRST) & (ranked.c.newest == 1))
            )
            .order_by(ranked.c.topic_id, ranked.c.claimant, ranked.c.kind, Figure.position)
        )
        found: dict[tuple[int, str, int], DatedFigures] = {}
        for topic_id, claimant, kind, claimed_on, metric, *number in self.session.execute(query):
            key = (topic_id, claimant, kind)
            point = found.get(key) or DatedFigures(claimed_on, ())
            if metric is not None:
                point = DatedFigures(claimed_on, (*point.figures, FigureRow(metric, *number)))
            found[key] = point
        return found

    def topic_claims(self, topic_id: int) -> list[ClaimRow]:
        """Every active claim on a topic, newest first (by claimant on the same day)."""
        rows = self.session.connection().execute(_TOPIC_CLAIMS, {"topic": topic_id}).all()
        return [claim for claim, _ in _claim_rows(rows)]

    def all_claims(self) -> list[Claim]:
        """Every claim, retired ones included, oldest first: what an export holds."""
        query = (
            select(Claim)
            .order_by(Claim.id)
            .options(
                selectinload(Claim.figures),
                selectinload(Claim.topic).selectinload(Topic.aliases),
            )
        )
        return list(self.session.scalars(query))

    def topics_like(self, text: str, limit: int) -> list[tuple[int, str]]:
        """Topics whose title contains ``text`` (any case), alphabetically."""
        query = select(Topic.id, Topic.title).order_by(Topic.title).limit(limit)
        if text.strip():
            query = query.where(Topic.title.icontains(text.strip(), autoescape=True))
        return [(int(i), str(t)) for i, t in self.session.execute(query)]

    def topic_summaries(
        self, text: str | None, limit: int, offset: int = 0
    ) -> tuple[int, list[TopicSummary]]:
        """Topics with active claims whose title or an alias contains ``text`` (any case; all
        of them without it), alphabetically: how many in all, and ``limit`` from ``offset`` on,
        each with its count of active claims and the day of the newest."""
        conditions: list[ColumnElement[bool]] = [Claim.retired_at.is_(None)]
        needle = (text or "").strip()
        if needle:
            aliased = select(TopicAlias.topic_id).where(
                TopicAlias.alias.icontains(needle, autoescape=True)
            )
            conditions.append(
                Topic.title.icontains(needle, autoescape=True) | Topic.id.in_(aliased)
            )
        listed = (
            select(
                Topic.id,
                Topic.title,
                func.count(Claim.id).label("claims"),
                func.max(Claim.claimed_on).label("newest"),
            )
            .join(Claim, Claim.topic_id == Topic.id)
            .where(*conditions)
            .group_by(Topic.id, Topic.title)
        )
        total = self.session.scalar(select(func.count()).select_from(listed.subquery())) or 0
        rows = self.session.execute(
            listed.order_by(func.lower(Topic.title), Topic.id).limit(limit).offset(offset)
        )
        return total, [
            TopicSummary(int(i), str(title), int(count), newest) for i, title, count, newest in rows
        ]

    def topic_title(self, topic_id: int) -> str:
        topic = self.session.get(Topic, topic_id)
        if topic is None:
            raise ClaimBotError(f"There is no topic {topic_id}.")
        return topic.title

    def changed_claims(
        self, since: datetime, until: datetime, topic_ids: set[int] | None, limit: int
    ) -> tuple[int, list[Claim]]:
        """Claims in answers created or changed in (since, until], optionally on these topics:
        how many in all, and the first ``limit`` by topic title, newest first within each."""
        conditions = [
            Claim.updated_at > since,
            Claim.updated_at <= until,
            Claim.retired_at.is_(None),
        ]
        if topic_ids is not None:
            conditions.append(Claim.topic_id.in_(topic_ids))
        total = self.session.scalar(select(func.count(Claim.id)).where(*conditions)) or 0
        claims = self.session.scalars(
            select(Claim)
            .join(Topic)
            .where(*conditions)
            .order_by(Topic.title, Claim.updated_at.desc(), Claim.id.desc())
            .limit(limit)
            .options(selectinload(Claim.figures), selectinload(Claim.topic))
        ).all()
        return total, list(claims)

    def revisions(self, claim_id: int) -> list[Revision]:
        return list(
            self.session.scalars(
                select(Revision).where(Revision.claim_id == claim_id).order_by(Revision.id)
            )
        )

    def kinds(self) -> dict[str, str]:
        """What figures may count: each kind's key and label, by key."""
        query = select(FigureKind.key, FigureKind.label).order_by(FigureKind.key)
        return {str(key): str(label) for key, label in self.session.execute(query).all()}

    # Writes ------------------------------------------------------------------------------

    def add_kind(self, key: str, label: str) -> None:
        """Add a kind figures may count; a key that exists is refused."""
        if not re.fullmatch(r"[a-z0-9_]{1,50}", key):
            raise ClaimBotError(
                f"Kind {key!r}: a key is up to 50 lowercase letters, digits and underscores."
            )
        label = label.strip()
        if not label or len(label) > 200:
            raise ClaimBotError(f"Kind {key!r}: the label must be 1 to 200 characters.")
        if self.session.get(FigureKind, key) is not None:
            raise ClaimBotError(f"There is already a kind {key!r}.")
        self.session.add(FigureKind(key=key, label=label))
        self.session.flush()

    def add_missing_kinds(self, kinds: Mapping[str, str]) -> None:
        """Add the kinds the store lacks (an export's kinds, imported elsewhere); a key it has
        keeps its label."""
        known = self.kinds()
        for key, label in kinds.items():
            if key not in known:
                self.add_kind(key, label)

    def check_kinds(self, records: Sequence[ClaimRecord], first: int = 0) -> None:
        """Refuse a record whose figure counts a kind the store does not know, naming it (by
        its place in the file: the first of ``records`` is record ``first``)."""
        known: dict[str, str] | None = None
        for index, record in enumerate(records, start=first):
            for position, figure in enumerate(record.figures):
                if figure.counts is None:
                    continue
                known = self.kinds() if known is None else known
                if figure.counts not in known:
                    raise ClaimBotError(
                        f"Record {index}: field 'figures.{position}.counts': unknown kind "
                        f"{figure.counts!r}; the kinds are {', '.join(known)} "
                        "(`claimbot kinds add KEY LABEL` adds one)."
                    )

    def import_records(
        self,
        records: Iterable[ClaimRecord],
        author: str,
        now: datetime | None = None,
        *,
        keys_checked: bool = False,
    ) -> ImportResult:
        """Create or update claims, :data:`IMPORT_CHUNK` records at a time, so memory stays
        flat however many come; a record with a known key updates, never duplicates.

        A record's key is its ``external_id`` or, without one, the natural key
        (topic, claimant, claimed_on, as_of); two records with the same key are an error, as the
        second would overwrite the first; ``keys_checked`` says the records come from a reader
        that refuses them already (so the digests of their keys are not held twice). ``now``
        stamps every change (default: the clock). The topics changed are stamped once, at the
        end.
        """
        now = now or utcnow()
        created = updated = unchanged = 0
        stream = iter(records) if keys_checked else unique_keys(enumerate(records))
        done = 0
        resolved: dict[bytes, int] = {}
        touched: set[int] = set()
        while chunk := list(islice(stream, IMPORT_CHUNK)):
            self.check_kinds(chunk, first=done)
            done += len(chunk)
            topic_ids = self._topics(chunk, now, touched, resolved)
            ids = self._existing_ids(chunk)
            stored = self._stored_snapshots(set(ids.values()))
            new: list[tuple[ClaimRecord, int]] = []
            changed: list[tuple[ClaimRecord, int, int]] = []  # in order: a claim may change twice
            for record in chunk:
                topic_id = topic_ids[record.topic]
                claim_id = ids.get(record.key)
                if claim_id is None:
                    new.append((record, topic_id))
                    touched.add(topic_id)
                    created += 1
                elif stored.pop(claim_id, None) == record_snapshot(record):
                    unchanged += 1
                else:
                    changed.append((record, claim_id, topic_id))
            claims = self._claims({claim_id for _, claim_id, _ in changed})
            for record, claim_id, topic_id in changed:
                if self._update(claims[claim_id], record, topic_id, author, now, touched):
                    updated += 1
                else:
                    unchanged += 1
            self.session.flush()
            self._insert(new, author, now)
        self._touch(touched, now)
        return ImportResult(created, updated, unchanged)

    def existing(self, record: ClaimRecord) -> Claim | None:
        """The stored claim with this record's key, if any."""
        claim_id = self._existing_ids([record]).get(record.key)
        return None if claim_id is None else self._claims({claim_id}).get(claim_id)

    def _existing_ids(self, records: Sequence[ClaimRecord]) -> dict[tuple[Any, ...], int]:
        """The ids of the stored claims these records would update, by key, found by plain
        queries on indexed columns.

        On PostgreSQL each key is looked up on its own index (a lateral join), whatever the
        planner believes of the claims table: inside an import, whose rows it has never
        counted, it would otherwise scan every claim written so far, once a chunk."""
        connection = self.session.connection()
        postgresql = connection.dialect.name == "postgresql"
        ids: dict[tuple[Any, ...], int] = {}  # several keys may name one claim
        external = [r.external_id for r in records if r.external_id]
        if external:
            rows = (
                connection.execute(_EXTERNAL_IDS, {"keys": external})
                if postgresql
                else connection.execute(
                    select(CLAIMS.c.id, CLAIMS.c.external_id).where(
                        CLAIMS.c.external_id.in_(external)
                    )
                )
            )
            ids.update((("id", external_id), claim_id) for claim_id, external_id in rows)
        natural = {r.key for r in records if not r.external_id}
        if natural:
            titles = list({key[0] for key in natural})
            claimants = list({key[1] for key in natural})
            candidates = (
                connection.execute(_NATURAL_KEYS, {"titles": titles, "claimants": claimants})
                if postgresql
                else connection.execute(
                    select(
                        CLAIMS.c.id,
                        TOPICS.c.title,
                        CLAIMS.c.claimant,
                        CLAIMS.c.claimed_on,
                        CLAIMS.c.as_of,
                    )
                    .join(TOPICS, TOPICS.c.id == CLAIMS.c.topic_id)
                    .where(TOPICS.c.title.in_(titles), CLAIMS.c.claimant.in_(claimants))
                )
            )
            chosen: dict[tuple[Any, ...], int] = {}
            for claim_id, *key in candidates:  # the oldest claim with a key is the one updated
                if tuple(key) in natural and claim_id < chosen.get(tuple(key), claim_id + 1):
                    chosen[tuple(key)] = claim_id
            ids.update(chosen)
        return ids

    def _claims(self, claim_ids: Collection[int]) -> dict[int, Claim]:
        """These claims loaded whole (figures and topic), by id."""
        if not claim_ids:
            return {}
        claims = self.session.scalars(
            select(Claim)
            .where(Claim.id.in_(claim_ids))
            .options(selectinload(Claim.figures), selectinload(Claim.topic))
        )
        return {claim.id: claim for claim in claims}

    def _stored_snapshots(self, claim_ids: Collection[int]) -> dict[int, dict[str, Any]]:
        """The tracked fields of these claims as :func:`claim_snapshot` gives them, by id,
        read as plain rows (an import compares every known record with its claim, and loads
        only the claims that change)."""
        if not claim_ids:
            return {}
        connection = self.session.connection()
        wanted = list(claim_ids)
        if connection.dialect.name == "postgresql":
            figure_rows = connection.execute(_FIGURES_BY_CLAIM, {"ids": wanted}).all()
            rows = connection.execute(_CLAIMS_BY_ID, {"ids": wanted}).all()
        else:
            figure_rows = connection.execute(
                select(FIGURES).where(FIGURES.c.claim_id.in_(wanted)).order_by(FIGURES.c.position)
            ).all()
            rows = connection.execute(
                select(CLAIMS, TOPICS.c.title.label("topic_title"))
                .join(TOPICS, TOPICS.c.id == CLAIMS.c.topic_id)
                .where(CLAIMS.c.id.in_(wanted))
            ).all()
        figures: dict[int, list[Row[Any]]] = defaultdict(list)
        for row in figure_rows:
            figures[row.claim_id].append(row)
        return {row.id: _snapshot(row, row.topic_title, figures[row.id]) for row in rows}

    def claim(self, claim_id: int) -> Claim:
        """A claim by id, retired ones included."""
        claim = self.session.get(Claim, claim_id, options=[selectinload(Claim.figures)])
        if claim is None:
            raise ClaimBotError(f"There is no claim {claim_id}.")
        return claim

    def replace(
        self, claim_id: int, record: ClaimRecord, author: str, now: datetime | None = None
    ) -> bool:
        """Give a claim the fields of ``record`` (its key stays); whether anything changed."""
        now = now or utcnow()
        self.check_kinds([record])
        claim = self.claim(claim_id)
        record = record.model_copy(update={"external_id": claim.external_id})
        touched: set[int] = set()
        topic_ids = self._topics([record], now, touched)
        changed = self._update(claim, record, topic_ids[record.topic], author, now, touched)
        self.session.flush()
        self._touch(touched, now)
        return changed

    def add_alias(self, topic_id: int, alias: str, now: datetime | None = None) -> bool:
        """Give a topic another name; False when it has that name already (in any case)."""
        topic = self.session.get(Topic, topic_id, options=[selectinload(Topic.aliases)])
        if topic is None:
            raise ClaimBotError(f"There is no topic {topic_id}.")
        if alias.casefold() in {a.alias.casefold() for a in topic.aliases} | {
            topic.title.casefold()
        }:
            return False
        topic.aliases.append(TopicAlias(alias=alias))
        self.session.flush()
        self._touch({topic_id}, now or utcnow())
        return True

    def _topics(
        self,
        records: Sequence[ClaimRecord],
        now: datetime,
        touched: set[int],
        resolved: dict[bytes, int] | None = None,
    ) -> dict[str, int]:
        """The id of each record's topic by title, creating the topics that are new and adding
        the aliases a topic lacks (any case); the topics so changed go into ``touched``. Plain
        statements, a few per chunk. ``resolved`` keeps, within one transaction, a digest of
        each (title, aliases) already done and its topic's id, so a topic met again in a later
        chunk costs no statement (16 bytes and an id a topic, not the topic)."""
        resolved = {} if resolved is None else resolved
        ids: dict[str, int] = {}
        pending: dict[bytes, ClaimRecord] = {}
        for record in records:
            digest = _digest((record.topic, record.topic_aliases))
            if digest in resolved:
                ids[record.topic] = resolved[digest]
            else:
                pending.setdefault(digest, record)
        if not pending:
            return ids
        todo = list(pending.values())
        titles = list(dict.fromkeys(r.topic for r in todo))
        connection = self.session.connection()
        found = select(TOPICS.c.title, TOPICS.c.id).where(TOPICS.c.title.in_(titles))
        ids.update(connection.execute(found).all())
        missing = [title for title in titles if title not in ids]
        new_topics = set(missing)
        if missing:
            new_ids = self._new_ids(TOPICS, len(missing))
            self._write(
                TOPICS,
                ("id", "title", "created_at", "updated_at"),
                [(i, title, now, now) for i, title in zip(new_ids, missing, strict=True)],
            )
            ids.update(zip(missing, new_ids, strict=True))
            touched.update(new_ids)
        wanted = {ids[r.topic] for r in todo if r.topic_aliases and r.topic not in new_topics}
        known: dict[int, set[str]] = defaultdict(set)
        if wanted:
            for topic_id, alias in connection.execute(
                select(TOPIC_ALIASES.c.topic_id, TOPIC_ALIASES.c.alias).where(
                    TOPIC_ALIASES.c.topic_id.in_(wanted)
                )
            ):
                known[topic_id].add(alias.casefold())
        added: list[tuple[Any, ...]] = []
        for record in todo:
            topic_id = ids[record.topic]
            names = known[topic_id]
            names.add(record.topic.casefold())
            for alias in record.topic_aliases:
                if alias.casefold() not in names:
                    names.add(alias.casefold())
                    added.append((topic_id, alias))
                    touched.add(topic_id)
        self._write(TOPIC_ALIASES, ("topic_id", "alias"), added)
        resolved.update((digest, ids[record.topic]) for digest, record in pending.items())
        return ids

    def _touch(self, topic_ids: set[int], now: datetime) -> None:
        """Mark topics changed: their stamp now (a statement per thousand, leaving alone the
        topics stamped so already, as those the import created), and rows in the change log
        at commit."""
        if not topic_ids:
            return
        ordered = iter(sorted(topic_ids))
        while batch := list(islice(ordered, IMPORT_CHUNK)):
            self.session.execute(
                update(Topic)
                .where(Topic.id.in_(batch), Topic.updated_at != now)
                .values(updated_at=now),
                execution_options={"synchronize_session": False},
            )
        self.session.info.setdefault(TOUCHED, set()).update(topic_ids)

    def _insert(self, new: Sequence[tuple[ClaimRecord, int]], author: str, now: datetime) -> None:
        """Insert new claims with their figures and "created" revisions, one bulk write per
        table (:meth:`_write`) from plain tuples, the claims' ids taken beforehand
        (:meth:`_new_ids`)."""
        if not new:
            return
        ids = self._new_ids(CLAIMS, len(new))
        claims: list[tuple[Any, ...]] = []
        figures: list[tuple[Any, ...]] = []
        revisions: list[tuple[Any, ...]] = []
        for claim_id, (record, topic_id) in zip(ids, new, strict=True):
            claims.append(
                (
                    claim_id,
                    topic_id,
                    record.claimant,
                    record.outlet,
                    record.source_url,
                    record.claimed_on,
                    record.as_of,
                    record.verification.value,
                    record.verification_note,
                    record.caveat,
                    record.quote,
                    record.cites,
                    record.retired_reason,
                    record.external_id,
                    now,
                    now,
                    now if record.retired_reason else None,
                )
            )
            figures.extend(
                (claim_id, position, *_figure_values(figure))
                for position, figure in enumerate(record.figures)
            )
            revisions.append((claim_id, author, "created", now, created_changes(record)))
        self._write(CLAIMS, _CLAIM_COLUMNS, claims)
        self._write(FIGURES, ("claim_id", "position", *FIGURE_FIELDS), figures)
        self._write(REVISIONS, ("claim_id", "author", "action", "revised_at", "changes"), revisions)

    def _new_ids(self, table: Table, count: int) -> list[int]:
        """Ids for ``count`` new rows of a table: from its sequence on PostgreSQL; on SQLite
        the next ones (asking SQLite to return them costs a statement per row). Should another
        writer take one of those first, the primary key refuses it, and the import writes
        nothing."""
        connection = self.session.connection()
        if connection.dialect.name == "postgresql":
            return list(
                connection.scalars(
                    text(
                        "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                        "FROM generate_series(1, :count)"
                    ),
                    {"table": table.name, "count": count},
                )
            )
        first = (connection.scalar(select(func.max(table.c.id))) or 0) + 1
        return list(range(first, first + count))

    def _write(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Rows (tuples of ``columns``, a JSON column's value as its text) written in bulk:
        PostgreSQL's COPY, else one executemany of the driver's own statement, each other
        value converted as the column's type converts it (no statement compiled, no parameters
        built per row)."""
        if not rows:
            return
        connection = self.session.connection()
        dialect = connection.dialect
        if dialect.name != "postgresql":
            converters = [
                (i, convert)
                for i, name in enumerate(columns)
                if not isinstance(table.c[name].type, JSON)
                and (convert := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
            ]
            if converters:
                rows = _converted(rows, converters)
            marks = ", ".join("?" * len(columns))
            statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 (the schema's own names)
            connection.exec_driver_sql(statement, rows)
            return
        driver = connection.connection.driver_connection
        assert driver is not None
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def _update(
        self,
        claim: Claim,
        record: ClaimRecord,
        topic_id: int,
        author: str,
        now: datetime,
        touched: set[int],
    ) -> bool:
        """Give a claim a record's fields, with a revision, when any differs; the topics it
        leaves and joins go into ``touched``."""
        before, after = claim_snapshot(claim), record_snapshot(record)
        changes = {k: [before[k], after[k]] for k in TRACKED_FIELDS if before[k] != after[k]}
        if not changes:
            return False
        touched.update((claim.topic_id, topic_id))
        if claim.topic_id != topic_id:
            claim.topic = self.session.get_one(Topic, topic_id)
        self._apply(claim, record, now)
        claim.updated_at = now
        self.session.add(
            Revision(
                claim=claim, author=author, action=_action(changes), changes=changes, revised_at=now
            )
        )
        return True

    @staticmethod
    def _apply(claim: Claim, record: ClaimRecord, now: datetime) -> None:
        if record.retired_reason and claim.retired_at is None:
            claim.retired_at = now
        elif not record.retired_reason:
            claim.retired_at = None
        for name, value in _columns(record).items():
            setattr(claim, name, value)
        claim.figures = [
            Figure(position=i, **figure_columns(f)) for i, f in enumerate(record.figures)
        ]


@event.listens_for(Session, "before_commit")
def _log_topic_changes(session: Session) -> None:
    """Log the topics this transaction's writes touched, just before it commits, and trim
    the changes logged more than :data:`CHANGE_LOG_RETENTION` ago."""
    touched: set[int] = session.info.pop(TOUCHED, set())
    if touched:
        now = utcnow()
        session.execute(
            insert(TopicChange),
            [{"topic_id": topic_id, "logged_at": now} for topic_id in sorted(touched)],
        )
        _trim_changes(session, now - CHANGE_LOG_RETENTION)
        if session.get_bind().dialect.name == "postgresql":
            # Delivered to every listener when (and only if) this transaction commits.
            session.execute(select(func.pg_notify(CHANGES_CHANNEL, "")))


def _trim_changes(session: Session, before: datetime) -> None:
    """Delete the changes logged before ``before`` (the oldest TRIM_AT_ONCE at a time), all
    but the newest such one: what is left is the log's end, and a reader learns from the
    first change left whether it missed any (a reader that saw that one missed nothing,
    whatever gaps the ids have). The changes just logged stay, so ids keep growing (SQLite
    would reuse an id past the last one). Old changes are read only by a process that has
    not looked for that long; it rebuilds its index instead (``AnswerService``)."""
    newest_old = select(func.max(TopicChange.id)).where(TopicChange.logged_at < before)
    oldest = (
        select(TopicChange.id)
        .where(TopicChange.id < newest_old.scalar_subquery())
        .order_by(TopicChange.id)
        .limit(TRIM_AT_ONCE)
    )
    session.execute(
        delete(TopicChange).where(TopicChange.id.in_(oldest)),
        execution_options={"synchronize_session": False},
    )


@event.listens_for(Session, "after_rollback")
def _forget_topic_changes(session: Session) -> None:
    """A rolled-back transaction changed nothing."""
    session.info.pop(TOUCHED, None)


#: The columns :meth:`ClaimStore._insert` writes a new claim's values to, in order.
_CLAIM_COLUMNS = (
    "id",
    "topic_id",
    "claimant",
    "outlet",
    "source_url",
    "claimed_on",
    "as_of",
    "verification",
    "verification_note",
    "caveat",
    "quote",
    "cites",
    "retired_reason",
    "external_id",
    "created_at",
    "updated_at",
    "retired_at",
)


def _converted(
    rows: list[tuple[Any, ...]], converters: Sequence[tuple[int, Callable[[Any], Any]]]
) -> list[tuple[Any, ...]]:
    """Rows with the values at some places converted; a value the same object as the one
    before at its place (an import's one timestamp) is converted once."""
    last: list[Any] = [object()] * len(converters)
    done: list[Any] = [None] * len(converters)
    converted = []
    for row in rows:
        values = list(row)
        for n, (i, convert) in enumerate(converters):
            value = values[i]
            if value is not last[n]:
                last[n], done[n] = value, convert(value)
            values[i] = done[n]
        converted.append(tuple(values))
    return converted


def _digest(value: Any) -> bytes:
    """A 16-byte digest of a value's repr: what an import remembers of it."""
    return hashlib.blake2b(repr(value).encode(), digest_size=16).digest()


def _columns(record: ClaimRecord) -> dict[str, Any]:
    """The claim columns a record sets directly."""
    return {
        "claimant": record.claimant,
        "outlet": record.outlet,
        "source_url": record.source_url,
        "claimed_on": record.claimed_on,
        "as_of": record.as_of,
        "verification": record.verification.value,
        "verification_note": record.verification_note,
        "caveat": record.caveat,
        "quote": record.quote,
        "cites": record.cites,
        "retired_reason": record.retired_reason,
    }


def _action(changes: dict[str, Any]) -> str:
    """What kind of change a revision records."""
    if "retired_reason" in changes:
        return "retired" if changes["retired_reason"][1] else "restored"
    if set(changes) <= {"verification", "verification_note"}:
        return "verified"
    return "updated"
