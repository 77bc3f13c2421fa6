"""Learners and what they said: read and written through one session at a time."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from tutor.domain import Citation
from tutor.store.models import Learner, LogEntry, UnansweredQuestion


class LearnerStore:
    """Learner profiles, the conversation log and unanswered questions."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def find(self, platform: str, user_id: str) -> Learner | None:
        """The learner with this platform id, if known."""
        with self._sessions() as s:
            return s.scalar(select(Learner).where(Learner.platform == platform, Learner.platform_user_id == user_id))

    def get_or_create(self, platform: str, user_id: str, lang: str, level: int, now: datetime) -> Learner:
        """The learner's profile, created on first contact; safe when two workers race on the same learner."""
        found = self.find(platform, user_id)
        if found is not None:
            return found
        try:
            with self._sessions.begin() as s:
                learner = Learner(
                    platform=platform,
                    platform_user_id=user_id,
                    lang=lang,
                    level=level,
                    created_at=now,
                    last_seen_at=now,
                )
                s.add(learner)
            return learner
        except IntegrityError:
            found = self.find(platform, user_id)
            assert found is not None
            return found

    def update(self, learner_id: int, **fields: object) -> None:
        """Change some profile fields (lang, level, cohort, last_seen_at)."""
        with self._sessions.begin() as s:
            learner = s.get(Learner, learner_id)
            if learner is not None:
                for name, value in fields.items():
                    setattr(learner, name, value)

    def log(
        self,
        learner_id: int,
        role: str,
        text: str,
        now: datetime,
        kind: str = "message",
        citations: tuple[Citation, ...] = (),
    ) -> None:
        """Append one turn to the learner's conversation log."""
        cites = json.dumps([c.__dict__ for c in citations], ensure_ascii=False) if citations else ""
        with self._sessions.begin() as s:
            s.add(LogEntry(learner_id=learner_id, role=role, text=text, kind=kind, citations=cites, created_at=now))

    def transcript(self, learner_id: int) -> list[LogEntry]:
        """The learner's conversation, oldest first."""
        with self._sessions() as s:
            rows = s.scalars(select(LogEntry).where(LogEntry.learner_id == learner_id).order_by(LogEntry.id))
            return list(rows)

    def record_unanswered(self, learner_id: int | None, text: str, lang: str, score: float, now: datetime) -> None:
        """Keep a question the course could not answer, for tutors and course authors."""
        with self._sessions.begin() as s:
            s.add(UnansweredQuestion(learner_id=learner_id, text=text, lang=lang, best_score=score, created_at=now))

    def unanswered(self) -> list[UnansweredQuestion]:
        """All recorded unanswered questions, oldest first."""
        with self._sessions() as s:
            return list(s.scalars(select(UnansweredQuestion).order_by(UnansweredQuestion.id)))

    def forget(self, learner_id: int) -> None:
        """Delete the learner and everything stored about them."""
        with self._sessions.begin() as s:
            s.execute(delete(UnansweredQuestion).where(UnansweredQuestion.learner_id == learner_id))
            s.execute(delete(LogEntry).where(LogEntry.learner_id == learner_id))
            s.execute(delete(Learner).where(Learner.id == learner_id))
