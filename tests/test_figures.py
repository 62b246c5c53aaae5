"""Figures that say what they count: kinds, basis and coverage, the source a claim cites; in
the store and its revisions, every exchange format, and answers (comparability, spread, echoes).
On real SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.claimreview import parse_claimreview, to_claimreview
from bot.core import Core
from bot.errors import ClaimBotError
from bot.importing import read_claims, ukraine_losses
from bot.records import ClaimRecord, dump_document, load_file, parse_document
from bot.render_text import render_answer, render_digest, render_history
from tests.test_importing import LOSSES, RELIEFWEB, UNHCR, needs_shared_data, save, write

#: Every new field, set.
DETAILED: dict[str, Any] = {
    "external_id": "detailed-1",
    "topic": "Russian military casualties in Ukraine",
    "claimant": "TASS",
    "outlet": "TASS",
    "claimed_on": "2022-03-03",
    "cites": "Russian Ministry of Defence",
    "figures": [
        {
            "metric": "killed",
            "value": 498,
            "unit": "troops",
            "counts": "killed",
            "basis": "official_claim",
            "coverage_from": "2022-02-24",
            "coverage_to": "2022-03-02",
            "area": "Ukraine",
        },
        {
            "metric": "wounded",
            "value": 1597,
            "value_high": 1600,
            "unit": "troops",
            "counts": "wounded",
            "basis": "estimate",
            "area": "Ukraine and Belarus",
        },
    ],
}


def record(**changes: Any) -> ClaimRecord:
    return ClaimRecord.model_validate({**DETAILED, **changes})


# The model, the store and revisions ------------------------------------------------------------


def test_new_fields_are_stored_exported_and_recorded_in_revisions(empty_core: Core) -> None:
    save(empty_core, [record()])
    (exported,) = empty_core.editing.export_records()
    assert exported == record()
    changed = record(
        cites="Russian MoD spokesman",
        figures=[{**DETAILED["figures"][0], "basis": "estimate", "area": None}],
    )
    save(empty_core, [changed])
    (exported,) = empty_core.editing.export_records()
    assert exported == changed
    claim_id = empty_core.editing.existing_id(changed)
    assert claim_id is not None
    created, updated = empty_core.editing.history(claim_id)
    assert created.changes["cites"] == [None, "Russian Ministry of Defence"]
    assert created.changes["figures"][1][0]["counts"] == "killed"
    assert updated.changes["cites"] == ["Russian Ministry of Defence", "Russian MoD spokesman"]
    old, new = updated.changes["figures"]
    assert (old[0]["basis"], new[0]["basis"]) == ("official_claim", "estimate")
    assert "area" not in new[0] and old[0]["area"] == "Ukraine"


def test_an_unknown_kind_is_refused_naming_record_and_field(empty_core: Core) -> None:
    bad = record(figures=[{"metric": "dead", "value": 3, "counts": "dead"}])
    with pytest.raises(ClaimBotError, match=r"Record 1: field 'figures.0.counts': unknown kind"):
        save(empty_core, [record(), bad.model_copy(update={"external_id": "bad"})])
    assert empty_core.editing.claim_count() == 0


def test_editors_add_kinds(empty_core: Core) -> None:
    empty_core.editing.add_kind("civilians_killed", "civilians killed")
    assert empty_core.editing.kinds()["civilians_killed"] == "civilians killed"
    save(empty_core, [record(figures=[{"metric": "k", "value": 3, "counts": "civilians_killed"}])])
    for key, label, message in [
        ("civilians_killed", "again", "There is already a kind 'civilians_killed'."),
        ("Civilians Killed", "x", "a key is up to 50 lowercase letters"),
        ("fine", " ", "the label must be 1 to 200 characters"),
    ]:
        with pytest.raises(ClaimBotError, match=message):
            empty_core.editing.add_kind(key, label)


@pytest.mark.parametrize(
    ("figure", "message"),
    [
        ({"basis": "rumour"}, "figures.0.basis"),
        ({"counts": "Not A Key"}, "figures.0.counts"),
        ({"coverage_from": "2022-03-02", "coverage_to": "2022-02-24"}, "coverage_to must not"),
        ({"area": "x" * 201}, "figures.0.area"),
    ],
)
def test_bad_figure_fields_name_the_field(figure: dict[str, Any], message: str) -> None:
    document = {"claims": [{**DETAILED, "figures": [{"metric": "k", "value": 1, **figure}]}]}
    with pytest.raises(ClaimBotError, match=message):
        parse_document(document)


def test_blank_unit_and_area_are_none_given() -> None:
    figure = {"metric": " killed ", "value": 1, "unit": "  ", "area": " Ukraine "}
    (record,) = parse_document({"claims": [{**DETAILED, "figures": [figure]}]})
    assert (record.figures[0].metric, record.figures[0].unit) == ("killed", None)
    assert record.figures[0].area == "Ukraine"


# Every exchange format round-trips every new field ---------------------------------------------


def test_json_round_trip(empty_core: Core, tmp_path: Path) -> None:
    save(empty_core, [record()])
    path = tmp_path / "export.json"
    path.write_text(dump_document(empty_core.editing.export_records()), encoding="utf-8")
    assert json.loads(path.read_text())["claims"][0]["figures"][1]["basis"] == "estimate"
    assert list(load_file(path)) == [record()]


def test_claimreview_round_trip_through_claimbots_namespace(empty_core: Core) -> None:
    save(empty_core, [record()])
    (exported,) = empty_core.editing.export_records()
    review = to_claimreview(exported, "Desk", date(2026, 12, 1))
    assert review["itemReviewed"]["claimbot:cites"] == "Russian Ministry of Defence"
    assert review["itemReviewed"]["claimbot:figures"][0]["counts"] == "killed"
    (back,) = parse_claimreview(json.loads(json.dumps([review])))
    assert back.cites == exported.cites and back.figures == exported.figures


def test_csv_columns_map_and_set_round_trip(tmp_path: Path) -> None:
    header = (
        "external_id,topic,claimant,outlet,claimed_on,cites,metric,value,value_high,unit,"
        "counts,basis,coverage_from,coverage_to,area\n"
    )
    path = write(
        tmp_path,
        header
        + "detailed-1,Russian military casualties in Ukraine,TASS,TASS,2022-03-03,"
        + "Russian Ministry of Defence,killed,498,,troops,killed,official_claim,2022-02-24,"
        + "2022-03-02,Ukraine\n"
        + "detailed-1,,,,,,wounded,1597,1600,troops,wounded,estimate,,,Ukraine and Belarus\n",
    )
    assert list(read_claims(path)) == [record()]
    mapped = write(
        tmp_path,
        "id,what,number,who\nx,killed,498,the ministry\n",
        "mapped.csv",
    )
    (from_map,) = read_claims(
        mapped,
        maps=["external_id=id", "metric=what", "value=number", "counts=what", "cites=who"],
        sets=[
            "topic=T",
            "claimant=TASS",
            "claimed_on=2022-03-03",
            "basis=confirmed_floor",
            "coverage_from=2022-02-24",
            "area=Ukraine",
        ],
    )
    assert from_map.cites == "the ministry"
    (figure,) = from_map.figures
    assert (figure.counts, figure.basis, figure.coverage_from, figure.area) == (
        "killed",
        "confirmed_floor",
        date(2022, 2, 24),
        "Ukraine",
    )


# Answers: comparability, spread, echoes ------------------------------------------------------


def test_seed_answer_says_the_figures_do_not_compare(core: Core) -> None:
    answer = core.answers.ask("russian losses")
    (topic,) = answer.matches
    assert topic.comparability == (
        "These figures count different things: Russian Ministry of Defence counts killed and "
        "wounded, separately; UK Ministry of Defence counts losses of unspecified kind."
    )
    text = render_answer(answer)
    assert topic.comparability in text
    assert (
        "Counts killed and wounded, separately; an official claim; covers 24 February 2022 to "
        "2 March 2022, in Ukraine." in text
    )
    assert "published by RIA Novosti, citing Russian Ministry of Defence" in text
    document = answer.to_json()["matches"][0]
    assert document["comparability"] == topic.comparability
    (uk,) = [c for c in document["claims"] if c["claimant"] == "UK Ministry of Defence"]
    assert uk["figures"][0]["counts_label"] == "losses of unspecified kind"


def test_seed_answer_shows_the_spread_of_comparable_figures(core: Core) -> None:
    (topic,) = core.answers.ask("conscript share").matches
    assert topic.comparability is None
    (group,) = topic.groups
    (spread,) = group.spreads
    assert spread.summary == (
        "Share of conscripts in the force: claims range from 50% (Warsaw Institute, estimate) "
        "to 70% (The Washington Post, estimate)."
    )
    assert spread.summary in render_answer(core.answers.ask("conscript share"))
    (document,) = core.answers.ask("conscript share").to_json()["matches"][0]["groups"]
    assert document["spreads"][0] | {"low": 50, "high": 70} == document["spreads"][0]


def test_three_outlets_citing_one_source_are_one_claim(empty_core: Core) -> None:
    save(
        empty_core,
        [
            record(external_id=f"echo-{outlet}", claimant=outlet, outlet=outlet, claimed_on=day)
            for outlet, day in [
                ("TASS", "2022-03-03"),
                ("Interfax", "2022-03-04"),
                ("RBC", "2022-03-02"),
            ]
        ]
        + [
            record(
                external_id="uk",
                claimant="UK Ministry of Defence",
                outlet="Fox News",
                cites=None,
                figures=[{"metric": "killed", "value": 5840, "counts": "killed", "unit": "troops"}],
            )
        ],
    )
    answer = empty_core.answers.ask("russian military casualties in ukraine")
    (topic,) = answer.matches
    echoed, uk = topic.claims
    assert echoed.claimant == "Interfax"  # the most recent report stands for them all
    assert [e.name for e in echoed.repeated_by] == ["Interfax", "TASS", "RBC"]
    assert echoed.echo_note == "Citing Russian Ministry of Defence: repeated by 3 outlets."
    assert uk.repeated_by == ()
    (spread,) = topic.groups[0].spreads
    assert spread.summary == (
        "Killed: claims range from 498 troops (Russian Ministry of Defence, official claim) to "
        "5,840 troops (UK Ministry of Defence)."
    )
    text = render_answer(answer)
    assert "repeated by 3 outlets" in text and "- TASS, 3 March 2022" not in text
    listed = render_answer(answer, outlets=True)
    assert "- TASS, 3 March 2022\n" in listed and "- RBC, 2 March 2022" in listed
    claims = answer.to_json()["matches"][0]["claims"]
    assert [r["outlet"] for r in claims[0]["repeated_by"]] == ["Interfax", "TASS", "RBC"]
    assert claims[1]["repeated_by"] == []


@pytest.mark.parametrize(
    ("other", "why"),
    [
        ({"unit": "soldiers"}, "are in different units"),
        ({"area": "Mariupol"}, "cover different areas"),
        ({"coverage_from": "2022-02-24", "coverage_to": "2022-02-25"}, "cover different periods"),
        ({"basis": "projection"}, "set a projection or a model against a count"),
    ],
    ids=["unit", "area", "period", "projection"],
)
def test_no_spread_between_figures_that_do_not_compare(
    empty_core: Core, other: dict[str, Any], why: str
) -> None:
    """Figures of one kind in another unit, area or period, or a projection against a count,
    are not set side by side as "claims range from ... to ...", and the answer says why."""
    killed = {"metric": "killed", "value": 498, "unit": "troops", "counts": "killed"}
    killed |= {"basis": "official_claim", "area": "Ukraine"}
    killed |= {"coverage_from": "2022-02-24", "coverage_to": "2022-03-02"}
    save(
        empty_core,
        [
            record(external_id="ru", claimant="Russia", cites=None, figures=[killed]),
            record(
                external_id="uk",
                claimant="UK",
                cites=None,
                figures=[killed | {"value": 5840} | other],
            ),
        ],
    )
    (topic,) = empty_core.answers.ask("russian military casualties in ukraine").matches
    assert [g.spreads for g in topic.groups] == [()]
    assert topic.comparison == [f"Killed: not compared, as the figures {why}."]
    text = render_answer(empty_core.answers.ask("russian military casualties"))
    assert "range from" not in text and f"Killed: not compared, as the figures {why}." in text
    document = empty_core.answers.ask("russian military casualties").to_json()
    assert document["matches"][0]["groups"][0]["not_compared"] == topic.comparison
    save(empty_core, [record(external_id="uk", claimant="UK", cites=None, figures=[killed])])
    (topic,) = empty_core.answers.ask("russian military casualties in ukraine").matches
    assert [g.spreads for g in topic.groups] == [()]  # the same figure: nothing to spread


def test_a_report_that_differs_is_not_hidden_among_echoes(empty_core: Core) -> None:
    """Reports citing one source with the same numbers, one judged false and one counting
    something else, are not folded into "repeated by N outlets"."""
    kinds = [dict(f, counts="killed_and_wounded") for f in DETAILED["figures"]]
    save(
        empty_core,
        [
            record(external_id="tass", claimant="TASS", outlet="TASS", claimed_on="2022-03-03"),
            record(
                external_id="rbc",
                claimant="RBC",
                outlet="RBC",
                claimed_on="2022-03-02",
                verification="false",
            ),
            record(
                external_id="ifx",
                claimant="Interfax",
                outlet="Interfax",
                claimed_on="2022-03-01",
                figures=kinds,
            ),
        ],
    )
    (topic,) = empty_core.answers.ask("russian military casualties in ukraine").matches
    assert sorted(c.claimant for c in topic.claims) == ["Interfax", "RBC", "TASS"]
    assert all(c.repeated_by == () for c in topic.claims)
    assert "repeated by" not in render_answer(empty_core.answers.ask("russian military casualties"))


def test_digests_show_what_figures_count(core: Core) -> None:
    digest = core.digests.gather(
        "r", None, datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    )
    text = render_digest(digest)
    assert "Counts losses of unspecified kind; an estimate;" in text
    assert "citing Russian Ministry of Defence" in text


# The presets -------------------------------------------------------------------------------


@needs_shared_data
def test_oryx_is_a_second_claimant_beside_the_general_staff(empty_core: Core) -> None:
    save(empty_core, read_claims(LOSSES / "russia_losses_equipment.json", "ukraine-losses"))
    oryx = list(
        read_claims(LOSSES / "russia_losses_equipment_oryx.json", "oryx", on=date(2024, 1, 1))
    )
    assert len(oryx) == 11
    save(empty_core, oryx)
    answer = empty_core.answers.ask("russian tank losses")
    (topic,) = answer.matches
    assert topic.topic == "Russian tanks lost in Ukraine"
    staff, floor = topic.claims
    assert staff.claimant == "General Staff of the Armed Forces of Ukraine"
    assert floor.claimant == "Oryx" and floor.figures[0].value == 1673
    assert floor.what_it_counts == (
        "Counts equipment destroyed, damaged, abandoned or captured; a confirmed count, so a "
        "floor: at least this many; covers 24 February 2022 to 1 January 2024, in Ukraine."
    )
    assert (staff.figures[0].basis, staff.figures[0].counts) == (
        "official_claim",
        "equipment_destroyed_damaged_captured",
    )
    assert topic.groups[0].spreads == ()  # Oryx's snapshot is older than the latest count
    assert topic.comparison == [
        "Equipment destroyed, damaged, abandoned or captured: not compared, as the figures "
        "cover different periods."
    ]
    (topic,) = empty_core.answers.ask("russian tank losses as of 1 january 2024").matches
    (spread,) = topic.groups[0].spreads
    assert spread.summary.startswith(
        "Equipment destroyed, damaged, abandoned or captured: claims range from 1,673 (Oryx, "
        "confirmed floor) to "
    )


def test_oryx_needs_its_date_and_names_a_bad_record(tmp_path: Path) -> None:
    path = write(tmp_path, '[{"equipment_ua": "Spaceships", "losses_total": 1}]', "oryx.json")
    with pytest.raises(ClaimBotError, match="give the day of its snapshot with --date"):
        read_claims(path, "oryx")
    with pytest.raises(ClaimBotError, match="Record 0: field 'equipment_ua': unknown category"):
        list(read_claims(path, "oryx", on=date(2024, 1, 1)))
    with pytest.raises(ClaimBotError, match="--date applies to the Oryx file only"):
        read_claims(path, "json", on=date(2024, 1, 1))


@needs_shared_data
def test_general_staff_personnel_counts_killed_and_wounded_together() -> None:
    rows = json.loads((LOSSES / "russia_losses_personnel.json").read_text())[:1]
    (first,) = ukraine_losses(rows)
    killed_wounded, captured = first.figures
    assert (killed_wounded.counts, killed_wounded.basis) == ("killed_and_wounded", "official_claim")
    assert (killed_wounded.coverage_from, killed_wounded.coverage_to) == (
        date(2022, 2, 24),
        date(2022, 2, 25),
    )
    assert (captured.counts, captured.area) == ("captured", "Ukraine")


@needs_shared_data
def test_unhcr_and_reliefweb_presets_fill_the_fields(empty_core: Core) -> None:
    unhcr = list(read_claims(UNHCR, "unhcr-refugees"))
    assert len(unhcr) == 635
    poland = next(r for r in unhcr if r.topic == "Refugees from Ukraine in Poland")
    (figure,) = poland.figures
    assert (figure.counts, figure.basis, figure.area) == (
        "refugees_recorded",
        "official_claim",
        "Poland",
    )
    assert figure.coverage_to == poland.claimed_on and poland.cites == "authorities of Poland"
    reliefweb = {r.topic: r for r in read_claims(RELIEFWEB, "reliefweb")}
    assert len(reliefweb) == 580
    killed = reliefweb["Ukraine: Civilians Killed since 24 Feb 2022"].figures[0]
    assert (killed.counts, killed.coverage_from, killed.area) == (
        "killed",
        date(2022, 2, 24),
        "Ukraine",
    )
    flow = reliefweb["Ukraine: Conflict-related Civilian Deaths (per month)"].figures[0]
    assert flow.counts is None  # a monthly flow is not a count of the dead
    assert reliefweb["Ukraine: IDPs"].figures[0].counts == "displaced"
    save(empty_core, [*unhcr, *reliefweb.values()])
    assert empty_core.editing.claim_count() == 635 + 580


def test_history_shows_a_change_of_what_a_figure_counts(empty_core: Core) -> None:
    save(empty_core, [record()])
    save(empty_core, [record(figures=[{**DETAILED["figures"][0], "basis": "estimate"}])])
    claim_id = empty_core.editing.existing_id(record())
    assert claim_id is not None
    text = render_history(claim_id, empty_core.editing.history(claim_id))
    assert (
        "figures: killed: 498 troops (counts=killed, basis=official_claim, "
        "coverage_from=2022-02-24, coverage_to=2022-03-02, area=Ukraine); wounded: "
    ) in text
    assert "-> killed: 498 troops (counts=killed, basis=estimate, coverage_from" in text
