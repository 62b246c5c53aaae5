"""Digests: channels subscribe to new and changed claims on a cron schedule, posted exactly once.

Exactly once, across any number of senders on one database:

* each (subscription, scheduled slot) has one ``digest_runs`` row, guarded by a unique
  constraint, so only the sender whose insert wins may post it;
* a sender holds its run under a lease; a run whose sender died (lease expired) or failed is
  taken over by a compare-and-swap update, never by two senders;
* every post carries the run's reference in its message metadata, so a sender that takes over
  a run whose post may have gone out first looks for that message and records it instead of
  posting again. Only if the channel's history cannot be read then is the digest posted again:
  a crash can at worst double a digest, never lose it.

After downtime only the latest missed slot is run, and it covers everything since the last
posted digest: one catch-up digest, not one per missed slot. Slots are keyed by local
wall-clock time, so the hour repeated when clocks go back still holds one digest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot import db
from bot.answers import AnswerService, ClaimView
from bot.errors import ClaimBotError
from bot.models import DigestRun, Subscription, utcnow
from bot.schedules import Schedule
from bot.store import ClaimRow, ClaimStore

log = logging.getLogger(__name__)

#: How long a sender may hold a run before another may take it over.
LEASE = timedelta(minutes=5)
#: Consecutive failures to post to a channel that cannot take posts before pausing.
MAX_FAILURES = 3
#: At most this many claims are gathered into one digest (the rest are counted).
MAX_ITEMS = 200


class PublishError(Exception):
    """A digest could not be posted; ``permanent`` when retrying cannot help (bad channel)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class DigestItem:
    claim: ClaimView
    new: bool


@dataclass(frozen=True, slots=True)
class DigestTopic:
    topic: str
    items: tuple[DigestItem, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    """What changed on a subscription's topics between two moments."""

    reference: str
    query: str | None
    since: datetime
    until: datetime
    topics: tuple[DigestTopic, ...]
    total: int


class Publisher(Protocol):
    """Posts digests somewhere (Slack), and finds one it posted before."""

    def publish(self, channel: str, digest: Digest) -> str:
        """Post the digest; return a reference to the message. Raise PublishError."""
        ...

    def find(self, channel: str, reference: str, since: datetime) -> str | None:
        """The message posted for ``reference`` since ``since``, if it can be found."""
        ...


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    """A subscription as listed to people."""

    id: int
    channel: str
    cron: str
    timezone: str
    query: str | None
    post_when_empty: bool
    next_run: datetime | None
    state: str
    last_sent: datetime | None


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """What one send-due pass did for one subscription."""

    subscription_id: int
    slot: str
    status: str
    claims: int = 0
    error: str | None = None


class DigestService:
    """Subscriptions and the sending of due digests."""

    def __init__(self, sessions: sessionmaker[Session], answers: AnswerService) -> None:
        self._sessions = sessions
        self._answers = answers

    # Subscriptions ------------------------------------------------------------------------

    def subscribe(
        self,
        *,
        channel: str,
        schedule: Schedule,
        created_by: str,
        query: str | None = None,
        post_when_empty: bool = False,
        now: datetime | None = None,
    ) -> SubscriptionView:
        """Start a digest; the first one covers what changes from now on."""
        if not channel.strip():
            raise ClaimBotError("A digest needs a channel.")
        now = now or utcnow()
        with db.transaction(self._sessions) as session:
            subscription = Subscription(
                channel=channel.strip(),
                cron=schedule.cron,
                timezone=schedule.timezone,
                query=(query or "").strip() or None,
                post_when_empty=post_when_empty,
                created_by=created_by,
                created_at=now,
                covered_until=now,
            )
            session.add(subscription)
            session.flush()
            return self._view(session, subscription, now)

    def check_query(self, query: str) -> None:
        """Refuse a digest question that matches no topic now: its digest would hold nothing
        until such a topic is added. The error names the closest topics, if any. People are
        asked (Slack, the command line); the service itself accepts any question."""
        if self._answers.topic_ids(query):
            return
        closest = self._answers.ask(query).suggestions
        hint = f" Closest topics: {'; '.join(closest)}." if closest else ""
        raise ClaimBotError(
            f'"{query}" matches no topic, so its digest would always be empty.{hint} '
            "List the topics with `topics WORDS`."
        )

    def preview(self, subscription_id: int, now: datetime | None = None) -> Digest:
        """What the subscription's digest would hold if it were posted at ``now``: everything
        created or changed since its last digest (or since subscribing). Posts nothing."""
        now = now or utcnow()
        with self._sessions() as session:
            subscription = self._current(session, subscription_id, None)
            since, query = subscription.covered_until, subscription.query
        return self.gather(f"{subscription_id}:preview", query, since, now)

    def subscriptions(
        self, channel: str | None = None, now: datetime | None = None
    ) -> list[SubscriptionView]:
        """Every current subscription (of one channel, if given), oldest first."""
        now = now or utcnow()
        with self._sessions() as session:
            query = select(Subscription).where(Subscription.ended_at.is_(None))
            if channel:
                query = query.where(Subscription.channel == channel)
            return [
                self._view(session, s, now)
                for s in session.scalars(query.order_by(Subscription.id))
            ]

    def unsubscribe(self, subscription_id: int, channel: str | None = None) -> SubscriptionView:
        """End a subscription (it stays on record)."""
        with db.transaction(self._sessions) as session:
            subscription = self._current(session, subscription_id, channel)
            subscription.ended_at = utcnow()
            return self._view(session, subscription, utcnow())

    def resume(self, subscription_id: int, channel: str | None = None) -> SubscriptionView:
        """Resume a paused subscription; the next digest covers everything since the last."""
        with db.transaction(self._sessions) as session:
            subscription = self._current(session, subscription_id, channel)
            subscription.paused_at = None
            subscription.failures = 0
            return self._view(session, subscription, utcnow())

    @staticmethod
    def _current(session: Session, subscription_id: int, channel: str | None) -> Subscription:
        subscription = session.get(Subscription, subscription_id)
        if (
            subscription is None
            or subscription.ended_at is not None
            or (channel and subscription.channel != channel)
        ):
            where = " in this channel" if channel else ""
            raise ClaimBotError(f"There is no digest {subscription_id}{where}.")
        return subscription

    def _view(
        self, session: Session, subscription: Subscription, now: datetime
    ) -> SubscriptionView:
        schedule = Schedule(subscription.cron, subscription.timezone)
        last_sent = session.scalar(
            select(func.max(DigestRun.updated_at)).where(
                DigestRun.subscription_id == subscription.id, DigestRun.status == "sent"
            )
        )
        if subscription.ended_at:
            state = "ended"
        elif subscription.paused_at:
            state = f"paused after {subscription.failures} failures: {subscription.last_error}"
        elif subscription.failures:
            state = f"failing ({subscription.failures}): {subscription.last_error}"
        else:
            state = "active"
        active = subscription.ended_at is None and subscription.paused_at is None
        return SubscriptionView(
            id=subscription.id,
            channel=subscription.channel,
            cron=subscription.cron,
            timezone=subscription.timezone,
            query=subscription.query,
            post_when_empty=subscription.post_when_empty,
            next_run=schedule.next_after(now) if active else None,
            state=state,
            last_sent=last_sent,
        )

    # Sending ------------------------------------------------------------------------------

    def send_due(self, publisher: Publisher, now: datetime | None = None) -> list[RunOutcome]:
        """Post every digest due at ``now`` that no sender has posted; one per subscription."""
        now = now or utcnow()
        with self._sessions() as session:
            due = list(
                session.scalars(
                    select(Subscription.id).where(
                        Subscription.ended_at.is_(None), Subscription.paused_at.is_(None)
                    )
                )
            )
        outcomes = []
        for subscription_id in due:
            outcome = self._send_one(subscription_id, publisher, now)
            if outcome:
                outcomes.append(outcome)
        return outcomes

    def _send_one(
        self, subscription_id: int, publisher: Publisher, now: datetime
    ) -> RunOutcome | None:
        with self._sessions() as session:
            subscription = session.get(Subscription, subscription_id)
            if subscription is None:
                return None
            schedule = Schedule(subscription.cron, subscription.timezone)
            scheduled = schedule.latest_until(now)
            if scheduled <= subscription.created_at:
                return None
            slot = schedule.slot(scheduled)
            channel, query = subscription.channel, subscription.query
            post_when_empty = subscription.post_when_empty
        claimed = self._claim(subscription_id, slot, scheduled, now)
        if claimed is None:
            return None
        run_id, covered_from, covered_until, taking_over = claimed
        reference = f"{subscription_id}:{slot}"
        if taking_over:
            found = publisher.find(channel, reference, since=covered_until - LEASE)
            if found:
                log.warning("digest %s had been posted before its sender stopped", reference)
                return self._record(run_id, "sent", now, message_ref=found)
        digest = self.gather(reference, query, covered_from, covered_until)
        if not digest.total and not post_when_empty:
            return self._record(run_id, "empty", now)
        try:
            message_ref = publisher.publish(channel, digest)
        except PublishError as exc:
            log.error("digest %s to %s failed: %s", reference, channel, exc)
            return self._record(run_id, "failed", now, error=str(exc), permanent=exc.permanent)
        return self._record(run_id, "sent", now, message_ref=message_ref, claims=digest.total)

    def _claim(
        self, subscription_id: int, slot: str, scheduled: datetime, now: datetime
    ) -> tuple[int, datetime, datetime, bool] | None:
        """Take the run for a slot, or None when another sender has it or it is done."""
        try:
            with db.transaction(self._sessions) as session:
                covered_from = session.scalars(
                    select(Subscription.covered_until).where(Subscription.id == subscription_id)
                ).one()
                run = DigestRun(
                    subscription_id=subscription_id,
                    slot=slot,
                    scheduled_for=scheduled,
                    status="sending",
                    lease_until=now + LEASE,
                    attempts=1,
                    covered_from=covered_from,
                    covered_until=scheduled,
                    updated_at=now,
                )
                session.add(run)
            return run.id, covered_from, scheduled, False
        except IntegrityError:
            pass  # the run exists: see whether it may be taken over
        with db.transaction(self._sessions) as session:
            covered_from = session.scalars(
                select(Subscription.covered_until).where(Subscription.id == subscription_id)
            ).one()
            existing = session.scalars(
                select(DigestRun).where(
                    DigestRun.subscription_id == subscription_id, DigestRun.slot == slot
                )
            ).one()
            retry = existing.status == "failed"
            take_over = existing.status == "sending" and (
                existing.lease_until is None or existing.lease_until < now
            )
            if not (retry or take_over):
                return None
            taken = session.execute(
                update(DigestRun)
                .where(
                    DigestRun.id == existing.id,
                    DigestRun.status == existing.status,
                    DigestRun.attempts == existing.attempts,
                )
                .values(
                    status="sending",
                    lease_until=now + LEASE,
                    attempts=existing.attempts + 1,
                    covered_from=covered_from,
                    updated_at=now,
                )
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                return None
            return existing.id, covered_from, existing.covered_until, take_over

    def _record(
        self,
        run_id: int,
        status: str,
        now: datetime,
        *,
        message_ref: str | None = None,
        claims: int = 0,
        error: str | None = None,
        permanent: bool = False,
    ) -> RunOutcome:
        with db.transaction(self._sessions) as session:
            run = session.get_one(DigestRun, run_id)
            subscription = run.subscription
            run.status = status
            run.lease_until = None
            run.message_ref = message_ref
            run.claim_count = claims
            run.error = error
            run.updated_at = now
            if status == "failed":
                subscription.failures += 1
                subscription.last_error = error
                if permanent and subscription.failures >= MAX_FAILURES:
                    subscription.paused_at = now
            else:
                subscription.failures = 0
                subscription.last_error = None
                subscription.covered_until = max(subscription.covered_until, run.covered_until)
            return RunOutcome(subscription.id, run.slot, status, claims, error)

    def gather(self, reference: str, query: str | None, since: datetime, until: datetime) -> Digest:
        """Claims created or changed in (since, until], by topic, narrowed to a question."""
        topic_ids = self._answers.topic_ids(query) if query else None
        with self._sessions() as session:
            total, claims = ClaimStore(session).changed_claims(since, until, topic_ids, MAX_ITEMS)
            by_topic: dict[str, list[DigestItem]] = {}
            for claim in claims:
                by_topic.setdefault(claim.topic.title, []).append(
                    DigestItem(
                        ClaimView.of(ClaimRow.of(claim), today=until.date()),
                        new=claim.created_at > since,
                    )
                )
        topics = tuple(DigestTopic(title, tuple(items)) for title, items in by_topic.items())
        return Digest(reference, query, since, until, topics, total)
