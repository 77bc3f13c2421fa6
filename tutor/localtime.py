"""A learner's local time: their day, their time zone, quiet hours."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


def zone(name: str | None, default: str) -> ZoneInfo:
    """The learner's zone, or the deployment's default when unset or unknown."""
    for candidate in (name, default, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


@cache
def _zones() -> dict[str, str]:
    # "localtime", "Factory" and "posixrules" are files of the database, not places a learner lives in
    names = available_timezones() - {"localtime", "Factory", "posixrules"}
    return {name.lower(): name for name in names}


def valid_zone(name: str) -> str | None:
    """The IANA name of a real zone ("Europe/Paris", any case), or None (a folder, a file, anything else)."""
    return _zones().get(name.strip().lower()) if len(name) <= 64 else None


def parse_hhmm(text: str) -> time | None:
    """'8:30' or '08:30' as a time, or None."""
    parts = text.strip().replace("h", ":").split(":")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() and len(p) <= 2 for p in parts):
        return None
    hh, mm = int(parts[0]), int(parts[1] or 0)
    return time(hh, mm) if 0 <= hh < 24 and 0 <= mm < 60 else None


def local_day_start(now: datetime, tz: ZoneInfo) -> datetime:
    """Midnight of the learner's current day, as an aware datetime."""
    local = now.astimezone(tz)
    return datetime.combine(local.date(), time(0), tz)


def in_quiet_hours(t: time, start: time, end: time) -> bool:
    """Whether a local time falls in quiet hours (which may span midnight)."""
    return start <= t or t < end if start > end else start <= t < end


def at_local(day: date, t: time, tz: ZoneInfo) -> datetime:
    """A local wall-clock time on a day, as an aware datetime (zoneinfo handles DST gaps and folds)."""
    return datetime.combine(day, t, tz)


def streak(review_times: list[datetime], now: datetime, tz: ZoneInfo) -> int:
    """Days in a row, ending today or yesterday, with at least one review (in the learner's zone)."""
    days = {r.astimezone(tz).date() for r in review_times}
    day = now.astimezone(tz).date()
    if day not in days:
        day -= timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count
