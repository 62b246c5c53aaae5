"""The editors' form as it reads and writes a claim's fields."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from bot.records import ClaimRecord
from handlers.modals import figures_text, parse_figures


@pytest.mark.parametrize("value", [0.125, -0.00004, 1456610, 12.5, 1e-7, 0.1 + 0.2])
def test_the_edit_form_writes_figures_out_in_full(value: float) -> None:
    record = ClaimRecord.model_validate(
        {
            "topic": "t",
            "claimant": "c",
            "claimed_on": "2022-01-01",
            "figures": [{"metric": "m", "value": value, "value_high": abs(value) * 2}],
        }
    )
    (figure,) = parse_figures(figures_text(record), {})
    assert (figure["value"], figure["value_high"]) == (value, abs(value) * 2)
    assert Decimal(repr(value)) == Decimal(repr(figure["value"]))


def test_the_form_writes_and_reads_what_a_figure_counts_its_basis_and_coverage() -> None:
    figure = {
        "metric": "killed",
        "value": 498,
        "unit": "troops",
        "counts": "killed",
        "basis": "official_claim",
        "coverage_from": "2022-02-24",
        "coverage_to": "2022-03-02",
        "area": "Ukraine",
    }
    record = ClaimRecord.model_validate(
        {"topic": "t", "claimant": "c", "claimed_on": "2022-03-02", "figures": [figure]}
    )
    text = figures_text(record)
    assert text == (
        "killed: 498 troops | counts: killed | basis: official_claim | from: 2022-02-24 "
        "| to: 2022-03-02 | area: Ukraine"
    )
    (parsed,) = parse_figures(text, {"killed": "killed"})
    assert parsed == {**figure, "value": 498.0, "value_high": None}
    # A | that starts no detail is text: a metric or a place may hold one.
    (piped,) = parse_figures("deaths | injuries: 7 | area: Kharkiv | Kupiansk", KINDS)
    assert (piped["metric"], piped["value"], piped["area"]) == (
        "deaths | injuries",
        7.0,
        "Kharkiv | Kupiansk",
    )
    # Labels work as well as keys; a kind or basis the store does not know names the line.
    (labelled,) = parse_figures("a: 1 | counts: Killed | basis: Confirmed floor", KINDS)
    assert (labelled["counts"], labelled["basis"]) == ("killed", "confirmed_floor")
    for line, message in [
        ("a: 1\nb: 2 | counts: dead", "Line 2: no kind 'dead'; the kinds are killed, wounded."),
        ("a: 1 | basis: rumour", "Line 1: no basis 'rumour'; use one of official_claim,"),
        ("a: 1 | colour: red", "Line 1: after | write counts:, basis:, from:, to: or area:"),
        ("a: 1 | area:", "Line 1: area: is empty; give a value or leave it out."),
        ("a: 1 | counts: killed | Counts: wounded", "Line 1: Counts: is given twice; keep one."),
    ]:
        with pytest.raises(ValueError, match=re.escape(message)):
            parse_figures(line, KINDS)


KINDS = {"killed": "killed", "wounded": "wounded"}
