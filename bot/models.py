"""The database schema: topics, their aliases, claims, figures and the revision history.

Nothing here is ever hard-deleted: a claim is retired, and every change to a claim is a revision.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Verification(enum.StrEnum):
    """How far a claim has been checked by someone other than the claimant."""

    UNVERIFIED = "unverified"
    DISPUTED = "disputed"
    CORROBORATED = "corroborated"
    VERIFIED = "verified"
    FALSE = "false"


class Basis(enum.StrEnum):
    """On what a figure rests: a party's statement, an estimate, a count of what is documented
    (so at least this many), a projection, or a model's output."""

    OFFICIAL_CLAIM = "official_claim"
    ESTIMATE = "estimate"
    CONFIRMED_FLOOR = "confirmed_floor"
    PROJECTION = "projection"
    MODEL = "model"


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Topic(Base):
    """What claims are about, e.g. "Russian military casualties in Ukraine"."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Touched whenever the topic's aliases or claims change (as is the change log).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    aliases: Mapped[list[TopicAlias]] = relationship(
        back_populates="topic", cascade="all, delete-orphan", order_by="TopicAlias.id"
    )
    claims: Mapped[list[Claim]] = relationship(back_populates="topic")


class TopicAlias(Base):
    """Another way people name a topic ("russian losses"); weighs as much as the title."""

    __tablename__ = "topic_aliases"
    __table_args__ = (UniqueConstraint("topic_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), index=True)
    alias: Mapped[str] = mapped_column(String(300))

    topic: Mapped[Topic] = relationship(back_populates="aliases")


class TopicChange(Base):
    """A topic whose names or active claims a committed write changed: the log each process
    reads to update its match index in place. Written just before commit, so ids grow in the
    order writes become visible (but for writers committing within the same instant)."""

    __tablename__ = "topic_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"))
    #: When the change was logged: changes older than a retention are trimmed.
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Claim(Base):
    """One claimant's statement on a topic, as published by an outlet on a date."""

    __tablename__ = "claims"
    __table_args__ = (
        CheckConstraint(
            "verification IN ('unverified', 'disputed', 'corroborated', 'verified', 'false')",
            name="verification",
        ),
        Index("ix_claims_topic_active", "topic_id", "retired_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"))
    claimant: Mapped[str] = mapped_column(String(300))
    outlet: Mapped[str | None] = mapped_column(String(300))
    source_url: Mapped[str | None] = mapped_column(String(2000))
    claimed_on: Mapped[date]
    as_of: Mapped[date | None]
    quote: Mapped[str | None] = mapped_column(Text)
    verification: Mapped[str] = mapped_column(String(20), default=Verification.UNVERIFIED.value)
    # Who verified (or disputed) the claim and how.
    verification_note: Mapped[str | None] = mapped_column(Text)
    caveat: Mapped[str | None] = mapped_column(Text)
    #: The upstream source the claim cites ("Russian Ministry of Defence" for RIA's report).
    cites: Mapped[str | None] = mapped_column(String(300))
    external_id: Mapped[str | None] = mapped_column(String(300), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_reason: Mapped[str | None] = mapped_column(Text)

    topic: Mapped[Topic] = relationship(back_populates="claims")
    figures: Mapped[list[Figure]] = relationship(
        back_populates="claim", cascade="all, delete-orphan", order_by="Figure.position"
    )
    revisions: Mapped[list[Revision]] = relationship(back_populates="claim", order_by="Revision.id")


class FigureKind(Base):
    """What a figure counts ("killed and wounded together"): a controlled list, seeded by the
    migrations, that editors extend (``claimbot kinds add``). Figures of one kind compare."""

    __tablename__ = "figure_kinds"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))


class Figure(Base):
    """One number in a claim: a metric ("killed"), a value or range, and a unit; what it counts,
    its basis and its coverage (from, to, area)."""

    __tablename__ = "figures"
    __table_args__ = (
        CheckConstraint(
            "basis IN ('official_claim', 'estimate', 'confirmed_floor', 'projection', 'model')",
            name="basis",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    metric: Mapped[str] = mapped_column(String(200))
    value: Mapped[float]
    value_high: Mapped[float | None]
    unit: Mapped[str | None] = mapped_column(String(50))
    counts: Mapped[str | None] = mapped_column(ForeignKey("figure_kinds.key"))
    basis: Mapped[str | None] = mapped_column(String(20))
    coverage_from: Mapped[date | None]
    coverage_to: Mapped[date | None]
    area: Mapped[str | None] = mapped_column(String(200))

    claim: Mapped[Claim] = relationship(back_populates="figures")
    #: The kind's label comes with the figure (one small join).
    kind: Mapped[FigureKind | None] = relationship(lazy="joined", viewonly=True)


class Revision(Base):
    """One change to a claim: who made it, when, and each field's old and new value."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    revised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(20))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)

    claim: Mapped[Claim] = relationship(back_populates="revisions")


class Receipt(Base):
    """A key seen once, so a request delivered twice (by any process) is acted on once."""

    __tablename__ = "receipts"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Subscription(Base):
    """A channel's digest of new and changed claims, on a cron schedule in a time zone."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(50), index=True)
    cron: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64))
    query: Mapped[str | None] = mapped_column(String(500))
    post_when_empty: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Claims changed up to this moment have been covered by a posted digest.
    covered_until: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    runs: Mapped[list[DigestRun]] = relationship(back_populates="subscription")


class DigestRun(Base):
    """One scheduled digest of one subscription: claimed by one sender, then sent or failed.

    ``slot`` is the scheduled local wall-clock time, so the hour that repeats when clocks go
    back is still one slot.
    """

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("subscription_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"), index=True)
    slot: Mapped[str] = mapped_column(String(32))
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    covered_from: Mapped[datetime] = mapped_column(UTCDateTime)
    covered_until: Mapped[datetime] = mapped_column(UTCDateTime)
    claim_count: Mapped[int] = mapped_column(default=0)
    message_ref: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    subscription: Mapped[Subscription] = relationship(back_populates="runs")


class ProposedAlias(Base):
    """A question someone resolved by picking a suggested topic, proposed to editors as another
    name for that topic. Picks of the same question (any case) for the same topic count up; the
    decision is kept, so a rejected question is never proposed again for that topic."""

    __tablename__ = "proposed_aliases"
    __table_args__ = (
        UniqueConstraint("topic_id", "key"),
        CheckConstraint("status IN ('pending', 'accepted', 'rejected')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"))
    #: The question as first asked (its date words left out).
    alias: Mapped[str] = mapped_column(String(300))
    #: The question casefolded: what makes two picks "the same question".
    key: Mapped[str] = mapped_column(String(900))
    picks: Mapped[int] = mapped_column(default=1)
    proposed_by: Mapped[str] = mapped_column(String(300))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_picked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    decided_by: Mapped[str | None] = mapped_column(String(300))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
