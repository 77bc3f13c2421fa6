"""The learner's reminder and time-zone commands: /reminder 08:30|off|pause N, /timezone Area/City."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tutor.domain import Learner, Reply
from tutor.localtime import in_quiet_hours, parse_hhmm, valid_zone, zone
from tutor.messages import t
from tutor.reminders.schedule import next_reminder_at
from tutor.store.learners import LearnerStore


@dataclass(frozen=True)
class ReminderRules:
    """Deployment choices for reminders."""

    default_timezone: str = "Europe/Paris"
    quiet_start: str = "21:00"
    quiet_end: str = "08:00"


class ReminderPreferences:
    """Changes a learner's reminder settings and keeps their next reminder time in step."""

    def __init__(self, learners: LearnerStore, rules: ReminderRules) -> None:
        self.learners = learners
        self.rules = rules

    def reminder(self, learner: Learner, arg: str, now: datetime) -> Reply:
        """Handle /reminder HH:MM, /reminder off, /reminder pause N."""
        lang, words = learner.lang, arg.split()
        if words == ["off"]:
            self.learners.update(learner.id, reminder_time=None, next_reminder_at=None)
            return Reply(t("reminder_off", lang))
        days = _small_number(words[1]) if len(words) == 2 and words[0] == "pause" else None
        if days is not None and 1 <= days <= 365:
            return self._pause(learner, days, now)
        when = parse_hhmm(arg) if len(words) == 1 else None
        if when is None:
            return Reply(t("reminder_usage", lang), kind="error")
        start, end = parse_hhmm(self.rules.quiet_start), parse_hhmm(self.rules.quiet_end)
        if start and end and in_quiet_hours(when, start, end):
            return Reply(
                t("reminder_quiet", lang, start=self.rules.quiet_start, end=self.rules.quiet_end), kind="error"
            )
        tz = zone(learner.timezone, self.rules.default_timezone)
        self.learners.update(
            learner.id,
            reminder_time=when.strftime("%H:%M"),
            next_reminder_at=next_reminder_at(when, tz, now, learner.reminders_paused_until),
        )
        return Reply(t("reminder_set", lang, time=when.strftime("%H:%M"), tz=str(tz)))

    def _pause(self, learner: Learner, days: int, now: datetime) -> Reply:
        tz = zone(learner.timezone, self.rules.default_timezone)
        until = now.astimezone(tz).date() + timedelta(days=days - 1)
        fields: dict[str, object] = {"reminders_paused_until": until}
        when = parse_hhmm(learner.reminder_time or "")
        if when is not None:
            fields["next_reminder_at"] = next_reminder_at(when, tz, now, until)
        self.learners.update(learner.id, **fields)
        return Reply(t("reminder_paused", learner.lang, date=until.isoformat()))

    def timezone(self, learner: Learner, arg: str, now: datetime) -> Reply:
        """Handle /timezone Area/City (IANA names)."""
        name = valid_zone(arg.strip()) if arg.strip() else None
        if name is None:
            return Reply(t("timezone_usage", learner.lang), kind="error")
        fields: dict[str, object] = {"timezone": name}
        when = parse_hhmm(learner.reminder_time or "")
        if when is not None:
            fields["next_reminder_at"] = next_reminder_at(when, zone(name, "UTC"), now, learner.reminders_paused_until)
        self.learners.update(learner.id, **fields)
        return Reply(t("timezone_set", learner.lang, tz=name))


def _small_number(word: str) -> int | None:
    """A number typed in ASCII digits ("²" and "٣" are digits to Python, not to a learner), at most 4 of them."""
    return int(word) if word.isascii() and word.isdigit() and len(word) <= 4 else None
