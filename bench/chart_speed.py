"""Chart benchmark: rendering a topic with 2,000 dated points to PNG.

    .venv/bin/python -m bench.chart_speed [--points 2000] [--rounds 7]

The baseline, in the same run, renders a chart with a single point: matplotlib's fixed cost.
Target: under 2 s for 2,000 points. Exits 1 when the median misses it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, timedelta

from bot.charts import ChartData, Point, Series, render_chart


def data(points: int) -> ChartData:
    """Three claimants, one long series and two short ones with ranges, like a contested topic."""
    start = date(2022, 2, 25)
    long = Series(
        "General Staff",
        "killed and wounded",
        "troops",
        tuple(Point(start + timedelta(days=i), 2800 + 900 * i, None) for i in range(points)),
    )
    ranges = Series(
        "US officials",
        "killed",
        "troops",
        tuple(
            Point(start + timedelta(days=30 * i), 5000 + 20000 * i, 9000 + 30000 * i)
            for i in range(max(points // 100, 1))
        ),
    )
    single = Series(
        "Russian MoD", "killed", "troops", (Point(start + timedelta(days=5), 498, None),)
    )
    return ChartData(
        "Russian military casualties in Ukraine",
        (long, ranges, single),
        "Sources: synthetic benchmark data.",
    )


def median_seconds(chart: ChartData, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        render_chart(chart)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    render_chart(data(1))  # warm up fonts and caches
    baseline = median_seconds(data(1), args.rounds)
    full = median_seconds(data(args.points), args.rounds)
    print(f"chart rendering, median of {args.rounds}")
    print("| chart | median (s) |")
    print("| --- | ---: |")
    print(f"| baseline: 1 point | {baseline:.3f} |")
    print(f"| {args.points:,} points, 3 claimants, ranges as bands | {full:.3f} |")
    print(f"ratio: {full / baseline:.2f}")
    return 0 if full < 2 else 1


if __name__ == "__main__":
    sys.exit(main())
