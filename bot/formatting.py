"""Numbers and dates as people read them, the same in Slack, the console, the CLI and charts."""

from __future__ import annotations

from datetime import date


def format_number(value: float) -> str:
    """Thousands separators; decimals only where the figure has them."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_date(day: date) -> str:
    """A date as people read it: "2 March 2022"."""
    return f"{day.day} {day:%B %Y}"
