"""When a learner's next reminder falls, in UTC, from their local time, zone, pause and last reminder."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tutor.localtime import at_local


def next_reminder_at(
    reminder_time: time,
    tz: ZoneInfo,
    now: datetime,
    paused_until: date | None = None,
    reminded_on: date | None = None,
) -> datetime:
    """Today's reminder time (even if already passed: it is then due at once), or a later day's when paused or done."""
    day = now.astimezone(tz).date()
    if paused_until is not None and day <= paused_until:
        day = paused_until + timedelta(days=1)
    if reminded_on is not None and day <= reminded_on:
        day = reminded_on + timedelta(days=1)
    return at_local(day, reminder_time, tz).astimezone(UTC)
