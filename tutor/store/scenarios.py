"""Scenario runs and choices: SQL only here. Each method joins the open unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from tutor.store.models import ScenarioChoice, ScenarioRun
from tutor.store.unit_of_work import reading, transaction


@dataclass(frozen=True)
class Run:
    """A learner's run of a scenario: at ``node_id`` while going, at ``ending_id`` once finished."""

    id: int
    learner_id: int
    scenario_id: str
    node_id: str | None
    ending_id: str | None
    started_at: datetime
    finished_at: datetime | None
    abandoned: bool

    @property
    def going(self) -> bool:
        """Whether the run waits for a choice."""
        return self.finished_at is None and not self.abandoned


def _run(row: ScenarioRun) -> Run:
    return Run(
        row.id,
        row.learner_id,
        row.scenario_id,
        row.node_id,
        row.ending_id,
        row.started_at,
        row.finished_at,
        row.abandoned,
    )


class ScenarioStore:
    """Runs and choices of the learners' scenarios."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def run(self, run_id: int) -> Run | None:
        """The run with this id."""
        with reading(self._sessions) as s:
            row = s.get(ScenarioRun, run_id)
            return _run(row) if row is not None else None

    def going(self, learner_id: int, scenario_id: str | None = None) -> Run | None:
        """The learner's newest unfinished run (of one scenario, or of any)."""
        query = select(ScenarioRun).where(
            ScenarioRun.learner_id == learner_id, ScenarioRun.finished_at.is_(None), ~ScenarioRun.abandoned
        )
        if scenario_id is not None:
            query = query.where(ScenarioRun.scenario_id == scenario_id)
        with reading(self._sessions) as s:
            row = s.scalars(query.order_by(ScenarioRun.id.desc()).limit(1)).first()
            return _run(row) if row is not None else None

    def start(self, learner_id: int, scenario_id: str, node_id: str, now: datetime) -> Run:
        """A new run at ``node_id``; the learner's other unfinished runs are abandoned (one run at a time)."""
        with transaction(self._sessions) as s:
            s.execute(
                update(ScenarioRun)
                .where(ScenarioRun.learner_id == learner_id, ScenarioRun.finished_at.is_(None))
                .values(abandoned=True, updated_at=now)
            )
            row = ScenarioRun(
                learner_id=learner_id,
                scenario_id=scenario_id,
                node_id=node_id,
                started_at=now,
                updated_at=now,
                abandoned=False,
            )
            s.add(row)
            s.flush()
            return _run(row)

    def choose(
        self, run: Run, node_id: str, choice: int, next_node: str | None, ending: str | None, now: datetime
    ) -> bool:
        """Record a choice at ``node_id`` if the run is still there (False: stale, finished or already chosen)."""
        with transaction(self._sessions) as s:
            moved = s.execute(
                update(ScenarioRun)
                .where(
                    ScenarioRun.id == run.id,
                    ScenarioRun.node_id == node_id,
                    ScenarioRun.finished_at.is_(None),
                    ~ScenarioRun.abandoned,
                )
                .values(node_id=next_node, ending_id=ending, updated_at=now, finished_at=now if ending else None)
            )
            if moved.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE
                return False
            s.add(
                ScenarioChoice(
                    run_id=run.id,
                    learner_id=run.learner_id,
                    scenario_id=run.scenario_id,
                    node_id=node_id,
                    choice=choice,
                    chosen_at=now,
                )
            )
            return True

    def abandon(self, run_id: int, now: datetime) -> None:
        """Stop a run without an ending."""
        with transaction(self._sessions) as s:
            s.execute(
                update(ScenarioRun)
                .where(ScenarioRun.id == run_id, ScenarioRun.finished_at.is_(None))
                .values(abandoned=True, updated_at=now)
            )

    def choices(self, run_id: int) -> list[tuple[str, int]]:
        """(node id, choice index) of a run, in the order made."""
        with reading(self._sessions) as s:
            rows = s.execute(
                select(ScenarioChoice.node_id, ScenarioChoice.choice)
                .where(ScenarioChoice.run_id == run_id)
                .order_by(ScenarioChoice.id)
            )
            return [(node, choice) for node, choice in rows]

    def endings(self, learner_id: int) -> dict[str, str]:
        """Scenario id -> the ending of the learner's latest finished run of it."""
        with reading(self._sessions) as s:
            rows = s.execute(
                select(ScenarioRun.scenario_id, ScenarioRun.ending_id)
                .where(ScenarioRun.learner_id == learner_id, ScenarioRun.finished_at.is_not(None))
                .order_by(ScenarioRun.finished_at)
            )
            return {scenario: ending for scenario, ending in rows if ending}

    def choice_counts(self, scenario_id: str, learner_ids: list[int] | None = None) -> dict[tuple[str, int], int]:
        """(node id, choice) -> how many times it was chosen, for the tutors' analytics (optionally some learners')."""
        query = (
            select(ScenarioChoice.node_id, ScenarioChoice.choice, func.count())
            .where(ScenarioChoice.scenario_id == scenario_id)
            .group_by(ScenarioChoice.node_id, ScenarioChoice.choice)
        )
        if learner_ids is not None:
            query = query.where(ScenarioChoice.learner_id.in_(learner_ids))
        with reading(self._sessions) as s:
            return {(node, choice): n for node, choice, n in s.execute(query)}
