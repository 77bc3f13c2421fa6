"""Learners, what they said and their conversation state; domain values in and out, SQL only here."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import ColumnElement, delete, select, text
from sqlalchemy.orm import Session, sessionmaker

from tutor.domain import Citation, Learner, LoggedTurn, ModeState, Role, UnansweredQuestion
from tutor.store import models as orm
from tutor.store.db import upsert_insert
from tutor.store.unit_of_work import reading, transaction


def to_learner(row: orm.Learner) -> Learner:
    """The core's view of a stored learner."""
    return Learner(
        id=row.id,
        platform=row.platform,
        platform_user_id=row.platform_user_id,
        lang=row.lang,
        level=row.level,
        created_at=row.created_at,
        cohort=row.cohort,
        chat_id=row.chat_id,
        timezone=row.timezone,
        reminder_time=row.reminder_time,
        reminders_paused_until=row.reminders_paused_until,
        unreachable=row.unreachable,
    )


class LearnerStore:
    """Learner profiles, the conversation log, unanswered questions and each learner's conversation mode."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def find(self, platform: str, user_id: str) -> Learner | None:
        """The learner with this platform id, if known."""
        with reading(self._sessions) as s:
            row = s.scalar(select(orm.Learner).where(*_identity(platform, user_id)))
            return to_learner(row) if row is not None else None

    def get_or_create(self, platform: str, user_id: str, lang: str, level: int, now: datetime) -> Learner:
        """The learner's profile, created on first contact; two workers racing on the same learner get the same row."""
        with transaction(self._sessions) as s:
            s.execute(
                upsert_insert(s, orm.Learner)
                .values(
                    platform=platform,
                    platform_user_id=user_id,
                    lang=lang,
                    level=level,
                    created_at=now,
                    last_seen_at=now,
                    unreachable=False,
                )
                .on_conflict_do_nothing(index_elements=["platform", "platform_user_id"])
            )
            row = s.scalar(select(orm.Learner).where(*_identity(platform, user_id)))
            assert row is not None
            return to_learner(row)

    def update(self, learner_id: int, **fields: object) -> Learner | None:
        """Change some profile fields (lang, level, cohort, last_seen_at...); the profile as it now is."""
        with transaction(self._sessions) as s:
            row = s.get(orm.Learner, learner_id)
            if row is None:
                return None
            for name, value in fields.items():
                setattr(row, name, value)
            s.flush()
            return to_learner(row)

    def log(
        self,
        learner_id: int,
        role: Role,
        text: str,
        now: datetime,
        kind: str = "message",
        citations: tuple[Citation, ...] = (),
    ) -> None:
        """Append one turn to the learner's conversation log."""
        cites = json.dumps([c.__dict__ for c in citations], ensure_ascii=False) if citations else ""
        with transaction(self._sessions) as s:
            s.add(orm.LogEntry(learner_id=learner_id, role=role, text=text, kind=kind, citations=cites, created_at=now))

    def transcript(self, learner_id: int) -> list[LoggedTurn]:
        """The learner's conversation, oldest first."""
        with reading(self._sessions) as s:
            rows = s.scalars(
                select(orm.LogEntry).where(orm.LogEntry.learner_id == learner_id).order_by(orm.LogEntry.id)
            )
            return [
                LoggedTurn(r.role, r.text, r.kind, r.created_at, _citations(r.citations))  # type: ignore[arg-type]
                for r in rows
            ]

    def record_unanswered(self, learner_id: int | None, text: str, lang: str, score: float, now: datetime) -> None:
        """Keep a question the course could not answer, for tutors and course authors."""
        with transaction(self._sessions) as s:
            s.add(orm.UnansweredQuestion(learner_id=learner_id, text=text, lang=lang, best_score=score, created_at=now))

    def unanswered(self) -> list[UnansweredQuestion]:
        """All recorded unanswered questions, oldest first."""
        with reading(self._sessions) as s:
            rows = s.scalars(select(orm.UnansweredQuestion).order_by(orm.UnansweredQuestion.id))
            return [UnansweredQuestion(r.learner_id, r.text, r.lang, r.best_score, r.created_at) for r in rows]

    def mode(self, learner_id: int) -> ModeState:
        """The learner's active conversation mode (question answering when none was stored)."""
        with reading(self._sessions) as s:
            row = s.get(orm.ConversationState, learner_id)
            return ModeState(row.mode, json.loads(row.data or "{}")) if row is not None else ModeState()

    def set_mode(self, learner_id: int, state: ModeState, now: datetime) -> None:
        """Store the learner's active mode and its state."""
        with transaction(self._sessions) as s:
            row = s.get(orm.ConversationState, learner_id) or orm.ConversationState(learner_id=learner_id)
            row.mode, row.data, row.updated_at = state.mode, json.dumps(state.data, ensure_ascii=False), now
            s.add(row)

    def forget(self, learner_id: int) -> None:
        """Delete the learner and everything stored about them."""
        with transaction(self._sessions) as s:
            for table in (orm.UnansweredQuestion, orm.LogEntry, orm.ConversationState):
                s.execute(delete(table).where(table.learner_id == learner_id))
            s.execute(delete(orm.Learner).where(orm.Learner.id == learner_id))


    def hold(self, platform: str, user_id: str) -> None:
        """Until the open unit of work ends, another process applying a message of this learner waits (PostgreSQL
        transaction-level advisory lock; SQLite serialises writers already)."""
        with transaction(self._sessions) as s:
            if s.get_bind().dialect.name == "postgresql":
                digest = hashlib.sha256(f"learner:{platform}:{user_id}".encode()).digest()
                key = int.from_bytes(digest[:8], "big", signed=True)
                s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})

    def purge_deleted(self) -> None:
        """After an erasure: SQLite keeps deleted rows in its write-ahead log until a checkpoint (free pages are
        zeroed by ``secure_delete``); fold and truncate the log now. PostgreSQL needs nothing here."""
        with self._sessions() as s:
            if s.get_bind().dialect.name == "sqlite":
                s.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


def _identity(platform: str, user_id: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return (orm.Learner.platform == platform, orm.Learner.platform_user_id == user_id)


def _citations(stored: str) -> tuple[Citation, ...]:
    return tuple(Citation(**c) for c in json.loads(stored)) if stored else ()
