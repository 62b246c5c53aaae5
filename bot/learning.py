"""Learning from use: a question someone resolved by picking a suggested topic ("did you mean")
is proposed to editors as another name for that topic.

An editor accepts a proposal (it becomes one of the topic's aliases, which every process answers
at its next question, as adding an alias moves the store's index version) or rejects it (it is
never proposed again for that topic). Proposals are kept with their decision, who made it and
when: aliases have no revisions of their own, so this is their record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot import db
from bot.errors import ClaimBotError
from bot.formatting import format_date
from bot.models import ProposedAlias, Topic, TopicAlias, utcnow
from bot.moments import read as read_moment
from bot.store import ClaimStore

#: The longest name a topic alias may have (as in the exchange format).
MAX_ALIAS = 300
PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"


def alias_from(question: str, today: date) -> str | None:
    """The name a question proposes: the question without its date words ("as of June 2023"
    says when, not what), spaces tidied and end punctuation dropped; None when nothing is left
    or it is longer than an alias may be."""
    reading = read_moment(question, today)
    words = " ".join(reading.question.split())
    if reading.moment and reading.moment.said.casefold() in words.casefold():
        return None  # the date was all there was: the reading kept the question whole
    alias = words.strip(" ?!.,;:")
    return alias if 0 < len(alias) <= MAX_ALIAS else None


@dataclass(frozen=True, slots=True)
class ProposalView:
    """A proposed alias as editors review it."""

    id: int
    alias: str
    topic_id: int
    topic: str
    picks: int
    proposed_by: str
    proposed_at: datetime
    last_picked_at: datetime
    status: str
    decided_by: str | None
    decided_at: datetime | None

    @property
    def detail(self) -> str:
        """How often and when it was picked: "picked 3 times, last on 2 December 2026"."""
        times = "once" if self.picks == 1 else f"{self.picks:,} times"
        return f"picked {times}, last on {format_date(self.last_picked_at.date())}"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "alias": self.alias,
            "topic": self.topic,
            "picks": self.picks,
            "proposed_by": self.proposed_by,
            "proposed_at": self.proposed_at.isoformat(),
            "last_picked_at": self.last_picked_at.isoformat(),
            "status": self.status,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
        }


@dataclass(frozen=True, slots=True)
class ProposalsPage:
    """The proposals waiting for an editor: how many in all, and the most picked first."""

    total: int
    proposals: tuple[ProposalView, ...]

    @property
    def heading(self) -> str:
        if not self.total:
            return "No proposed aliases are waiting."
        if self.total == 1:
            return "1 proposed alias is waiting."
        return f"{self.total:,} proposed aliases are waiting, most picked first."

    def rest(self, shown: int) -> str | None:
        """What to say of the proposals left out when ``shown`` of them are shown."""
        if shown >= self.total:
            return None
        return f"{self.total - shown:,} more not shown: decide these to see the rest."


@dataclass(frozen=True, slots=True)
class Decision:
    """An editor's decision on a proposal; ``added`` when accepting gave the topic a new name
    (not when it had that name already)."""

    proposal: ProposalView
    added: bool = False

    @property
    def summary(self) -> str:
        alias, topic = self.proposal.alias, self.proposal.topic
        if self.proposal.status == REJECTED:
            return f"Rejected: “{alias}” will not be proposed again for “{topic}”."
        if not self.added:
            return f"Accepted: “{topic}” already had the alias “{alias}”."
        return f"Accepted: “{alias}” is now an alias of “{topic}”."


def _listed() -> Select[ProposedAlias, str]:
    return select(ProposedAlias, Topic.title).join(Topic, Topic.id == ProposedAlias.topic_id)


def _view(proposal: ProposedAlias, title: str) -> ProposalView:
    return ProposalView(
        id=proposal.id,
        alias=proposal.alias,
        topic_id=proposal.topic_id,
        topic=title,
        picks=proposal.picks,
        proposed_by=proposal.proposed_by,
        proposed_at=proposal.proposed_at,
        last_picked_at=proposal.last_picked_at,
        status=proposal.status,
        decided_by=proposal.decided_by,
        decided_at=proposal.decided_at,
    )


class LearningService:
    """Records picks of suggested topics and the editors' decisions on what they propose."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def picked(self, question: str, topic: str, who: str, now: datetime | None = None) -> bool:
        """Record that ``who`` picked the suggested ``topic`` (its title) for ``question``;
        whether it counted. It does not when the topic already has that name, when the question
        was rejected for it, when the topic is gone, or when the question leaves no name."""
        now = now or utcnow()
        alias = alias_from(question, now.date())
        if alias is None:
            return False
        key = alias.casefold()
        with db.transaction(self._sessions) as session:
            found = session.execute(
                select(Topic.id, Topic.title).where(Topic.title == topic)
            ).first()
            if found is None:
                return False
            topic_id, title = found
            aliases = select(TopicAlias.alias).where(TopicAlias.topic_id == topic_id)
            if key in {title.casefold(), *(a.casefold() for a in session.scalars(aliases))}:
                return False
            # Each dialect's INSERT ... ON CONFLICT, loaded here: a process on SQLite never
            # loads the PostgreSQL dialect (a cold start pays less).
            if session.get_bind().dialect.name == "postgresql":
                from sqlalchemy.dialects.postgresql import insert  # noqa: PLC0415
            else:
                from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]  # noqa: PLC0415
            statement = (
                insert(ProposedAlias)
                .values(
                    topic_id=topic_id,
                    alias=alias,
                    key=key,
                    picks=1,
                    proposed_by=who,
                    proposed_at=now,
                    last_picked_at=now,
                    status=PENDING,
                )
                .on_conflict_do_update(
                    index_elements=[ProposedAlias.topic_id, ProposedAlias.key],
                    set_={"picks": ProposedAlias.picks + 1, "last_picked_at": now},
                    where=ProposedAlias.status == PENDING,
                )
                .returning(ProposedAlias.id)
            )
            return session.scalar(statement) is not None

    def pending(self, limit: int | None = None) -> ProposalsPage:
        """The proposals waiting for an editor, most picked first (the oldest first among
        equals); at most ``limit`` of them."""
        with self._sessions() as session:
            waiting = ProposedAlias.status == PENDING
            total = session.scalar(select(func.count(ProposedAlias.id)).where(waiting)) or 0
            query = (
                _listed()
                .where(waiting)
                .order_by(ProposedAlias.picks.desc(), ProposedAlias.proposed_at, ProposedAlias.id)
                .limit(limit)
            )
            return ProposalsPage(total, tuple(_view(p, t) for p, t in session.execute(query)))

    def accept(self, proposal_id: int, editor: str, now: datetime | None = None) -> Decision:
        """Make a proposal one of its topic's aliases."""
        now = now or utcnow()
        with db.transaction(self._sessions) as session:
            proposal = self._decide(session, proposal_id, ACCEPTED, editor, now)
            added = ClaimStore(session).add_alias(proposal.topic_id, proposal.alias, now)
            return Decision(proposal, added)

    def reject(self, proposal_id: int, editor: str, now: datetime | None = None) -> Decision:
        """Turn a proposal down: the question is never proposed again for that topic."""
        with db.transaction(self._sessions) as session:
            return Decision(self._decide(session, proposal_id, REJECTED, editor, now or utcnow()))

    @staticmethod
    def _decide(
        session: Session, proposal_id: int, status: str, editor: str, now: datetime
    ) -> ProposalView:
        """Decide a pending proposal; one already decided (by anyone, in any process) is
        refused, saying how and by whom."""
        decided = session.execute(
            update(ProposedAlias)
            .where(ProposedAlias.id == proposal_id, ProposedAlias.status == PENDING)
            .values(status=status, decided_by=editor, decided_at=now)
            .returning(ProposedAlias.id)
        ).first()
        found = session.execute(_listed().where(ProposedAlias.id == proposal_id)).first()
        if found is None:
            raise ClaimBotError(f"There is no proposed alias {proposal_id}.")
        proposal, title = found
        if decided is None:
            raise ClaimBotError(
                f"Proposed alias {proposal_id} (“{proposal.alias}” for “{title}”) was already "
                f"{proposal.status} by {proposal.decided_by}."
            )
        return _view(proposal, title)
