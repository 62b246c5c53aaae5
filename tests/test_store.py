"""The claims store on real SQLite and PostgreSQL: schema, import, revisions, export."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from bot import db
from bot.core import SEED_PATH, Core
from bot.errors import ClaimBotError
from bot.models import Claim, Topic
from bot.records import ClaimRecord, dump_document, load_file, parse_document
from bot.store import (
    TRACKED_FIELDS,
    ClaimStore,
    FigureRow,
    created_changes,
    record_snapshot,
    to_record,
)

RECORD = {
    "topic": "Russian military casualties in Ukraine",
    "topic_aliases": ["russian losses"],
    "claimant": "Russian Ministry of Defence",
    "outlet": "RIA Novosti",
    "source_url": "https://example.org/article",
    "claimed_on": "2022-03-02",
    "as_of": "2022-03-02",
    "figures": [{"metric": "killed", "value": 498}, {"metric": "wounded", "value": 1597}],
    "verification": "unverified",
    "caveat": "A party to the conflict.",
    "quote": "...",
    "external_id": "ru-1",
}


def records(*changes: Mapping[str, object]) -> list[ClaimRecord]:
    return parse_document({"claims": [{**RECORD, **c} for c in changes]})


def test_migration_creates_every_table_from_empty(empty_core: Core) -> None:
    tables = set(inspect(empty_core.engine).get_table_names())
    assert {"topics", "topic_aliases", "claims", "figures", "revisions"} <= tables
    assert db.is_migrated(empty_core.engine)
    db.migrate(empty_core.engine)  # running again is safe


def test_seed_loads_once(core: Core) -> None:
    seeded = len(list(load_file(SEED_PATH)))
    assert core.init(seed=True) is None
    with core.sessions() as session:
        assert ClaimStore(session).claim_count() == seeded


def test_import_creates_topic_claim_figures_and_revision(empty_core: Core) -> None:
    with db.transaction(empty_core.sessions) as session:
        result = ClaimStore(session).import_records(records({}), author="test")
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    with empty_core.sessions() as session:
        claim = session.scalars(select(Claim)).one()
        assert claim.topic.title == RECORD["topic"]
        assert [a.alias for a in claim.topic.aliases] == ["russian losses"]
        assert [(f.metric, f.value) for f in claim.figures] == [("killed", 498), ("wounded", 1597)]
        assert claim.claimed_on == date(2022, 3, 2)
        (revision,) = ClaimStore(session).revisions(claim.id)
        assert revision.action == "created"
        assert revision.author == "test"
        assert revision.changes["claimant"] == [None, "Russian Ministry of Defence"]


def test_a_created_revision_holds_every_field_set_as_json_writes_it(empty_core: Core) -> None:
    """The import writes a new claim's revision as text directly: the same text
    ``json.dumps`` makes of its changes, read back as them, on both databases."""
    full = {
        **RECORD,
        "topic": 'Втрати "армії" \\ in Ukraine',
        "figures": [
            {"metric": "killed", "value": 1e-7, "value_high": 2.5e20, "unit": "troops"},
            {
                "metric": "wounded",
                "value": 3,
                "counts": "wounded",
                "basis": "estimate",
                "coverage_from": "2022-02-24",
                "coverage_to": "2022-03-01",
                "area": "Kyiv",
            },
        ],
        "verification_note": "Checked\nby the desk",
        "cites": "Мінобороны",
        "retired_reason": "superseded",
    }
    (record,) = records(full)
    expected = {k: [None, v] for k, v in record_snapshot(record).items() if v not in (None, [])}
    assert created_changes(record) == json.dumps(expected)
    assert set(expected) == set(TRACKED_FIELDS)
    with db.transaction(empty_core.sessions) as session:
        ClaimStore(session).import_records([record], author="test")
    with empty_core.sessions() as session:
        claim = session.scalars(select(Claim)).one()
        (revision,) = ClaimStore(session).revisions(claim.id)
        assert revision.changes == expected


def test_reimport_same_key_updates_with_a_revision(empty_core: Core) -> None:
    with db.transaction(empty_core.sessions) as session:
        ClaimStore(session).import_records(records({}), author="first")
    changed = {"figures": [{"metric": "killed", "value": 500}], "verification": "disputed"}
    with db.transaction(empty_core.sessions) as session:
        result = ClaimStore(session).import_records(records(changed), author="second")
    assert (result.created, result.updated) == (0, 1)
    with db.transaction(empty_core.sessions) as session:
        again = ClaimStore(session).import_records(records(changed), author="third")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    with empty_core.sessions() as session:
        claim = session.scalars(select(Claim)).one()
        revisions = ClaimStore(session).revisions(claim.id)
        assert [r.author for r in revisions] == ["first", "second"]
        assert revisions[1].changes["verification"] == ["unverified", "disputed"]
        assert revisions[1].changes["figures"][1] == [
            {"metric": "killed", "value": 500.0, "value_high": None, "unit": None}
        ]
        assert set(revisions[1].changes) == {"figures", "verification"}


def test_two_records_of_one_claim_in_a_file_update_it_in_turn(empty_core: Core) -> None:
    """A record found by its external id and one found by its natural key may name the same
    claim: each is compared with the claim as the one before left it (the import compares
    known records with plain rows, and loads only the claims that change)."""
    with db.transaction(empty_core.sessions) as session:
        ClaimStore(session).import_records(records({}), author="first")
    by_id = {"figures": [{"metric": "killed", "value": 500}]}
    by_natural_key = {"external_id": None}
    with db.transaction(empty_core.sessions) as session:
        result = ClaimStore(session).import_records(records(by_id, by_natural_key), "second")
    assert (result.created, result.updated, result.unchanged) == (0, 2, 0)
    with empty_core.sessions() as session:
        claim = session.scalars(select(Claim)).one()
        assert [f.value for f in claim.figures] == [498, 1597]
        changes = [r.changes["figures"] for r in ClaimStore(session).revisions(claim.id)[1:]]
        assert [len(after) for _, after in changes] == [1, 2]


def test_records_without_external_id_are_keyed_naturally(empty_core: Core) -> None:
    plain = records({"external_id": None}, {"external_id": None, "claimant": "UK MoD"})
    for _ in range(2):
        with db.transaction(empty_core.sessions) as session:
            ClaimStore(session).import_records(plain, author="test")
    with empty_core.sessions() as session:
        assert ClaimStore(session).claim_count() == 2


def test_latest_claims_keeps_each_claimants_newest(empty_core: Core) -> None:
    batch = records(
        {"external_id": "a", "claimed_on": "2022-03-01"},
        {"external_id": "b", "claimed_on": "2022-03-05", "figures": [{"metric": "k", "value": 9}]},
        {"external_id": "c", "claimant": "UK MoD", "claimed_on": "2022-02-25"},
        {"external_id": "d", "claimant": "Ukraine", "claimed_on": "2022-03-04"},
    )
    with db.transaction(empty_core.sessions) as session:
        ClaimStore(session).import_records(batch, author="test")
    with empty_core.sessions() as session:
        topic_id = session.scalars(select(Topic.id)).one()
        latest = ClaimStore(session).latest_claims([topic_id, 999])
        assert [(c.claimant, str(c.claimed_on), n) for c, n in latest[topic_id]] == [
            ("Russian Ministry of Defence", "2022-03-05", 2),
            ("Ukraine", "2022-03-04", 1),
            ("UK MoD", "2022-02-25", 1),
        ]
        assert latest[topic_id][0][0].figures == (FigureRow("k", 9, None, None),)
        assert latest[999] == []


def test_retired_claims_leave_answers_but_stay_in_export(empty_core: Core) -> None:
    with db.transaction(empty_core.sessions) as session:
        ClaimStore(session).import_records(records({}), author="test")
    assert empty_core.answers.ask("russian losses").matches
    with empty_core.sessions() as session:
        claim_id = session.scalars(select(Claim.id)).one()
    assert empty_core.editing.retire(claim_id, "duplicate", "test")
    assert empty_core.answers.ask("russian losses").matches == ()
    with empty_core.sessions() as session:
        assert len(ClaimStore(session).all_claims()) == 1


def test_export_import_round_trip(core: Core, database_url: str) -> None:
    with core.sessions() as session:
        exported = dump_document([to_record(c) for c in ClaimStore(session).all_claims()])
    document = json.loads(exported)
    assert document["version"] == 1
    assert {c["external_id"] for c in document["claims"]} >= {"seed-2022-03-02-ru-mod-casualties"}
    original = list(load_file(SEED_PATH))
    round_tripped = parse_document(document)
    by_key = {r.external_id: r for r in round_tripped}
    for record in original:
        copy = by_key[record.external_id]
        assert copy.model_dump(exclude={"topic_aliases"}) == record.model_dump(
            exclude={"topic_aliases"}
        )
        assert set(record.topic_aliases) <= set(copy.topic_aliases)
    with db.transaction(core.sessions) as session:
        result = ClaimStore(session).import_records(round_tripped, author="round trip")
    assert result.unchanged == len(original) and result.created == result.updated == 0


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ([RECORD, {**RECORD, "claimed_on": "2022-02-30"}], "Record 1: field 'claimed_on'"),
        ([{**RECORD, "topic": ""}], "Record 0: field 'topic'"),
        ([{k: v for k, v in RECORD.items() if k != "claimant"}], "Record 0: field 'claimant'"),
        ([{**RECORD, "figures": [], "quote": None}], "needs figures or a quote"),
        ([{**RECORD, "verification": "probably"}], "Record 0: field 'verification'"),
        ([{**RECORD, "figures": [{"metric": "k", "value": 5, "value_high": 1}]}], "value_high"),
        ([{**RECORD, "source_url": "javascript:alert(1)"}], "field 'source_url'"),
        ([{**RECORD, "colour": "red"}], "field 'colour'"),
        (
            [RECORD, {**RECORD, "quote": "x" * 3001}],
            r"^Record 1: field 'quote': String should have at most 3000 characters, not 3001\.$",
        ),
        ([{**RECORD, "caveat": "x" * 3001}], r"^Record 0: field 'caveat': .* at most 3000"),
        ([{**RECORD, "verification_note": "x" * 4000}], r"^Record 0: field 'verification_note'"),
        ([{**RECORD, "retired_reason": "x" * 3001}], r"^Record 0: field 'retired_reason'"),
    ],
)
def test_bad_records_name_index_and_field(claims: list[object], message: str) -> None:
    with pytest.raises(ClaimBotError, match=message):
        parse_document({"claims": claims})


def test_bad_document_shape() -> None:
    with pytest.raises(ClaimBotError, match='"claims" list'):
        parse_document([RECORD])
    with pytest.raises(ClaimBotError, match="version"):
        parse_document({"version": 2, "claims": []})


def test_two_records_with_one_key_are_an_error_naming_both(empty_core: Core) -> None:
    other = {**RECORD, "external_id": "other"}
    claims = [RECORD, other, {**RECORD, "figures": [{"metric": "killed", "value": 1}]}]
    with pytest.raises(
        ClaimBotError, match=r"^Records 0 and 2 have the same key \(external_id 'ru-1'\)"
    ):
        parse_document({"claims": claims})
    natural = {k: v for k, v in RECORD.items() if k != "external_id"}
    with pytest.raises(
        ClaimBotError,
        match=r"^Records 1 and 3 have the same key \(topic 'Russian military casualties in "
        r"Ukraine', claimant 'Russian Ministry of Defence', claimed_on 2022-03-02, as_of "
        r"2022-03-02\)",
    ):
        parse_document({"claims": [RECORD, natural, other, {**natural, "quote": "changed"}]})
    # The store refuses them too, whoever calls it, and writes nothing.
    (first,), (second,) = records({}), records({"quote": "changed"})
    with (
        pytest.raises(ClaimBotError, match=r"^Records 0 and 1 have the same key"),
        db.transaction(empty_core.sessions) as session,
    ):
        ClaimStore(session).import_records([first, second], "test")
    with empty_core.sessions() as session:
        assert ClaimStore(session).claim_count(include_retired=True) == 0


def test_json_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "claims.json"
    path.write_text(json.dumps({"claims": [RECORD]}), encoding="utf-8-sig")
    assert [r.external_id for r in list(load_file(path))] == ["ru-1"]
