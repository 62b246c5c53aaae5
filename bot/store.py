"""The claims store: every read and write of topics, claims and revisions goes through here."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, event, func, insert, or_, select
from sqlalchemy.orm import Session, selectinload

from bot.errors import ClaimBotError
from bot.listening import CHANNEL as CHANGES_CHANNEL
from bot.matching import TopicNames
from bot.models import (
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
from bot.records import ClaimRecord, FigureRecord, check_unique_keys, stored_context

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


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


def claim_snapshot(claim: Claim) -> dict[str, Any]:
    """A claim's tracked fields as JSON-ready values, for revisions and comparisons."""
    return {
        "topic": claim.topic.title,
        "claimant": claim.claimant,
        "outlet": claim.outlet,
        "source_url": claim.source_url,
        "claimed_on": claim.claimed_on.isoformat(),
        "as_of": claim.as_of.isoformat() if claim.as_of else None,
        "figures": [_figure_snapshot(figure_record(f)) for f in claim.figures],
        "verification": claim.verification,
        "verification_note": claim.verification_note,
        "caveat": claim.caveat,
        "quote": claim.quote,
        "cites": claim.cites,
        "retired_reason": claim.retired_reason if claim.retired_at else None,
    }


def figure_record(figure: Figure) -> FigureRecord:
    """A stored figure in the exchange format."""
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
    return {**figure.model_dump(), "basis": figure.basis.value if figure.basis else None}


def record_snapshot(record: ClaimRecord) -> dict[str, Any]:
    """A record's tracked fields in the same shape as :func:`claim_snapshot`."""
    data = record.model_dump(mode="json")
    data["figures"] = [_figure_snapshot(f) for f in record.figures]
    return {name: data[name] for name in TRACKED_FIELDS}


def _figure_snapshot(figure: FigureRecord) -> dict[str, Any]:
    """A figure as revisions hold it: metric, value, value_high and unit always (as since the
    first revision), what it counts, its basis and coverage when given."""
    data = figure.model_dump(mode="json")
    return {k: v for k, v in data.items() if v is not None or k in ("value_high", "unit")}


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

    def changes_since(self, after: int, missing: Collection[int] = ()) -> list[tuple[int, int]]:
        """The topic changes logged after change ``after``, and those of ``missing`` (ids
        below it not seen yet): (change id, topic id), oldest first; one index range scan."""
        newer = TopicChange.id > after
        query = select(TopicChange.id, TopicChange.topic_id)
        query = query.where(or_(newer, TopicChange.id.in_(missing)) if missing else newer)
        return [(i, t) for i, t in self.session.execute(query.order_by(TopicChange.id))]

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
    ) -> dict[int, list[tuple[Claim, int]]]:
        """Each claimant's latest active claim on each topic (claimed from ``since`` until
        ``until`` when given; the earliest instead with ``earliest``), most recent first, with
        how many active claims that claimant has there; one query for all the topics."""
        recency = (Claim.claimed_on.desc(), Claim.as_of.desc(), Claim.id.desc())
        order = (Claim.claimed_on, Claim.as_of, Claim.id) if earliest else recency
        claimant = (Claim.topic_id, Claim.claimant)
        conditions: list[ColumnElement[bool]] = [
            Claim.topic_id.in_(topic_ids),
            Claim.retired_at.is_(None),
        ]
        if until is not None:
            conditions.append(Claim.claimed_on <= until)
        if since is not None:
            conditions.append(Claim.claimed_on >= since)
        ranked = (
            select(
                Claim.id,
                func.row_number().over(partition_by=claimant, order_by=order).label("n"),
                func.count().over(partition_by=claimant).label("claims"),
            )
            .where(*conditions)
            .subquery()
        )
        query = (
            select(Claim, ranked.c.claims)
            .join(ranked, ranked.c.id == Claim.id)
            .where(ranked.c.n == 1)
            .options(selectinload(Claim.figures))
            .order_by(*recency)
        )
        found: dict[int, list[tuple[Claim, int]]] = {topic_id: [] for topic_id in topic_ids}
        for claim, count in self.session.execute(query):
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

    def claim_on_or_before(
        self, topic_id: int, claimant: str, day: date | None = None
    ) -> Claim | None:
        """A claimant's latest active claim on a topic made on or before ``day``; without a
        day, the first claim."""
        query = (
            select(Claim)
            .where(
                Claim.topic_id == topic_id,
                Claim.claimant == claimant,
                Claim.retired_at.is_(None),
            )
            .options(selectinload(Claim.figures))
            .limit(1)
        )
        if day is None:
            return self.session.scalar(query.order_by(Claim.claimed_on, Claim.id))
        return self.session.scalar(
            query.where(Claim.claimed_on <= day).order_by(Claim.claimed_on.desc(), Claim.id.desc())
        )

    def topic_claims(self, topic_id: int) -> list[Claim]:
        """Every active claim on a topic, newest first (by claimant on the same day)."""
        return list(
            self.session.scalars(
                select(Claim)
                .where(Claim.topic_id == topic_id, Claim.retired_at.is_(None))
                .options(selectinload(Claim.figures))
                .order_by(Claim.claimed_on.desc(), Claim.claimant, Claim.id.desc())
            )
        )

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

    def check_kinds(self, records: Sequence[ClaimRecord]) -> None:
        """Refuse a record whose figure counts a kind the store does not know, naming it."""
        known: dict[str, str] | None = None
        for index, record in enumerate(records):
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
        records: Sequence[ClaimRecord],
        author: str,
        now: datetime | None = None,
        progress: Callable[[int], object] | None = None,
    ) -> ImportResult:
        """Create or update claims; a record with a known key updates, never duplicates.

        A record's key is its ``external_id`` or, without one, the natural key
        (topic, claimant, claimed_on, as_of); two records with the same key are an error, as the
        second would overwrite the first. ``now`` stamps every change (default: the clock).
        """
        check_unique_keys(records)
        self.check_kinds(records)
        now = now or utcnow()
        topics = {t.title: t for t in self.session.scalars(select(Topic))}
        created = updated = unchanged = 0
        for start in range(0, len(records), IMPORT_CHUNK):
            chunk = records[start : start + IMPORT_CHUNK]
            existing = self._existing(chunk)
            new: dict[tuple[Any, ...], tuple[ClaimRecord, Topic]] = {}
            for record in chunk:
                topic = topics.get(record.topic)
                if topic is None:
                    topic = topics[record.topic] = Topic(
                        title=record.topic, created_at=now, updated_at=now
                    )
                    self.session.add(topic)
                self._add_aliases(topic, record.topic_aliases, now)
                key = record.key
                claim = existing.get(key)
                if claim is None:
                    new[key] = (record, topic)
                    self._touch(topic, now)
                    created += 1
                elif self._update(claim, record, topic, author, now):
                    updated += 1
                else:
                    unchanged += 1
            self.session.flush()
            self._insert(list(new.values()), author, now)
            if progress:
                progress(len(chunk))
        return ImportResult(created, updated, unchanged)

    def existing(self, record: ClaimRecord) -> Claim | None:
        """The stored claim with this record's key, if any."""
        return self._existing([record]).get(record.key)

    def _existing(self, records: Sequence[ClaimRecord]) -> dict[tuple[Any, ...], Claim]:
        """The stored claims these records would update, by key, in two queries."""
        found: dict[tuple[Any, ...], Claim] = {}
        ids = {r.external_id for r in records if r.external_id}
        query = select(Claim).options(selectinload(Claim.figures), selectinload(Claim.topic))
        if ids:
            for claim in self.session.scalars(query.where(Claim.external_id.in_(ids))):
                found[("id", claim.external_id)] = claim
        natural = [r for r in records if not r.external_id]
        if natural:
            titles = {r.topic for r in natural}
            claimants = {r.claimant for r in natural}
            candidates = self.session.scalars(
                query.join(Topic)
                .where(Topic.title.in_(titles), Claim.claimant.in_(claimants))
                .order_by(Claim.id.desc())
            )
            for claim in candidates:
                found[(claim.topic.title, claim.claimant, claim.claimed_on, claim.as_of)] = claim
        return found

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
        topic = self.session.scalar(select(Topic).where(Topic.title == record.topic))
        if topic is None:
            topic = Topic(title=record.topic, created_at=now, updated_at=now)
            self.session.add(topic)
        self._add_aliases(topic, record.topic_aliases, now)
        changed = self._update(claim, record, topic, author, now)
        self.session.flush()
        return changed

    def add_alias(self, topic_id: int, alias: str, now: datetime | None = None) -> bool:
        """Give a topic another name; False when it has that name already (in any case)."""
        topic = self.session.get(Topic, topic_id, options=[selectinload(Topic.aliases)])
        if topic is None:
            raise ClaimBotError(f"There is no topic {topic_id}.")
        count = len(topic.aliases)
        self._add_aliases(topic, [alias], now or utcnow())
        self.session.flush()
        return len(topic.aliases) > count

    def _add_aliases(self, topic: Topic, aliases: Iterable[str], now: datetime) -> None:
        known = {a.alias.casefold() for a in topic.aliases} | {topic.title.casefold()}
        for alias in aliases:
            if alias.casefold() not in known:
                topic.aliases.append(TopicAlias(alias=alias))
                known.add(alias.casefold())
                self._touch(topic, now)

    def _touch(self, topic: Topic, now: datetime) -> None:
        """Mark a topic changed: its stamp now, and a row in the change log at commit."""
        topic.updated_at = now
        self.session.info.setdefault(TOUCHED, set()).add(topic)

    def _insert(self, new: Sequence[tuple[ClaimRecord, Topic]], author: str, now: datetime) -> None:
        """Insert new claims with their figures and "created" revisions, in batches."""
        if not new:
            return
        ids = self.session.scalars(
            insert(Claim).returning(Claim.id, sort_by_parameter_order=True),
            [
                {
                    **_columns(record),
                    "topic_id": topic.id,
                    "external_id": record.external_id,
                    "created_at": now,
                    "updated_at": now,
                    "retired_at": now if record.retired_reason else None,
                }
                for record, topic in new
            ],
        ).all()
        figures = [
            {**figure_columns(figure), "claim_id": claim_id, "position": position}
            for claim_id, (record, _) in zip(ids, new, strict=True)
            for position, figure in enumerate(record.figures)
        ]
        if figures:
            self.session.execute(insert(Figure), figures)
        self.session.execute(
            insert(Revision),
            [
                {
                    "claim_id": claim_id,
                    "author": author,
                    "action": "created",
                    "revised_at": now,
                    "changes": {
                        k: [None, v]
                        for k, v in record_snapshot(record).items()
                        if v not in (None, [])
                    },
                }
                for claim_id, (record, _) in zip(ids, new, strict=True)
            ],
        )

    def _update(
        self, claim: Claim, record: ClaimRecord, topic: Topic, author: str, now: datetime
    ) -> bool:
        before, after = claim_snapshot(claim), record_snapshot(record)
        changes = {k: [before[k], after[k]] for k in TRACKED_FIELDS if before[k] != after[k]}
        if not changes:
            return False
        if claim.topic is not topic:
            self._touch(claim.topic, now)
            claim.topic = topic
        self._apply(claim, record, now)
        claim.updated_at = now
        self._touch(topic, now)
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
    """Log the topics this transaction's writes touched, just before it commits."""
    touched: set[Topic] = session.info.pop(TOUCHED, set())
    if touched:
        session.flush()
        rows = sorted({topic.id for topic in touched})
        session.execute(insert(TopicChange), [{"topic_id": topic_id} for topic_id in rows])
        if session.get_bind().dialect.name == "postgresql":
            # Delivered to every listener when (and only if) this transaction commits.
            session.execute(select(func.pg_notify(CHANGES_CHANNEL, "")))


@event.listens_for(Session, "after_rollback")
def _forget_topic_changes(session: Session) -> None:
    """A rolled-back transaction changed nothing."""
    session.info.pop(TOUCHED, None)


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
