"""Retention: what the tutor forgets on its own, so that nothing about a learner is kept longer than needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from tutor.store import models as orm
from tutor.store.learners import LearnerStore
from tutor.store.unit_of_work import transaction


@dataclass(frozen=True)
class Purged:
    """What a purge removed."""

    learners: int
    turns: int
    unanswered: int


class Retention:
    """Learners inactive for ``days`` are erased entirely; older conversation turns of active ones are dropped."""

    def __init__(self, sessions: sessionmaker[Session], learners: LearnerStore, days: int) -> None:
        self._sessions = sessions
        self._learners = learners
        self.days = days

    def purge(self, now: datetime) -> Purged:
        """Apply the policy once (``days`` <= 0 keeps everything)."""
        if self.days <= 0:
            return Purged(0, 0, 0)
        cutoff = now - timedelta(days=self.days)
        with transaction(self._sessions) as s:
            idle = list(s.scalars(select(orm.Learner.id).where(orm.Learner.last_seen_at < cutoff)))
        for learner_id in idle:  # one transaction each: a long purge never blocks learners for long
            self._learners.forget(learner_id)
        with transaction(self._sessions) as s:
            turns = s.execute(delete(orm.LogEntry).where(orm.LogEntry.created_at < cutoff))
            unanswered = s.execute(delete(orm.UnansweredQuestion).where(orm.UnansweredQuestion.created_at < cutoff))
            counts = (turns.rowcount, unanswered.rowcount)  # type: ignore[attr-defined]
        if idle or any(counts):
            self._learners.purge_deleted()
        return Purged(len(idle), counts[0], counts[1])
