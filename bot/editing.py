"""Editors keep the claims: add, correct, verify and retire, each change a revision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot import db
from bot.models import Verification
from bot.records import ClaimRecord
from bot.store import ClaimStore, ImportResult, to_record


@dataclass(frozen=True, slots=True)
class RevisionView:
    """One change to a claim, as shown in its history."""

    revised_at: datetime
    author: str
    action: str
    changes: dict[str, Any]


class EditService:
    """The editing use cases; who may edit is decided by the caller (the Slack layer)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def record(self, claim_id: int) -> ClaimRecord:
        """A claim's current fields, to prefill an edit."""
        with self._sessions() as session:
            store = ClaimStore(session)
            claim = store.claim(claim_id)
            return to_record(claim)

    def add(self, record: ClaimRecord, author: str) -> ImportResult:
        """Add a claim (or update the one with the same key)."""
        with db.transaction(self._sessions) as session:
            return ClaimStore(session).import_records([record], author)

    def edit(self, claim_id: int, record: ClaimRecord, author: str) -> bool:
        """Replace a claim's fields; whether anything changed."""
        with db.transaction(self._sessions) as session:
            return ClaimStore(session).replace(claim_id, record, author)

    def verify(self, claim_id: int, status: Verification, note: str, author: str) -> bool:
        """Set the verification status, with a note on who checked it and how."""
        return self._change(claim_id, author, verification=status, verification_note=note)

    def retire(self, claim_id: int, reason: str, author: str) -> bool:
        """Take a claim out of answers and digests; it stays in history and exports."""
        return self._change(claim_id, author, retired_reason=reason)

    def _change(self, claim_id: int, author: str, **fields: Any) -> bool:
        with db.transaction(self._sessions) as session:
            store = ClaimStore(session)
            current = to_record(store.claim(claim_id))
            changed = ClaimRecord.model_validate({**current.model_dump(), **fields})
            return store.replace(claim_id, changed, author)

    def history(self, claim_id: int) -> list[RevisionView]:
        """Every revision of a claim, oldest first."""
        with self._sessions() as session:
            store = ClaimStore(session)
            store.claim(claim_id)
            return [
                RevisionView(r.revised_at, r.author, r.action, r.changes)
                for r in store.revisions(claim_id)
            ]
