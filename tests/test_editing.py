"""Editing on real databases: corrections, verification, retirement, history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot import db
from bot.core import Core
from bot.editing import EDITABLE_FIELDS
from bot.errors import ClaimBotError
from bot.models import Claim, Verification
from bot.records import MAX_TEXT
from bot.render_text import render_history
from bot.store import ClaimStore, to_record


def ru_claim_id(core: Core) -> int:
    with core.sessions() as session:
        return session.scalars(
            select(Claim.id).where(Claim.external_id == "seed-2022-03-02-ru-mod-casualties")
        ).one()


def test_edit_records_a_revision_and_changes_the_answer(core: Core) -> None:
    claim_id = ru_claim_id(core)
    record = core.editing.record(claim_id)
    corrected = record.model_copy(update={"outlet": "TASS", "external_id": None})
    assert core.editing.edit(claim_id, corrected, "slack:U1") is True
    assert core.editing.edit(claim_id, corrected, "slack:U1") is False
    (topic,) = core.answers.ask("russian losses").matches
    assert topic.claims[0].outlet == "TASS"
    assert core.editing.record(claim_id).external_id == "seed-2022-03-02-ru-mod-casualties"
    history = core.editing.history(claim_id)
    assert [r.action for r in history] == ["created", "updated"]
    assert history[1].changes == {"outlet": ["RIA Novosti", "TASS"]}
    assert history[1].author == "slack:U1"


def test_verify_with_a_note(core: Core) -> None:
    claim_id = ru_claim_id(core)
    core.editing.verify(
        claim_id, Verification.DISPUTED, "Checked by J. Doe against BBC count", "U2"
    )
    (topic,) = core.answers.ask("russian losses").matches
    ru = next(c for c in topic.claims if c.id == claim_id)
    assert ru.verification is Verification.DISPUTED
    last = core.editing.history(claim_id)[-1]
    assert last.action == "verified"
    assert last.changes["verification"] == ["unverified", "disputed"]
    assert last.changes["verification_note"] == [None, "Checked by J. Doe against BBC count"]


def test_retire_removes_from_answers_keeps_history_and_export(core: Core) -> None:
    claim_id = ru_claim_id(core)
    core.editing.retire(claim_id, "Duplicate of a later report", "U3")
    (topic,) = core.answers.ask("russian losses").matches
    assert claim_id not in [c.id for c in topic.claims]
    assert core.editing.history(claim_id)[-1].action == "retired"
    with core.sessions() as session:
        exported = [to_record(c) for c in ClaimStore(session).all_claims()]
    retired = next(r for r in exported if r.external_id == "seed-2022-03-02-ru-mod-casualties")
    assert retired.retired_reason == "Duplicate of a later report"
    text = render_history(claim_id, core.editing.history(claim_id))
    assert "retired by U3" in text
    assert "retired_reason: (none) -> 'Duplicate of a later report'" in text


def test_unknown_claim(core: Core) -> None:
    with pytest.raises(ClaimBotError, match="There is no claim 999"):
        core.editing.history(999)
    with pytest.raises(ClaimBotError, match="There is no claim 999"):
        core.editing.retire(999, "x", "U")


def test_edit_keeps_the_fields_it_does_not_change(core: Core) -> None:
    claim_id = ru_claim_id(core)
    core.editing.verify(claim_id, Verification.DISPUTED, "Checked by the desk", "U2")
    # What the edit form submits: no verification note, key or retirement.
    corrected = core.editing.record(claim_id).model_copy(
        update={"outlet": "TASS", "verification_note": None, "external_id": None}
    )
    assert core.editing.edit(claim_id, corrected, "U1") is True
    after = core.editing.record(claim_id)
    assert after.verification_note == "Checked by the desk"
    assert after.external_id == "seed-2022-03-02-ru-mod-casualties"
    assert core.editing.history(claim_id)[-1].changes == {"outlet": ["RIA Novosti", "TASS"]}
    # Only the named fields change.
    other = corrected.model_copy(update={"outlet": "Interfax", "caveat": "ignored"})
    assert core.editing.edit(claim_id, other, "U1", fields={"outlet"}) is True
    after = core.editing.record(claim_id)
    assert (after.outlet, after.caveat) == ("Interfax", corrected.caveat)
    with pytest.raises(ValueError, match="not editable: verification_note"):
        core.editing.edit(claim_id, other, "U1", fields={"verification_note"})


def test_a_retired_claim_cannot_be_edited(core: Core) -> None:
    claim_id = ru_claim_id(core)
    core.editing.retire(claim_id, "Superseded", "U3")
    record = core.editing.record(claim_id).model_copy(
        update={"outlet": "TASS", "retired_reason": None}
    )
    with pytest.raises(ClaimBotError, match=f"Claim {claim_id} is retired; a retired claim"):
        core.editing.edit(claim_id, record, "U1")
    after = core.editing.record(claim_id)
    assert (after.retired_reason, after.outlet) == ("Superseded", "RIA Novosti")
    (topic,) = core.answers.ask("russian losses").matches
    assert claim_id not in [c.id for c in topic.claims]


def test_text_stored_before_the_length_limit_is_kept(core: Core) -> None:
    claim_id = ru_claim_id(core)
    long_quote = "word " * 1000
    with db.transaction(core.sessions) as session:
        session.get_one(Claim, claim_id).quote = long_quote.strip()
    record = core.editing.record(claim_id)
    assert len(record.quote or "") > MAX_TEXT
    # Verifying, retiring and editing other fields keep it.
    core.editing.verify(claim_id, Verification.DISPUTED, "Checked", "U2")
    fields = EDITABLE_FIELDS - {"quote"}
    corrected = record.model_copy(update={"outlet": "TASS", "quote": None})
    assert core.editing.edit(claim_id, corrected, "U1", fields) is True
    assert core.editing.record(claim_id).quote == long_quote.strip()
    # An unchanged stored text is not new text.
    assert core.editing.edit(claim_id, record.model_copy(update={"outlet": "RBC"}), "U1")
    # New text over the limit is refused, naming the field.
    with pytest.raises(ClaimBotError, match=r"^Not saved: field 'verification_note': String"):
        core.editing.verify(claim_id, Verification.VERIFIED, "n" * (MAX_TEXT + 1), "U2")
    with pytest.raises(ClaimBotError, match=r"^Not saved: field 'caveat'"):
        core.editing.edit(claim_id, record.model_copy(update={"caveat": "c" * 3001}), "U1")
    core.editing.retire(claim_id, "Superseded", "U3")
    with core.sessions() as session:
        (exported,) = [
            r for r in map(to_record, ClaimStore(session).all_claims()) if r.quote == record.quote
        ]
    assert exported.retired_reason == "Superseded"


def test_adding_a_claim_that_exists_is_refused_and_changes_nothing(core: Core) -> None:
    claim_id = ru_claim_id(core)
    core.editing.verify(claim_id, Verification.DISPUTED, "Checked by the desk", "slack:U1")
    core.editing.retire(claim_id, "Withdrawn by the ministry", "slack:U1")
    same_key = core.editing.record(claim_id).model_copy(
        update={"external_id": None, "retired_reason": None, "verification_note": None}
    )
    assert core.editing.existing_id(same_key) == claim_id
    with pytest.raises(ClaimBotError, match=f"Claim {claim_id} already has this topic"):
        core.editing.add(same_key, "slack:U2")
    kept = core.editing.record(claim_id)
    assert kept.retired_reason == "Withdrawn by the ministry"
    assert kept.verification_note == "Checked by the desk"
    new = same_key.model_copy(update={"claimant": "Another ministry"})
    assert core.editing.existing_id(new) is None
    assert core.editing.add(new, "slack:U2").created == 1
