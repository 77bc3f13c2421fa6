"""The lab's persistence: each learner's run of a task and the labels they gave; no model is ever stored."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from tutor.lab.runs import LabRun, Stage
from tutor.store import models as orm
from tutor.store.db import upsert_insert
from tutor.store.unit_of_work import reading, transaction


def _to_run(row: orm.LabRun, labels: dict[str, str]) -> LabRun:
    stage = cast(Stage, row.stage)
    return LabRun(row.task_id, row.nonce, stage, labels, row.fix, row.accuracy, row.fixed_accuracy)


class LabStore:
    """Runs and labels, written at most once each: a double click or an old button records nothing more."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def run(self, learner_id: int, task_id: str) -> LabRun | None:
        """The learner's run of a task, with their labels."""
        with reading(self._sessions) as s:
            row = s.scalar(select(orm.LabRun).where(*_of(learner_id, task_id)))
            return _to_run(row, self._labels(s, learner_id, task_id)) if row is not None else None

    def runs(self, learner_id: int) -> list[LabRun]:
        """Every run of the learner, oldest first."""
        with reading(self._sessions) as s:
            rows = s.scalars(select(orm.LabRun).where(orm.LabRun.learner_id == learner_id).order_by(orm.LabRun.id))
            return [_to_run(row, self._labels(s, learner_id, row.task_id)) for row in rows]

    def start(self, learner_id: int, task_id: str, now: datetime) -> LabRun:
        """The learner's run of a task, started if there is none (two workers racing get the same run)."""
        with transaction(self._sessions) as s:
            s.execute(
                upsert_insert(s, orm.LabRun)
                .values(
                    learner_id=learner_id,
                    task_id=task_id,
                    nonce=secrets.token_urlsafe(4),
                    stage="labelling",
                    started_at=now,
                    updated_at=now,
                )
                .on_conflict_do_nothing(index_elements=["learner_id", "task_id"])
            )
        run = self.run(learner_id, task_id)
        assert run is not None
        return run

    def label(self, learner_id: int, task_id: str, example_id: str, label: str, now: datetime) -> bool:
        """Record a label unless the example already has one; whether it was recorded."""
        with transaction(self._sessions) as s:
            result = s.execute(
                upsert_insert(s, orm.LabLabel)
                .values(learner_id=learner_id, task_id=task_id, example_id=example_id, label=label, created_at=now)
                .on_conflict_do_nothing(index_elements=["learner_id", "task_id", "example_id"])
                .returning(orm.LabLabel.id)  # no row back when the example was already labelled
            )
            return result.first() is not None

    def advance(self, learner_id: int, task_id: str, stage: Stage, now: datetime, **figures: object) -> None:
        """Move the run to a stage, with the figures it showed (accuracy, fix, fixed_accuracy)."""
        with transaction(self._sessions) as s:
            s.execute(
                update(orm.LabRun).where(*_of(learner_id, task_id)).values(stage=stage, updated_at=now, **figures)
            )

    def reset(self, learner_id: int, task_id: str) -> None:
        """Forget the learner's run of a task and their labels of it."""
        with transaction(self._sessions) as s:
            for table in (orm.LabLabel, orm.LabRun):
                s.execute(delete(table).where(table.learner_id == learner_id, table.task_id == task_id))

    @staticmethod
    def _labels(s: Session, learner_id: int, task_id: str) -> dict[str, str]:
        rows = s.execute(
            select(orm.LabLabel.example_id, orm.LabLabel.label)
            .where(orm.LabLabel.learner_id == learner_id, orm.LabLabel.task_id == task_id)
            .order_by(orm.LabLabel.id)
        )
        return {example: label for example, label in rows}


def _of(learner_id: int, task_id: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return (orm.LabRun.learner_id == learner_id, orm.LabRun.task_id == task_id)
