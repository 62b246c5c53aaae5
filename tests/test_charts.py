"""Charts: the data handed to the plot, and a PNG that decodes at the promised size."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image

from bot.answers import ClaimView, FigureView, TopicAnswer
from bot.charts import DPI, SIZE_INCHES, Point, chart_data, chart_for, render_chart
from bot.core import Core
from bot.models import Verification


def claim(claimant: str, day: date, *figures: FigureView, outlet: str | None = None) -> ClaimView:
    return ClaimView(
        id=1,
        claimant=claimant,
        outlet=outlet,
        source_url=None,
        claimed_on=day,
        as_of=None,
        figures=figures,
        verification=Verification.UNVERIFIED,
        caveat=None,
        quote=None,
    )


def test_series_per_claimant_and_metric_sorted_by_date() -> None:
    topic = TopicAnswer(
        1,
        "Losses",
        1.0,
        (
            claim("B", date(2022, 3, 2), FigureView("killed", 20, None, None), outlet="Wire"),
            claim("A", date(2022, 3, 1), FigureView("killed", 10, 12, "troops")),
            claim("A", date(2022, 2, 27), FigureView("killed", 5, None, "troops")),
            claim("C", date(2022, 2, 27)),
        ),
    )
    data = chart_data(topic)
    assert [(s.claimant, s.metric, s.unit) for s in data.series] == [
        ("A", "killed", "troops"),
        ("B", "killed", None),
    ]
    assert data.series[0].points == (
        Point(date(2022, 2, 27), 5, None),
        Point(date(2022, 3, 1), 10, 12),
    )
    assert data.series[0].label == "A: killed (troops)"
    assert data.caption == (
        "Sources: B (via Wire): not independently verified; A: not independently verified. "
        "Not plotted, no figure given: C. These are claims by the parties named, "
        "not established facts."
    )


def test_png_decodes_at_slack_preview_size() -> None:
    topic = TopicAnswer(
        1, "T", 1.0, (claim("A", date(2022, 3, 1), FigureView("k", 1e6, 2e6, None)),)
    )
    png = render_chart(chart_data(topic))
    image = Image.open(io.BytesIO(png))
    image.verify()
    assert image.format == "PNG"
    assert image.size == (int(SIZE_INCHES[0] * DPI), int(SIZE_INCHES[1] * DPI))


def test_chart_of_seed_topic(core: Core) -> None:
    data = chart_for(core.answers, "russian losses")
    assert data is not None
    assert data.topic == "Russian military casualties in Ukraine"
    assert {s.label for s in data.series} == {
        "Russian Ministry of Defence: killed (troops)",
        "Russian Ministry of Defence: wounded (troops)",
        "UK Ministry of Defence: losses (troops)",
    }
    assert "Not plotted, no figure given: Government of Ukraine." in data.caption
    assert chart_for(core.answers, "best pizza recipe") is None
