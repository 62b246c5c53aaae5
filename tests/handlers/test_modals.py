"""The editors' form as it reads and writes a claim's fields."""

from __future__ import annotations

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
    (figure,) = parse_figures(figures_text(record))
    assert (figure["value"], figure["value_high"]) == (value, abs(value) * 2)
    assert Decimal(repr(value)) == Decimal(repr(figure["value"]))
