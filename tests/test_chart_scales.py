"""Charts keep every claimant visible and label few dates exactly."""

from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image

from bot.charts import ChartData, Point, Series, exact_dates, log_scale, render_chart


def series(claimant: str, *points: tuple[date, float]) -> Series:
    return Series(claimant, "killed", "troops", tuple(Point(d, v, None) for d, v in points))


RUSSIA = series("Russian Ministry of Defence", (date(2022, 3, 2), 498))
GENERAL_STAFF = series(
    "General Staff",
    *[(date(2022, 2, 25) + timedelta(days=n), 2800 + 1000 * n) for n in range(1500)],
)


def test_figures_orders_of_magnitude_apart_get_a_log_scale() -> None:
    far_apart = ChartData("Losses", (RUSSIA, series("UK", (date(2022, 2, 25), 1_600_000))), "")
    assert log_scale(far_apart)
    close = ChartData("Losses", (RUSSIA, series("UK", (date(2022, 2, 25), 450))), "")
    assert not log_scale(close)
    assert not log_scale(ChartData("Empty", (), ""))


def test_few_dates_are_labelled_exactly() -> None:
    single = ChartData("Losses", (RUSSIA,), "")
    assert exact_dates(single) == [date(2022, 3, 2)]
    assert exact_dates(ChartData("Series", (GENERAL_STAFF,), "")) is None


def test_both_kinds_render() -> None:
    for data in [
        ChartData("Losses", (RUSSIA, GENERAL_STAFF), "Sources: ..."),
        ChartData("One claim", (RUSSIA,), "Sources: ..."),
    ]:
        image = Image.open(io.BytesIO(render_chart(data)))
        assert image.format == "PNG"


def test_dollar_signs_in_stored_text_are_drawn_as_they_are() -> None:
    aid = Series("Donor $\\x$ group", "pledged", "$bn", (Point(date(2023, 1, 5), 5, 6),))
    data = ChartData("Aid between $5bn and $6bn", (aid,), "Sources: Donor $\\x$ group.")
    assert Image.open(io.BytesIO(render_chart(data))).format == "PNG"
