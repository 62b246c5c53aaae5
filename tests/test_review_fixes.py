"""Defects found in review: each stays fixed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner

from bot.core import Core
from bot.moments import read
from bot.records import ClaimRecord
from bot.render_text import render_answer
from entrypoints.cli import cli
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


TODAY = date(2026, 3, 15)


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("losses between 1 and 3 March 2022", date(2022, 3, 1), date(2022, 3, 3)),
        ("потери с 1 по 5 марта 2023", date(2023, 3, 1), date(2023, 3, 5)),
        ("losses 1-5 March 2023", date(2023, 3, 1), date(2023, 3, 5)),
        ("losses between 2024 and 2027", date(2024, 1, 1), TODAY),
        ("losses 20 March", None, date(2025, 3, 20)),
    ],
)
def test_day_ranges_future_ends_and_days_without_a_year(
    question: str, start: date | None, end: date
) -> None:
    moment = read(question, TODAY).moment
    assert moment is not None and (moment.start, moment.end) == (start, end)


def test_a_moment_that_has_not_come_is_said_so() -> None:
    reading = read("russian losses in 2030", TODAY)
    assert (reading.moment, reading.problem) == (None, "“in 2030” has not come yet.")


def test_an_answer_with_no_claim_by_then_says_so_plainly(core: Core) -> None:
    text = render_answer(core.answers.ask("russian losses as of 1 January 2022"))
    assert "No claim to show." in text
    assert "Verification: ." not in text and "latest available" not in text


def test_a_date_is_dropped_only_when_the_best_topic_is_named_by_it(core: Core) -> None:
    answer = core.answers.ask("refugees from ukraine in 2022")
    assert answer.moment is not None


def test_batch_of_text_that_is_not_utf8_is_one_sentence(core: Core) -> None:
    result = CliRunner().invoke(
        cli,
        ["ask", "--batch", "-"],
        input=b"\xff\n",
        env={"DATABASE_URL": core.settings.database_url},
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: The input is not UTF-8 text (byte 0); save it as UTF-8."
