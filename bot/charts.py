"""Charts of how competing claims move over time: the data, and the PNG (matplotlib, Agg).

One series per claimant and metric, dated by the day the figures refer to (else the day they
were claimed); a single claim shows as a point, a range as a band (or an error bar on a point).
The caption names every claimant with its outlet and verification status: a chart of claims is
not a chart of facts.
"""

from __future__ import annotations

import io
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from bot.answers import AnswerService, TopicAnswer
from bot.formatting import format_number

#: 1,000 × 560 pixels: sharp at Slack's preview width, readable without opening.
SIZE_INCHES = (10.0, 5.6)
DPI = 100


@dataclass(frozen=True, slots=True)
class Point:
    day: date
    value: float
    high: float | None


@dataclass(frozen=True, slots=True)
class Series:
    claimant: str
    metric: str
    unit: str | None
    points: tuple[Point, ...]

    @property
    def label(self) -> str:
        unit = f" ({self.unit})" if self.unit else ""
        return f"{self.claimant}: {self.metric}{unit}"


@dataclass(frozen=True, slots=True)
class ChartData:
    """What a chart shows: the topic, its series, and the caption with sources and caveats."""

    topic: str
    series: tuple[Series, ...]
    caption: str


def chart_data(topic: TopicAnswer) -> ChartData:
    """The series of a topic's claims (all of them, not only the latest)."""
    points: dict[tuple[str, str, str | None], list[Point]] = defaultdict(list)
    sources: dict[str, tuple[str | None, str]] = {}
    for claim in topic.claims:
        sources.setdefault(claim.claimant, (claim.outlet, claim.verification_label))
        for figure in claim.figures:
            key = (claim.claimant, figure.metric, figure.unit)
            points[key].append(
                Point(claim.as_of or claim.claimed_on, figure.value, figure.value_high)
            )
    series = tuple(
        Series(claimant, metric, unit, tuple(sorted(found, key=lambda p: p.day)))
        for (claimant, metric, unit), found in sorted(points.items(), key=lambda kv: kv[0][:2])
    )
    charted = {s.claimant for s in series}
    parts = [
        f"{claimant}"
        + (f" (via {outlet})" if outlet and outlet != claimant else "")
        + f": {status.lower()}"
        for claimant, (outlet, status) in sources.items()
        if claimant in charted
    ]
    unplotted = sorted(set(sources) - charted)
    caption = "Sources: " + "; ".join(parts) + "."
    if unplotted:
        caption += " Not plotted, no figure given: " + ", ".join(unplotted) + "."
    caption += " These are claims by the parties named, not established facts."
    if topic.moment:
        caption = f"Claims made {topic.moment.label}. {caption}"
    return ChartData(topic.topic, series, caption)


def chart_for(answers: AnswerService, question: str) -> ChartData | None:
    """The chart data of the topic best matching a question, or None when nothing matches."""
    topic = answers.history(question)
    return chart_data(topic) if topic else None


#: Positive figures this many times apart are drawn on a log scale, or the small ones vanish.
LOG_SPREAD = 100
#: At most this many distinct dates are labelled exactly, one tick each.
EXACT_DATES = 8


def log_scale(data: ChartData) -> bool:
    """Whether the figures span orders of magnitude (498 beside 1.6 million)."""
    values = [p.value for s in data.series for p in s.points if p.value > 0]
    return bool(values) and max(values) / min(values) >= LOG_SPREAD


def exact_dates(data: ChartData) -> list[date] | None:
    """The dates to label one by one, when there are few; None for an automatic axis."""
    dated = sorted({p.day for s in data.series for p in s.points})
    return dated if 0 < len(dated) <= EXACT_DATES else None


def render_chart(data: ChartData, fmt: str = "png") -> bytes:
    """The chart as bytes in matplotlib's format ``fmt`` (png, jpg, svg, pdf, ...): a Figure of
    its own, no pyplot state, so safe in threads."""
    # matplotlib is loaded here, when a chart is drawn: a question never pays for it.
    import matplotlib as mpl  # noqa: PLC0415
    import matplotlib.dates as mdates  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415

    figure = Figure(figsize=SIZE_INCHES, dpi=DPI)
    axes = figure.subplots()
    colours = mpl.rcParams["axes.prop_cycle"].by_key()["color"]
    for index, series in enumerate(data.series):
        colour = colours[index % len(colours)]
        days = np.array([p.day for p in series.points], dtype="datetime64[D]")
        values = np.array([p.value for p in series.points])
        if len(series.points) == 1:
            point = series.points[0]
            spread = None if point.high is None else np.array([[0.0], [point.high - point.value]])
            axes.errorbar(
                days,
                values,
                yerr=spread,
                fmt="o",
                markersize=8,
                capsize=6,
                color=colour,
                label=series.label,
            )
            axes.annotate(
                format_number(point.value),
                (mdates.date2num(point.day), point.value),  # type: ignore[no-untyped-call]
                textcoords="offset points",
                xytext=(8, 6),
                fontsize=10,
                color=colour,
            )
            continue
        marker = "o" if len(series.points) <= 40 else None
        axes.plot(
            days, values, marker=marker, markersize=4, linewidth=2, color=colour, label=series.label
        )
        if any(p.high is not None for p in series.points):
            highs = np.array([p.value if p.high is None else p.high for p in series.points])
            axes.fill_between(days, values, highs, color=colour, alpha=0.2)
    # Stored text is drawn as it is: "$5bn and $6bn" is not matplotlib's math notation.
    axes.set_title(textwrap.shorten(data.topic, 90), fontsize=15, loc="left", parse_math=False)
    _scales(axes, data)
    if data.series:
        for label in axes.legend(fontsize=10, loc="upper left", frameon=False).get_texts():
            label.set_parse_math(False)
    else:
        axes.text(
            0.5,
            0.5,
            "No figures to plot",
            ha="center",
            va="center",
            transform=axes.transAxes,
            fontsize=14,
        )
    figure.text(
        0.01,
        0.01,
        "\n".join(textwrap.wrap(data.caption, 140)[:4]),
        fontsize=9,
        va="bottom",
        ha="left",
        color="#444444",
        parse_math=False,
    )
    figure.tight_layout(rect=(0, 0.1, 1, 1))
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt)
    return buffer.getvalue()


def _scales(axes: Any, data: ChartData) -> None:
    """The value axis (log across orders of magnitude) and the date axis (exact when few)."""
    import matplotlib.dates as mdates  # noqa: PLC0415
    from matplotlib.ticker import FuncFormatter  # noqa: PLC0415

    if log_scale(data):  # every claimant stays visible, however far apart
        axes.set_yscale("log")
        axes.set_ylabel("log scale", fontsize=10, color="#444444")
    else:
        axes.set_ylim(bottom=0)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_number(value)))
    exact = exact_dates(data)
    if exact:  # few dates: each labelled as it is, not a month the claims fall inside
        axes.set_xticks(mdates.date2num(exact))  # type: ignore[no-untyped-call]
        axes.set_xticklabels([f"{d.day} {d:%b %Y}" for d in exact], rotation=20, ha="right")
    else:
        locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes.grid(alpha=0.3)
    axes.tick_params(labelsize=11)
    axes.margins(y=0.1)
    dated = sorted({p.day for s in data.series for p in s.points})
    if dated and (dated[-1] - dated[0]).days < 30:  # a few claims on close dates: a month's view
        middle = mdates.date2num(dated[0] + (dated[-1] - dated[0]) / 2)  # type: ignore[no-untyped-call]
        axes.set_xlim(middle - 20, middle + 20)
