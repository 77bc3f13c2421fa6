"""Analytics per cohort for tutors: questions per day, what the course is missing, quiz accuracy per module, leeches,
scenario choices per node, active learners per week; every table also as CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from tutor.ports import Clock
from tutor.quiz.progress import LEECH_LAPSES
from tutor.review.desk import NotFound
from tutor.review.values import Viewer
from tutor.store.review import AnalyticsStore

DAYS = 30
WEEKS = 12


@dataclass(frozen=True)
class Table:
    """A table of figures: column names and rows."""

    columns: tuple[str, ...]
    rows: list[tuple[object, ...]]

    def csv(self) -> str:
        """The table as CSV (comma-separated, header first)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.columns)
        writer.writerows([_cell(v) for v in row] for row in self.rows)
        return out.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, float):
        return f"{value:.3f}"
    return value


@dataclass(frozen=True)
class CohortAnalytics:
    """Every table of one cohort (or of every learner, for admins: ``cohort`` None)."""

    cohort: str | None
    tables: dict[str, Table]
    scenarios: bool  # whether this version has scenarios (else their table is empty and says so)


class Analytics:
    """Builds the tables from the store's counts; days and weeks without activity count zero."""

    def __init__(self, store: AnalyticsStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def for_cohort(self, viewer: Viewer, cohort: str | None) -> CohortAnalytics:
        """The analytics of a cohort the viewer follows; None (every learner) for admins only."""
        if (cohort is None and not viewer.is_admin) or (cohort is not None and not viewer.can_see(cohort)):
            raise NotFound(cohort)
        today = self.clock.now().date()
        tables = {
            "questions_per_day": self._per_day(cohort, today),
            "active_learners_per_week": self._per_week(cohort, today),
            "unanswered": Table(("question", "times", "last_asked"), list(self.store.top_unanswered(cohort))),
            "quiz_accuracy": Table(
                ("module", "answers", "right", "accuracy"),
                [(m, n, c, c / n if n else 0.0) for m, n, c in self.store.accuracy_per_module(cohort)],
            ),
            "leeches": Table(
                ("item", "module", "learners", "max_lapses"), list(self.store.leeches(cohort, LEECH_LAPSES))
            ),
        }
        choices = self.store.scenario_choices(cohort)
        tables["scenario_choices"] = Table(("scenario", "node", "choice", "times"), list(choices or []))
        return CohortAnalytics(cohort, tables, choices is not None)

    def _per_day(self, cohort: str | None, today: date) -> Table:
        first = today - timedelta(days=DAYS - 1)
        counts = self.store.questions_per_day(cohort, _midnight(first))
        days = [first + timedelta(days=n) for n in range(DAYS)]
        return Table(("day", "questions"), [(d.isoformat(), counts.get(d, 0)) for d in days])

    def _per_week(self, cohort: str | None, today: date) -> Table:
        monday = today - timedelta(days=today.weekday())
        first = monday - timedelta(weeks=WEEKS - 1)
        learners: dict[date, set[int]] = {first + timedelta(weeks=n): set() for n in range(WEEKS)}
        for learner, day in self.store.active_days(cohort, _midnight(first)):
            week = day - timedelta(days=day.weekday())
            if week in learners:
                learners[week].add(learner)
        rows: list[tuple[object, ...]] = [(_iso_week(w), len(ids)) for w, ids in sorted(learners.items())]
        return Table(("week", "active_learners"), rows)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def _iso_week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"
