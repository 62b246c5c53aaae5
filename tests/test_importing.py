"""Imports from CSV (with mapping), ClaimReview and the General Staff series, and the real data
sets in ../shared/data, on real databases."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import event, select

from bot import db
from bot.claimreview import parse_claimreview, to_claimreview
from bot.config import Settings
from bot.core import Core
from bot.errors import ClaimBotError
from bot.importing import CsvMapping, read_claims, ukraine_losses
from bot.models import Topic, Verification
from bot.records import ClaimRecord
from bot.store import IMPORT_CHUNK, ClaimStore, ImportResult, to_record
from tests.conftest import empty_database
from tests.quality import RELIEFWEB_MAP, SHARED_DATA, UNHCR_MAP, UNHCR_SET

HERE = Path(__file__).parent
LOSSES = SHARED_DATA / "ukraine-russia-war-losses"
RELIEFWEB = SHARED_DATA / "reliefweb-crisis-figures" / "latest_figures_2023-07.csv"
UNHCR = (
    SHARED_DATA / "unhcr-ukraine-refugees" / "unhcr_ukraine_refugees_by_country_2022-07_2023-01.csv"
)
needs_shared_data = pytest.mark.skipif(
    not SHARED_DATA.exists(), reason=f"the shared data sets are not at {SHARED_DATA}"
)


def save(core: Core, records: Iterable[ClaimRecord]) -> ImportResult:
    with db.transaction(core.sessions) as session:
        return ClaimStore(session).import_records(records, author="test")


def write(tmp_path: Path, text: str, name: str = "claims.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# CSV -------------------------------------------------------------------------------------------

HEADER = (
    "external_id,topic,topic_aliases,claimant,claimed_on,"
    "metric,value,value_high,unit,verification\n"
)


def test_csv_with_the_documented_header_and_several_figures(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + "ru-1,Russian losses,russian casualties;russian deaths,Russian MoD,2022-03-02,"
        + "killed,498,,troops,unverified\n"
        + 'ru-1,Russian losses,,Russian MoD,2022-03-02,wounded,"1,597",,troops,unverified\n'
        + "wi,Conscript share,,Warsaw Institute,2022-03-02,share,50,70,%,disputed\n",
    )
    first, second = list(read_claims(path))
    assert first.topic_aliases == ("russian casualties", "russian deaths")
    assert [(f.metric, f.value) for f in first.figures] == [("killed", 498), ("wounded", 1597)]
    assert (second.figures[0].value, second.figures[0].value_high) == (50, 70)
    assert second.verification is Verification.DISPUTED


def test_csv_mapping_templates_and_fixed_values(tmp_path: Path) -> None:
    path = write(
        tmp_path, "country,when,count\nPoland,2022-08-01,1256568\nGermany,2022-06-21,867000\n"
    )
    records = list(
        read_claims(
            path,
            maps=["topic=Refugees in {country}", "claimed_on=when", "value=count"],
            sets=["claimant=UNHCR", "metric=refugees"],
        )
    )
    assert [(r.topic, r.claimant, r.figures[0].value) for r in records] == [
        ("Refugees in Poland", "UNHCR", 1256568),
        ("Refugees in Germany", "UNHCR", 867000),
    ]


@pytest.mark.parametrize(
    ("rows", "maps", "message"),
    [
        ("x,T,,C,2022-13-01,k,1,,,unverified\n", [], "Row 2, column 'claimed_on': "),
        (
            "x,T,,C,2022-01-01,k,lots,,,unverified\n",
            [],
            "Row 2, column 'value': 'lots' is not a number.",
        ),
        ("x,T,,,2022-01-01,k,1,,,unverified\n", [], "Row 2, column 'claimant': "),
        ("x,T,,C,2022-01-01,k,1,,,probably\n", [], "Row 2, column 'verification': "),
        ("x,T,,C,2022-01-01,k,1,,,unverified\n", ["claimant=who"], "The CSV has no column 'who'."),
        (
            "x,T,,C,2022-01-01,k,1,,,unverified\n",
            ["colour=topic"],
            "--map 'colour=topic': expected FIELD=",
        ),
    ],
)
def test_csv_errors_name_row_and_column(
    tmp_path: Path, rows: str, maps: list[str], message: str
) -> None:
    with pytest.raises(ClaimBotError, match="^" + re.escape(message)):
        list(read_claims(write(tmp_path, HEADER + rows), maps=maps))


def many(count: int, last: str = "", suffix: str = ".csv") -> str:
    """A file of ``count`` claims over 50 topics and ``last`` (a CSV row) at the end; a JSON
    document for the suffix .json."""
    rows = [
        f"id-{i},Topic {i % 50},t{i % 50},Claimant,2022-01-01,k,{i},,,unverified\n"
        for i in range(count)
    ] + ([last] if last else [])
    if suffix == ".csv":
        return HEADER + "".join(rows)
    names = HEADER.strip().split(",")
    claims = []
    for row in rows:
        fields = dict(zip(names, row.strip().split(","), strict=True))
        claims.append(
            {
                **{k: fields[k] for k in ("external_id", "topic", "claimant", "claimed_on")},
                "topic_aliases": [fields["topic_aliases"]] if fields["topic_aliases"] else [],
                "figures": [{"metric": fields["metric"], "value": fields["value"]}],
            }
        )
    return json.dumps({"version": 1, "claims": claims})


def import_file(core: Core, path: Path, inserts: list[str]) -> None:
    """Import a file as the command line does (streamed, one transaction), noting each chunk
    of claims written: an INSERT on SQLite; on PostgreSQL the claims' ids taken for a COPY
    (which goes to the driver directly)."""

    def note(*args: object) -> None:
        statement, parameters = str(args[2]), cast(dict[str, object], args[3])
        if statement.startswith("INSERT INTO claims") or (
            "generate_series" in statement and parameters["table"] == "claims"
        ):
            inserts.append(statement)

    event.listen(core.engine, "before_cursor_execute", note)
    try:
        core.editing.import_records(read_claims(path), "test")
    finally:
        event.remove(core.engine, "before_cursor_execute", note)


def stored(core: Core) -> tuple[int, int]:
    """How many claims and topics the store holds."""
    with core.sessions() as session:
        topics = session.scalars(select(Topic.id)).all()
        return ClaimStore(session).claim_count(include_retired=True), len(topics)


@pytest.mark.parametrize(
    ("suffix", "message"),
    [(".csv", r"^Row 2502, column 'value'"), (".json", r"^Record 2500: field 'figures\.0\.value'")],
)
def test_a_bad_last_record_after_chunks_were_written_leaves_nothing(
    empty_core: Core, tmp_path: Path, suffix: str, message: str
) -> None:
    bad = "id-bad,Topic 0,,Claimant,2022-01-01,k,not-a-number,,,unverified\n"
    inserts: list[str] = []
    with pytest.raises(ClaimBotError, match=message):
        import_file(empty_core, write(tmp_path, many(2500, bad, suffix), "bad" + suffix), inserts)
    assert len(inserts) == 2500 // IMPORT_CHUNK  # the chunks before the bad one were written
    assert stored(empty_core) == (0, 0)  # and rolled back
    import_file(empty_core, write(tmp_path, many(2500, suffix=suffix), "good" + suffix), [])
    assert stored(empty_core) == (2500, 50)


@pytest.mark.parametrize(
    ("suffix", "message"),
    [
        (".csv", r"^Rows 6 and 2502 have the same key \(external_id 'id-4'\)"),
        (".json", r"^Records 4 and 2500 have the same key \(external_id 'id-4'\)"),
    ],
)
def test_a_key_repeated_chunks_apart_is_refused_and_nothing_written(
    empty_core: Core, tmp_path: Path, suffix: str, message: str
) -> None:
    again = "id-4,Topic 9,,Claimant,2022-01-02,k,1,,,unverified\n"
    inserts: list[str] = []
    with pytest.raises(ClaimBotError, match=message):
        import_file(empty_core, write(tmp_path, many(2500, again, suffix), "two" + suffix), inserts)
    assert len(inserts) == 2500 // IMPORT_CHUNK
    assert stored(empty_core) == (0, 0)


def keyed_and_natural(
    ids: Iterable[int], natural: Iterable[int], changed: Iterable[int] = ()
) -> str:
    """A CSV file of claims keyed ``id-N`` for ``ids`` and claims keyed only by their topic,
    claimant and day (claimant ``Claimant N``) for ``natural``; those in ``changed`` carry
    another value."""
    rows = [HEADER]
    for kind, numbers in (("id", ids), ("natural", natural)):
        for i in numbers:
            key = f"id-{i}" if kind == "id" else ""
            claimant = "Claimant" if kind == "id" else f"Claimant {i}"
            value = i + 1 if i in changed else i
            rows.append(f"{key},Topic {i % 50},t{i % 50},{claimant},2022-01-01,k,{value},,,\n")
    return "".join(rows)


def test_a_large_import_into_a_database_with_claims_adds_updates_and_keeps(
    empty_core: Core, tmp_path: Path
) -> None:
    first = write(tmp_path, keyed_and_natural(range(12_000), range(2000)), "first.csv")
    assert empty_core.editing.import_records(read_claims(first), "t") == ImportResult(14_000)
    changed = {6000, 8500, 11_999, 1500}
    second = write(
        tmp_path, keyed_and_natural(range(6000, 18_000), range(1000, 3000), changed), "b.csv"
    )
    result = empty_core.editing.import_records(read_claims(second), "t")
    assert result == ImportResult(created=7000, updated=4, unchanged=6996)
    assert stored(empty_core) == (21_000, 50)
    with empty_core.sessions() as session:
        store = ClaimStore(session)
        for record in read_claims(write(tmp_path, keyed_and_natural(range(0), [1500]), "c.csv")):
            claim = store.existing(record)
            assert claim is not None and claim.figures[0].value == 1501


@pytest.mark.postgres
def test_on_postgresql_an_import_looks_existing_claims_up_on_their_index(tmp_path: Path) -> None:
    """Inside an import the planner has never counted the claims written so far: a lookup of
    a chunk's keys it may plan freely becomes a scan of all of them, once a chunk (which hit
    the statement timeout on large imports). The import's own lookups stay index scans."""
    core = Core.from_settings(Settings(database_url=empty_database("postgresql", tmp_path)))
    core.init(seed=False)
    path = write(tmp_path, keyed_and_natural(range(20_000), range(3000)))
    lookups: list[tuple[str, dict[str, object]]] = []

    def note(*args: object) -> None:
        statement = str(args[2])
        if statement.startswith("SELECT") and "FROM claims" in statement:
            lookups.append((statement, cast(dict[str, object], args[3])))

    event.listen(core.engine, "before_cursor_execute", note)
    try:
        with db.transaction(core.sessions) as session:
            ClaimStore(session).import_records(read_claims(path), "t", keys_checked=True)
            external, natural = (
                next(x for x in reversed(lookups) if word in x[0])
                for word in ("external_id", "claimant")
            )
            for statement, parameters in (external, natural):
                plan = session.connection().exec_driver_sql("EXPLAIN " + statement, parameters)
                lines = [line for (line,) in plan]
                assert not any("Seq Scan on claims" in line for line in lines), lines
                assert any("Index" in line and "claims" in line for line in lines), lines
    finally:
        event.remove(core.engine, "before_cursor_execute", note)
        core.engine.dispose()


@pytest.mark.postgres
def test_on_postgresql_a_reimport_reads_known_claims_on_their_indexes(tmp_path: Path) -> None:
    """Known records are compared with their claims and figures read by id: each found on
    its index, though the planner has not analysed the tables just written."""
    core = Core.from_settings(Settings(database_url=empty_database("postgresql", tmp_path)))
    core.init(seed=False)
    path = write(tmp_path, keyed_and_natural(range(3000), range(500)))
    core.editing.import_records(read_claims(path), "t")
    reads: list[tuple[str, dict[str, object]]] = []

    def note(*args: object) -> None:
        statement = str(args[2])
        if "LATERAL" in statement and "k(id)" in statement:
            reads.append((statement, cast(dict[str, object], args[3])))

    event.listen(core.engine, "before_cursor_execute", note)
    try:
        with db.transaction(core.sessions) as session:
            result = ClaimStore(session).import_records(read_claims(path), "t", keys_checked=True)
            assert result == ImportResult(unchanged=3500)
            assert {"FROM claims" in s for s, _ in reads} == {True, False}
            for statement, parameters in reads[-2:]:
                plan = session.connection().exec_driver_sql("EXPLAIN " + statement, parameters)
                lines = [line for (line,) in plan]
                assert not any("Seq Scan on" in line for line in lines), lines
    finally:
        event.remove(core.engine, "before_cursor_execute", note)
        core.engine.dispose()


def test_reimport_is_idempotent_and_changes_become_revisions(
    empty_core: Core, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        HEADER + "a,T,,C,2022-01-01,k,1,,,unverified\nb,T,,D,2022-01-01,k,2,,,unverified\n",
    )
    assert save(empty_core, list(read_claims(path))) == ImportResult(created=2)
    assert save(empty_core, list(read_claims(path))) == ImportResult(unchanged=2)
    changed = write(
        tmp_path,
        HEADER + "a,T,,C,2022-01-01,k,5,,,unverified\nb,T,,D,2022-01-01,k,2,,,unverified\n",
    )
    assert save(empty_core, list(read_claims(changed))) == ImportResult(updated=1, unchanged=1)


def test_a_claim_named_by_its_id_and_by_its_natural_key_in_one_file_is_updated_twice(
    empty_core: Core, tmp_path: Path
) -> None:
    """One record names the claim by its external id, another by topic, claimant and dates."""
    path = write(tmp_path, HEADER + "a,T,,C,2022-01-01,k,1,,,unverified\n")
    assert save(empty_core, list(read_claims(path))) == ImportResult(created=1)
    both = write(
        tmp_path,
        HEADER + "a,T,,C,2022-01-01,k,2,,,unverified\n,T,,C,2022-01-01,k,3,,,unverified\n",
    )
    assert save(empty_core, list(read_claims(both))) == ImportResult(updated=2)


def test_mapping_rejects_unknown_fields() -> None:
    with pytest.raises(ClaimBotError, match="expected FIELD="):
        CsvMapping.parse(["nonsense"], [])


# ClaimReview -----------------------------------------------------------------------------------


def test_claimreview_import_maps_the_schema() -> None:
    first, second = list(read_claims(HERE / "data" / "claimreview_example.json", fmt="claimreview"))
    assert first.claimant == "Russian Ministry of Defence"
    assert first.outlet == "RIA Novosti"
    assert first.source_url == "https://ria.example/20220302/losses.html"
    assert str(first.claimed_on) == "2022-03-02"
    assert first.quote == "Russian forces have lost 498 servicemen in Ukraine."
    assert first.verification is Verification.DISPUTED
    assert first.verification_note == (
        "Rated “Misleading” by Example Fact Check (https://factcheck.example.org/reviews/russia-498)"
    )
    assert first.external_id == "https://factcheck.example.org/reviews/russia-498"
    assert second.claimant == "Filippo Grandi"
    assert second.source_url == "https://twitter.example/FilippoGrandi/status/1"
    assert second.verification is Verification.VERIFIED


def test_claimreview_round_trip(empty_core: Core) -> None:
    original = list(read_claims(HERE / "data" / "claimreview_example.json", fmt="claimreview"))
    exported = [to_claimreview(r, "ClaimBot", r.claimed_on) for r in original]
    assert all(
        e["@type"] == "ClaimReview" and e["itemReviewed"]["@type"] == "Claim" for e in exported
    )
    assert list(parse_claimreview([exported])) == original
    assert list(parse_claimreview([{"@graph": exported}])) == original


def test_claimreview_export_of_claims_with_figures_round_trips(core: Core) -> None:
    with core.sessions() as session:
        records = [to_record(c) for c in ClaimStore(session).all_claims()]
    exported = json.loads(json.dumps([to_claimreview(r, "Desk", r.claimed_on) for r in records]))
    assert list(parse_claimreview([exported])) == records
    assert exported[0]["reviewRating"]["alternateName"] == "Unverified"


def test_claimreview_errors_name_the_review() -> None:
    with pytest.raises(ClaimBotError, match="No ClaimReview objects"):
        list(parse_claimreview([{"@type": "Article"}]))
    with pytest.raises(ClaimBotError, match=r"^ClaimReview 0: field 'claimant'"):
        list(
            parse_claimreview(
                [[{"@type": "ClaimReview", "claimReviewed": "x", "datePublished": "2022-01-01"}]]
            )
        )


@pytest.mark.parametrize(
    ("rating", "field"),
    [
        ({"ratingValue": float("nan")}, "ratingValue"),
        ({"ratingValue": "NaN"}, "ratingValue"),
        ({"ratingValue": 3, "bestRating": float("inf")}, "bestRating"),
        ({"ratingValue": "-Infinity"}, "ratingValue"),
        ({"ratingValue": 1e308, "worstRating": -1e308}, "ratingValue"),
    ],
)
def test_claimreview_rating_that_is_not_a_finite_number(
    rating: dict[str, object], field: str
) -> None:
    review = {
        "@type": "ClaimReview",
        "claimReviewed": "x",
        "datePublished": "2022-01-01",
        "itemReviewed": {"@type": "Claim", "author": {"name": "A"}},
        "reviewRating": {"@type": "Rating", **rating},
    }
    with pytest.raises(ClaimBotError, match=rf"^ClaimReview 0: field 'reviewRating\.{field}'"):
        list(parse_claimreview([[review]]))


def test_claimreviews_with_one_key_are_an_error_naming_both() -> None:
    review = {
        "@type": "ClaimReview",
        "url": "https://factcheck.example/1",
        "claimReviewed": "x",
        "datePublished": "2022-01-01",
        "itemReviewed": {"@type": "Claim", "author": {"name": "A"}},
    }
    with pytest.raises(
        ClaimBotError,
        match=r"^ClaimReviews 0 and 1 have the same key \(external_id 'https://factcheck",
    ):
        list(parse_claimreview([[review, {**review, "claimReviewed": "y"}]]))


def test_json_formats_accept_a_byte_order_mark(tmp_path: Path) -> None:
    review = {
        "@type": "ClaimReview",
        "claimReviewed": "x",
        "datePublished": "2022-01-01",
        "itemReviewed": {"@type": "Claim", "author": {"name": "A"}},
    }
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps([review]), encoding="utf-8-sig")
    assert [r.claimant for r in list(read_claims(path, "claimreview"))] == ["A"]
    path.write_text(
        json.dumps(
            {"claims": [{"topic": "T", "claimant": "C", "claimed_on": "2022-01-01", "quote": "q"}]}
        ),
        encoding="utf-8-sig",
    )
    assert [r.claimant for r in list(read_claims(path))] == ["C"]
    days = [{"date": "2022-03-01", "tank": 1}, {"date": "2022-03-01", "tank": 2}]
    path.write_text(json.dumps(days), encoding="utf-8-sig")
    with pytest.raises(ClaimBotError, match=r"^Records 0 and 1 have the same key"):
        list(read_claims(path, "ukraine-losses"))


def test_csv_rows_of_one_claim_may_differ_only_in_their_figures(tmp_path: Path) -> None:
    header = "external_id,topic,topic_aliases,claimant,claimed_on,quote,metric,value\n"
    same = write(
        tmp_path,
        header
        + "ru-1,Losses,losses a,Russian MoD,2022-03-02,Said so,killed,498\n"
        + "ru-1,,losses b,,,,wounded,1597\n"
        + "ru-1,Losses,,Russian MoD,2022-03-02,Said so,captured,10\n",
    )
    (claim,) = list(read_claims(same))
    assert [f.metric for f in claim.figures] == ["killed", "wounded", "captured"]
    assert claim.topic_aliases == ("losses a", "losses b")
    differing = write(
        tmp_path,
        header
        + "ru-1,Losses,,Russian MoD,2022-03-02,Said so,killed,498\n"
        + "ru-1,Losses,,Russian MoD,2022-03-02,Said otherwise,wounded,1597\n",
    )
    with pytest.raises(
        ClaimBotError,
        match=r"^Rows 2 and 3 have the same key but differ in column 'quote' \('Said so', "
        r"then 'Said otherwise'\): rows of one claim may differ only in their figures\.$",
    ):
        list(read_claims(differing))
    apart = write(
        tmp_path,
        header
        + "ru-1,Losses,,Russian MoD,2022-03-02,Said so,killed,498\n"
        + "other,Losses,,Russian MoD,2022-03-02,,killed,1\n"
        + "ru-1,Losses,,Russian MoD,2022-03-02,Said so,wounded,1597\n",
    )
    with pytest.raises(
        ClaimBotError,
        match=r"^Rows 2 and 4 have the same key \(external_id 'ru-1'\); a file may hold each "
        r"claim only once\. \(The rows of a claim with several figures follow one another\.\)$",
    ):
        list(read_claims(apart))
    natural = write(
        tmp_path,
        "topic,claimant,claimed_on,caveat,metric,value\n"
        + "Losses,Russian MoD,2022-03-02,,killed,498\n"
        + "Losses,Russian MoD,2022-03-02,Early,wounded,1597\n"
        + "Losses,Russian MoD,2022-03-02,Late,captured,1\n",
    )
    with pytest.raises(
        ClaimBotError, match=r"^Rows 2 and 4 have the same key but differ in column 'caveat'"
    ):
        list(read_claims(natural))


def test_csv_text_longer_than_the_limit_names_row_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "topic,claimant,claimed_on,caveat,quote\n"
        + "T,C,2022-01-01,,short\n"
        + f"T,D,2022-01-01,{'x' * 3001},short\n",
    )
    with pytest.raises(
        ClaimBotError,
        match=r"^Row 3, column 'caveat': String should have at most 3000 characters, not 3001\.$",
    ):
        list(read_claims(path))


# The real data sets ------------------------------------------------------------------------------


@needs_shared_data
def test_general_staff_series_imports_and_answers_as_a_summary(core: Core) -> None:
    records = list(read_claims(LOSSES / "russia_losses_personnel.json", fmt="ukraine-losses"))
    assert len(records) == 1626
    assert save(core, records).created == 1626
    assert save(core, records).unchanged == 1626
    (topic,) = core.answers.ask("russian losses").matches
    latest = topic.claims[0]
    assert latest.claimant == "General Staff of the Armed Forces of Ukraine"
    assert str(latest.claimed_on) == "2026-08-08"
    assert latest.figures[0].value == 1456610
    assert latest.series is not None
    assert latest.series.count == 1626
    assert str(latest.series.first_on) == "2022-02-25"
    assert latest.series.first.value == 2800
    by_day = {str(r.claimed_on): r.figures[0].value for r in records}
    assert latest.series.change_7 == 1456610 - by_day["2026-08-01"]
    assert latest.series.change_30 == 1456610 - by_day["2026-07-09"]
    assert "Russian Ministry of Defence" in [c.claimant for c in topic.claims]
    history = core.answers.history("russian losses")
    assert history is not None
    assert len(history.claims) == 1626 + 3


@needs_shared_data
def test_general_staff_equipment_series() -> None:
    data = json.loads((LOSSES / "russia_losses_equipment.json").read_text())
    records = list(ukraine_losses(data))
    tanks = [r for r in records if r.topic == "Russian tanks lost in Ukraine"]
    assert len(tanks) == 1626
    assert tanks[-1].figures[0].value == data[-1]["tank"]


@needs_shared_data
def test_reliefweb_imports_with_the_documented_mapping(empty_core: Core) -> None:
    records = list(read_claims(RELIEFWEB, maps=RELIEFWEB_MAP, sets=["outlet=ReliefWeb"]))
    assert save(empty_core, records).created == 580
    (topic,) = empty_core.answers.ask("ukraine refugees in poland").matches
    assert topic.topic == "Ukraine: Ukrainian Refugees in Poland"
    (claim,) = topic.claims
    assert (claim.claimant, claim.outlet, claim.figures[0].value) == ("UNHCR", "ReliefWeb", 968390)
    assert str(claim.claimed_on) == "2023-07-17"
    assert claim.source_url and claim.source_url.startswith("https://")


@needs_shared_data
def test_unhcr_snapshots_import_as_dated_series(empty_core: Core) -> None:
    records = list(read_claims(UNHCR, maps=UNHCR_MAP, sets=UNHCR_SET))
    assert save(empty_core, records).created == 635
    (topic,) = empty_core.answers.ask("refugees in germany").matches
    assert topic.topic == "Refugees from Ukraine in Germany"
    (claim,) = topic.claims
    assert claim.series is not None and claim.series.count > 3
    assert empty_core.answers.ask("refugees in czechia").matches[0].topic == (
        "Refugees from Ukraine in Czech Republic"
    )
