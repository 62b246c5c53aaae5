"""Editors keep the claims: add, correct, verify, retire, import and export, each change a
revision."""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from bot import db
from bot.errors import ClaimBotError
from bot.models import Verification
from bot.records import LONG_TEXT_FIELDS, ClaimRecord, describe, stored_context
from bot.store import ClaimStore, ImportResult, to_record

#: What an edit may change: the claim's content. The verification note (set with the status by
#: :meth:`EditService.verify`), retirement (:meth:`EditService.retire`) and the key
#: (``external_id``) are never changed by an edit.
EDITABLE_FIELDS = frozenset(
    {
        "topic",
        "topic_aliases",
        "claimant",
        "outlet",
        "source_url",
        "claimed_on",
        "as_of",
        "figures",
        "verification",
        "caveat",
        "quote",
        "cites",
    }
)


@dataclass(frozen=True, slots=True)
class RevisionView:
    """One change to a claim, as shown in its history."""

    revised_at: datetime
    author: str
    action: str
    changes: dict[str, Any]


def _merged(current: ClaimRecord, fields: dict[str, Any]) -> ClaimRecord:
    """``current`` with ``fields`` changed, validated: new texts must fit
    :data:`~bot.records.MAX_TEXT`, stored ones (unchanged) may be longer."""
    unchanged = {
        f for f in LONG_TEXT_FIELDS if fields.get(f, getattr(current, f)) == getattr(current, f)
    }
    try:
        return ClaimRecord.model_validate(
            {**current.model_dump(), **fields}, context=stored_context(unchanged)
        )
    except ValidationError as exc:
        raise ClaimBotError(f"Not saved: {describe(exc)}") from exc


def duplicate_message(claim_id: int) -> str:
    """Why a new claim that repeats a stored one's key is not added."""
    return (
        f"Claim {claim_id} already has this topic, claimant and dates (or external ID); "
        "edit that claim instead."
    )


def retired_message(claim_id: int) -> str:
    """Why a retired claim cannot be edited."""
    return f"Claim {claim_id} is retired; a retired claim cannot be edited."


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
        """Add a new claim; one with the same key is refused (editing it is explicit)."""
        with db.transaction(self._sessions) as session:
            store = ClaimStore(session)
            existing = store.existing(record)
            if existing is not None:
                raise ClaimBotError(duplicate_message(existing.id))
            return store.import_records([record], author)

    def existing_id(self, record: ClaimRecord) -> int | None:
        """The claim a new record would overwrite (same key), if there is one."""
        with self._sessions() as session:
            existing = ClaimStore(session).existing(record)
            return existing.id if existing else None

    def edit(
        self,
        claim_id: int,
        record: ClaimRecord,
        author: str,
        fields: Collection[str] = EDITABLE_FIELDS,
    ) -> bool:
        """Correct a claim: ``fields`` (some of :data:`EDITABLE_FIELDS`) take their values from
        ``record``, every other field keeps its stored value; whether anything changed.

        A retired claim is refused: retiring and restoring are not edits.
        """
        unknown = set(fields) - EDITABLE_FIELDS
        if unknown:
            raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
        with db.transaction(self._sessions) as session:
            store = ClaimStore(session)
            claim = store.claim(claim_id)
            if claim.retired_at is not None:
                raise ClaimBotError(retired_message(claim_id))
            current = to_record(claim)
            changed = _merged(current, record.model_dump(include=set(fields)))
            return store.replace(claim_id, changed, author)

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
            changed = _merged(current, fields)
            return store.replace(claim_id, changed, author)

    def kinds(self) -> dict[str, str]:
        """What figures may count: each kind's key and label."""
        with self._sessions() as session:
            return ClaimStore(session).kinds()

    def add_kind(self, key: str, label: str) -> None:
        """Add a kind figures may count."""
        with db.transaction(self._sessions) as session:
            ClaimStore(session).add_kind(key, label)

    def topics_like(self, text: str, limit: int = 100) -> list[tuple[int, str]]:
        """Topics whose title contains ``text`` (any case), alphabetically: for pickers."""
        with self._sessions() as session:
            return ClaimStore(session).topics_like(text, limit)

    def topic_title(self, topic_id: int) -> str:
        with self._sessions() as session:
            return ClaimStore(session).topic_title(topic_id)

    def import_records(
        self,
        records: Iterable[ClaimRecord],
        author: str,
        *,
        only_into_empty: bool = False,
        kinds: Mapping[str, str] | None = None,
    ) -> ImportResult | None:
        """Import claims from a reader (``read_claims``, ``load_file``: they refuse a file
        that repeats a key), all or nothing, in one transaction however many stream in (known
        keys update, never duplicate); ``kinds`` the file defines are added first where the
        store lacks them. With ``only_into_empty`` (seeding), nothing is imported into a store
        that has claims."""
        with _collecting_new_objects_only(), db.transaction(self._sessions) as session:
            store = ClaimStore(session)
            if only_into_empty and store.claim_count(include_retired=True):
                return None
            store.add_missing_kinds(kinds or {})
            return store.import_records(records, author, keys_checked=True)

    def claim_count(self) -> int:
        """How many claims an export holds (retired ones included)."""
        with self._sessions() as session:
            return ClaimStore(session).claim_count(include_retired=True)

    def export_records(self, progress: Callable[[int], object] | None = None) -> list[ClaimRecord]:
        """Every claim, retired ones included, as exchange records; ``progress`` is told how
        many more are done, every 1,000."""
        with self._sessions() as session:
            claims = ClaimStore(session).all_claims()
            records: list[ClaimRecord] = []
            for start in range(0, len(claims), 1000):
                records.extend(to_record(c) for c in claims[start : start + 1000])
                if progress:
                    progress(len(claims[start : start + 1000]))
            return records

    def topic_of(self, claim_id: int) -> tuple[int, str]:
        """A claim's topic, as (id, title)."""
        with self._sessions() as session:
            claim = ClaimStore(session).claim(claim_id)
            return claim.topic_id, claim.topic.title

    def history(self, claim_id: int) -> list[RevisionView]:
        """Every revision of a claim, oldest first."""
        with self._sessions() as session:
            store = ClaimStore(session)
            store.claim(claim_id)
            return [
                RevisionView(r.revised_at, r.author, r.action, r.changes)
                for r in store.revisions(claim_id)
            ]


@contextmanager
def _collecting_new_objects_only() -> Iterator[None]:
    """While it lasts, the cyclic garbage collector leaves the objects already there (modules,
    the schema, caches) aside (``gc.freeze``): an import creates objects by the million, and
    each of the full collections they set off would otherwise walk every object in the
    process (a tenth of an import's time)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
