"""Digest schedules: cron expressions in IANA time zones, and the shorthand people type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from bot.errors import ClaimBotError

WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


@dataclass(frozen=True, slots=True)
class Schedule:
    """A cron expression in an IANA time zone."""

    cron: str
    timezone: str

    @classmethod
    def parse(cls, cron: str, timezone: str) -> Schedule:
        cron = " ".join(cron.split())
        if len(cron.split()) != 5 or not croniter.is_valid(cron):
            raise ClaimBotError(
                f"{cron!r} is not a cron expression (minute hour day month weekday)."
            )
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ClaimBotError(
                f"{timezone!r} is not a time zone (try Europe/Kyiv or UTC)."
            ) from exc
        return cls(cron, timezone)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def next_after(self, moment: datetime) -> datetime:
        """The first scheduled time after ``moment``, in UTC."""
        nxt: datetime = croniter(self.cron, moment.astimezone(self.zone)).get_next(datetime)
        return nxt.astimezone(UTC)

    def latest_until(self, moment: datetime) -> datetime:
        """The last scheduled time at or before ``moment``, in UTC."""
        local = moment.astimezone(self.zone)
        if croniter.match(self.cron, local) and local.second == local.microsecond == 0:
            return moment.astimezone(UTC)
        prev: datetime = croniter(self.cron, local).get_prev(datetime)
        return prev.astimezone(UTC)

    def slot(self, moment: datetime) -> str:
        """The local wall-clock time of a scheduled moment: one slot even when clocks go back."""
        return moment.astimezone(self.zone).strftime("%Y-%m-%dT%H:%M")


def daily_cron(at: str) -> str:
    """``09:00`` as a daily cron expression."""
    hour, minute = _time(at)
    return f"{minute} {hour} * * *"


def weekly_cron(day: str, at: str) -> str:
    """``mon``, ``09:00`` as a weekly cron expression."""
    key = day[:3].casefold()
    if key not in WEEKDAYS:
        raise ClaimBotError(f"{day!r} is not a day of the week (mon, tue, ...).")
    hour, minute = _time(at)
    return f"{minute} {hour} * * {WEEKDAYS.index(key)}"


def _time(text: str) -> tuple[int, int]:
    try:
        hour, minute = (int(part) for part in text.split(":"))
    except ValueError:
        raise ClaimBotError(f"{text!r} is not a time of day (HH:MM).") from None
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ClaimBotError(f"{text!r} is not a time of day (HH:MM).")
    return hour, minute
