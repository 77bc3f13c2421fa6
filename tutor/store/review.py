"""The tutors' review in the store: flags, answer feedback, tutors and cohorts, tutors' actions, the durable outbox,
and the analytics queries; domain values in and out, SQL only here. Every method joins the open unit of work."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, and_, case, delete, distinct, func, or_, select, true, update
from sqlalchemy.orm import Session, sessionmaker

from tutor.domain import Citation, Platform, Recipient
from tutor.review.values import (
    ActionRecord,
    Claimed,
    CohortInfo,
    Flag,
    LearnerInfo,
    ModuleState,
    NewFlag,
    OutboxRecord,
    TranscriptTurn,
    TutorRecord,
)
from tutor.store import models as orm
from tutor.store.unit_of_work import reading, transaction

Sessions = sessionmaker[Session]


def citations_json(citations: Iterable[Citation]) -> str:
    """Citations as stored (JSON), "" for none."""
    cites = [asdict(c) for c in citations]
    return json.dumps(cites, ensure_ascii=False) if cites else ""


def citations_of(stored: str) -> tuple[Citation, ...]:
    """Citations from their stored JSON."""
    return tuple(Citation(**c) for c in json.loads(stored)) if stored else ()


def _flag(row: orm.Flag) -> Flag:
    return Flag(
        row.id,
        row.learner_id,
        row.cohort,
        row.reason,
        row.status,
        row.detail,
        row.question,
        row.answer,
        citations_of(row.citations),
        row.confidence,
        row.log_id,
        row.created_at,
        row.updated_at,
    )


def _turn(row: orm.LogEntry) -> TranscriptTurn:
    return TranscriptTurn(row.id, row.role, row.text, row.kind, row.created_at, citations_of(row.citations))


def _visible(column: Any, visible: frozenset[str] | None) -> ColumnElement[bool]:
    return column.in_(sorted(visible)) if visible is not None else true()


class FlagStore:
    """Flags, the conversation turns they are about, answer feedback and what tutors read of a learner."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def add(self, flag: NewFlag, now: datetime) -> int:
        """Raise a flag (status open); its id."""
        with transaction(self._sessions) as s:
            row = orm.Flag(
                learner_id=flag.learner_id,
                cohort=flag.cohort,
                reason=flag.reason,
                status="open",
                detail=flag.detail,
                question=flag.question,
                answer=flag.answer,
                citations=citations_json(flag.citations),
                confidence=flag.confidence,
                log_id=flag.log_id,
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            return row.id

    def still_open(self, learner_id: int, reason: str, detail: str | None = None) -> int | None:
        """The learner's newest flag of this reason (and detail) that is not resolved, if any."""
        with reading(self._sessions) as s:
            query = select(orm.Flag.id).where(
                orm.Flag.learner_id == learner_id, orm.Flag.reason == reason, orm.Flag.status != "resolved"
            )
            if detail is not None:
                query = query.where(orm.Flag.detail == detail)
            return s.scalar(query.order_by(orm.Flag.id.desc()).limit(1))

    def about(self, log_id: int, reason: str) -> int | None:
        """The flag of this reason about this assistant turn, if any."""
        with reading(self._sessions) as s:
            return s.scalar(select(orm.Flag.id).where(orm.Flag.log_id == log_id, orm.Flag.reason == reason).limit(1))

    def touch(self, flag_id: int, now: datetime, status: str | None = None) -> None:
        """Mark the flag as changed now (and move it to ``status``)."""
        with transaction(self._sessions) as s:
            values: dict[str, object] = {"updated_at": now}
            if status is not None:
                values["status"] = status
            s.execute(update(orm.Flag).where(orm.Flag.id == flag_id).values(**values))

    def get(self, flag_id: int) -> Flag | None:
        """One flag."""
        with reading(self._sessions) as s:
            row = s.get(orm.Flag, flag_id)
            return _flag(row) if row is not None else None

    def queue(
        self,
        visible: frozenset[str] | None,
        cohort: str | None = None,
        reason: str | None = None,
        status: str | None = None,
        limit: int = 200,
    ) -> list[Flag]:
        """Flags of the visible cohorts (None: all), filtered, oldest first."""
        with reading(self._sessions) as s:
            query = self._filtered(select(orm.Flag), visible, cohort, status)
            if reason:
                query = query.where(orm.Flag.reason == reason)
            rows = s.scalars(query.order_by(orm.Flag.created_at, orm.Flag.id).limit(limit))
            return [_flag(r) for r in rows]

    def counts(self, visible: frozenset[str] | None, cohort: str | None, status: str | None) -> dict[str, int]:
        """How many flags of each reason pass the filters (the reason filter aside)."""
        with reading(self._sessions) as s:
            query = self._filtered(select(orm.Flag.reason, func.count()), visible, cohort, status)
            return {reason: n for reason, n in s.execute(query.group_by(orm.Flag.reason))}

    @staticmethod
    def _filtered(query: Any, visible: frozenset[str] | None, cohort: str | None, status: str | None) -> Any:
        query = query.where(_visible(orm.Flag.cohort, visible))
        if cohort:
            query = query.where(orm.Flag.cohort == cohort)
        if status:
            query = query.where(orm.Flag.status == status)
        return query

    def of_learner(self, learner_id: int) -> list[Flag]:
        """A learner's flags, newest first."""
        with reading(self._sessions) as s:
            rows = s.scalars(select(orm.Flag).where(orm.Flag.learner_id == learner_id).order_by(orm.Flag.id.desc()))
            return [_flag(r) for r in rows]

    # the conversation around a flag

    def turn(self, learner_id: int, log_id: int) -> TranscriptTurn | None:
        """One turn of this learner's log (None if it is not theirs)."""
        with reading(self._sessions) as s:
            row = s.get(orm.LogEntry, log_id)
            return _turn(row) if row is not None and row.learner_id == learner_id else None

    def last_answer(self, learner_id: int) -> TranscriptTurn | None:
        """The assistant's newest answer or abstention to this learner."""
        with reading(self._sessions) as s:
            row = s.scalar(
                select(orm.LogEntry)
                .where(
                    orm.LogEntry.learner_id == learner_id,
                    orm.LogEntry.role == "assistant",
                    orm.LogEntry.kind.in_(("answer", "abstention")),
                )
                .order_by(orm.LogEntry.id.desc())
                .limit(1)
            )
            return _turn(row) if row is not None else None

    def question_before(self, learner_id: int, log_id: int) -> str:
        """What the learner said just before this turn."""
        with reading(self._sessions) as s:
            text = s.scalar(
                select(orm.LogEntry.text)
                .where(orm.LogEntry.learner_id == learner_id, orm.LogEntry.role == "learner", orm.LogEntry.id < log_id)
                .order_by(orm.LogEntry.id.desc())
                .limit(1)
            )
            return text or ""

    def around(
        self, learner_id: int, log_id: int | None, at: datetime, before: int = 6, after: int = 4
    ) -> list[TranscriptTurn]:
        """The turns around a flag: up to ``before`` turns up to its exchange, ``after`` turns after it."""
        with reading(self._sessions) as s:
            mine = orm.LogEntry.learner_id == learner_id
            pivot = orm.LogEntry.id <= log_id if log_id is not None else orm.LogEntry.created_at <= at
            earlier = s.scalars(select(orm.LogEntry).where(mine, pivot).order_by(orm.LogEntry.id.desc()).limit(before))
            later = s.scalars(select(orm.LogEntry).where(mine, ~pivot).order_by(orm.LogEntry.id).limit(after))
            return [_turn(r) for r in reversed(list(earlier))] + [_turn(r) for r in later]

    def recent_turns(self, learner_id: int, limit: int = 30) -> list[TranscriptTurn]:
        """The learner's newest turns, oldest first."""
        with reading(self._sessions) as s:
            rows = s.scalars(
                select(orm.LogEntry).where(orm.LogEntry.learner_id == learner_id).order_by(orm.LogEntry.id.desc())
            ).fetchmany(limit)
            return [_turn(r) for r in reversed(rows)]

    def learner_texts_since(self, learner_id: int, since: datetime) -> list[str]:
        """What the learner wrote since a time (for repeated attempts)."""
        with reading(self._sessions) as s:
            rows = s.scalars(
                select(orm.LogEntry.text).where(
                    orm.LogEntry.learner_id == learner_id,
                    orm.LogEntry.role == "learner",
                    orm.LogEntry.created_at >= since,
                )
            )
            return list(rows)

    def log_id_of_last(self, learner_id: int) -> int | None:
        """The id of the learner's newest logged turn (the answer just recorded, within the unit of work)."""
        with reading(self._sessions) as s:
            return s.scalar(select(func.max(orm.LogEntry.id)).where(orm.LogEntry.learner_id == learner_id))

    def save_feedback(self, learner_id: int, log_id: int, helpful: bool, citations: str, now: datetime) -> bool:
        """Keep a thumbs up or down on an answer (a second press changes it); whether the vote changed."""
        with transaction(self._sessions) as s:
            row = s.scalar(select(orm.AnswerFeedback).where(orm.AnswerFeedback.log_id == log_id))
            if row is not None:
                changed = row.helpful != helpful
                row.helpful, row.created_at = helpful, now
                return changed
            s.add(
                orm.AnswerFeedback(
                    learner_id=learner_id, log_id=log_id, helpful=helpful, citations=citations, created_at=now
                )
            )
            return True

    def leech_items(self, learner_id: int, min_lapses: int) -> list[tuple[str, int]]:
        """(item, lapses) of the learner's cards that keep slipping away."""
        with reading(self._sessions) as s:
            rows = s.execute(
                select(orm.Card.item_id, orm.Card.lapses)
                .where(orm.Card.learner_id == learner_id, orm.Card.lapses >= min_lapses)
                .order_by(orm.Card.item_id)
            )
            return [(item, lapses) for item, lapses in rows]

    def flagged_details(self, learner_id: int, reason: str) -> set[str]:
        """The details of the learner's flags of one reason (the items already flagged as leeches)."""
        with reading(self._sessions) as s:
            rows = s.scalars(
                select(orm.Flag.detail).where(orm.Flag.learner_id == learner_id, orm.Flag.reason == reason)
            )
            return set(rows)

    # what tutors read of a learner

    def learner(self, learner_id: int) -> LearnerInfo | None:
        """A learner's profile as tutors see it."""
        with reading(self._sessions) as s:
            r = s.get(orm.Learner, learner_id)
            if r is None:
                return None
            return LearnerInfo(r.id, r.platform, r.lang, r.level, r.cohort, r.created_at, r.last_seen_at)

    def quiz_state(self, learner_id: int, min_lapses: int) -> list[ModuleState]:
        """The learner's quiz state module by module: items seen, answers, right ones, lapses, leeches."""
        with reading(self._sessions) as s:
            cards = s.execute(
                select(
                    orm.QuizItem.module_id,
                    func.count(orm.Card.id),
                    func.coalesce(func.sum(orm.Card.lapses), 0),
                    func.sum(case((orm.Card.lapses >= min_lapses, 1), else_=0)),
                )
                .join(orm.QuizItem, orm.QuizItem.id == orm.Card.item_id)
                .where(orm.Card.learner_id == learner_id)
                .group_by(orm.QuizItem.module_id)
            ).all()
            answers = dict(
                (m, (n, int(c or 0)))
                for m, n, c in s.execute(
                    select(
                        orm.QuizItem.module_id,
                        func.count(orm.ReviewLog.id),
                        func.sum(case((orm.ReviewLog.correct, 1), else_=0)),
                    )
                    .join(orm.Card, orm.Card.id == orm.ReviewLog.card_id)
                    .join(orm.QuizItem, orm.QuizItem.id == orm.Card.item_id)
                    .where(orm.ReviewLog.learner_id == learner_id)
                    .group_by(orm.QuizItem.module_id)
                )
            )
            states = []
            for m, n, lapses, leeches in sorted(cards):
                given, right = answers.get(m, (0, 0))
                states.append(ModuleState(m, n, given, right, int(lapses), int(leeches or 0)))
            return states

    def passages(self, citations: Iterable[Citation], lang: str) -> list[tuple[Citation, str]]:
        """The text of each cited section (its passages joined), in the learner's language."""
        out = []
        with reading(self._sessions) as s:
            for cite in citations:
                texts = s.scalars(
                    select(orm.Chunk.text)
                    .join(orm.Document)
                    .where(
                        orm.Document.module_id == cite.module_id,
                        orm.Chunk.section_id == cite.section_id,
                        orm.Document.lang == lang,
                    )
                    .order_by(orm.Chunk.ordinal)
                )
                out.append((cite, "\n\n".join(texts)))
        return out


class ActionStore:
    """What tutors did, and the questions they kept for the course."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def add(self, flag_id: int, tutor_id: int, kind: str, text: str, now: datetime) -> None:
        """Record a tutor's action on a flag."""
        with transaction(self._sessions) as s:
            s.add(orm.TutorAction(flag_id=flag_id, tutor_id=tutor_id, kind=kind, text=text, created_at=now))

    def of_flag(self, flag_id: int) -> list[ActionRecord]:
        """Every action on a flag, oldest first, with who did it."""
        with reading(self._sessions) as s:
            rows = s.execute(
                select(orm.TutorAction, orm.Tutor.display_name)
                .join(orm.Tutor, orm.Tutor.id == orm.TutorAction.tutor_id)
                .where(orm.TutorAction.flag_id == flag_id)
                .order_by(orm.TutorAction.id)
            )
            return [ActionRecord(a.kind, a.text, name, a.created_at) for a, name in rows]

    def keep_for_course(self, kind: str, flag: Flag, lang: str, tutor_id: int, now: datetime) -> None:
        """Copy a flag's question (and answer) into the course notes: a to-do or a wrong answer for evaluation."""
        with transaction(self._sessions) as s:
            s.add(
                orm.CourseNote(
                    kind=kind,
                    question=flag.question,
                    answer=flag.answer if kind == "wrong_answer" else "",
                    citations=citations_json(flag.citations) if kind == "wrong_answer" else "",
                    lang=lang,
                    cohort=flag.cohort,
                    tutor_id=tutor_id,
                    created_at=now,
                )
            )

    def course_notes(self, kind: str, visible: frozenset[str] | None) -> list[tuple[str, str, str | None, datetime]]:
        """(question, lang, cohort, when) of the kept questions of one kind, newest first."""
        with reading(self._sessions) as s:
            rows = s.execute(
                select(orm.CourseNote.question, orm.CourseNote.lang, orm.CourseNote.cohort, orm.CourseNote.created_at)
                .where(orm.CourseNote.kind == kind, _visible(orm.CourseNote.cohort, visible))
                .order_by(orm.CourseNote.id.desc())
            )
            return [tuple(r) for r in rows]  # type: ignore[misc]


class TeamStore:
    """Tutors' accounts and cohorts."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def add_tutor(self, username: str, name: str, password_hash: str, role: str, now: datetime) -> int:
        """A new account; its id."""
        with transaction(self._sessions) as s:
            row = orm.Tutor(
                username=username,
                display_name=name,
                password_hash=password_hash,
                role=role,
                active=True,
                created_at=now,
            )
            s.add(row)
            s.flush()
            return row.id

    def tutor(self, tutor_id: int | None = None, username: str | None = None) -> TutorRecord | None:
        """An account by id or by username, with its cohorts."""
        with reading(self._sessions) as s:
            where = orm.Tutor.id == tutor_id if tutor_id is not None else orm.Tutor.username == username
            row = s.scalar(select(orm.Tutor).where(where))
            if row is None:
                return None
            cohorts = s.scalars(select(orm.Cohort.key).join(orm.CohortTutor).where(orm.CohortTutor.tutor_id == row.id))
            return TutorRecord(
                row.id, row.username, row.display_name, row.password_hash, row.role, row.active, frozenset(cohorts)
            )

    def set_password(self, tutor_id: int, password_hash: str) -> None:
        """Replace an account's password hash."""
        with transaction(self._sessions) as s:
            s.execute(update(orm.Tutor).where(orm.Tutor.id == tutor_id).values(password_hash=password_hash))

    def add_cohort(self, key: str, name: str, level: int, now: datetime) -> int:
        """A new cohort; its id."""
        with transaction(self._sessions) as s:
            row = orm.Cohort(key=key, name=name, level=level, created_at=now)
            s.add(row)
            s.flush()
            return row.id

    def cohort(self, key: str | None = None, code: str | None = None) -> CohortInfo | None:
        """A cohort by key, or by one of its active join codes."""
        with reading(self._sessions) as s:
            if code is not None:
                row = s.scalar(
                    select(orm.Cohort)
                    .join(orm.CohortCode)
                    .where(func.upper(orm.CohortCode.code) == code.upper(), orm.CohortCode.active.is_(True))
                )
            else:
                row = s.scalar(select(orm.Cohort).where(orm.Cohort.key == key))
            return CohortInfo(row.id, row.key, row.name, row.level) if row is not None else None

    def add_code(self, cohort_id: int, code: str, now: datetime) -> None:
        """A join code for a cohort."""
        with transaction(self._sessions) as s:
            s.add(orm.CohortCode(code=code, cohort_id=cohort_id, active=True, created_at=now))

    def assign(self, tutor_id: int, cohort_id: int) -> None:
        """Make a tutor follow a cohort (again: nothing changes)."""
        with transaction(self._sessions) as s:
            if s.get(orm.CohortTutor, (cohort_id, tutor_id)) is None:
                s.add(orm.CohortTutor(cohort_id=cohort_id, tutor_id=tutor_id))

    def cohorts(self, visible: frozenset[str] | None) -> list[CohortInfo]:
        """The visible cohorts (None: all) with their active codes and tutors, by name."""
        with reading(self._sessions) as s:
            rows = s.scalars(select(orm.Cohort).where(_visible(orm.Cohort.key, visible)).order_by(orm.Cohort.name))
            out = []
            for row in rows:
                codes = s.scalars(
                    select(orm.CohortCode.code)
                    .where(orm.CohortCode.cohort_id == row.id, orm.CohortCode.active.is_(True))
                    .order_by(orm.CohortCode.code)
                )
                tutors = s.scalars(
                    select(orm.Tutor.display_name)
                    .join(orm.CohortTutor)
                    .where(orm.CohortTutor.cohort_id == row.id)
                    .order_by(orm.Tutor.display_name)
                )
                out.append(CohortInfo(row.id, row.key, row.name, row.level, tuple(codes), tuple(tutors)))
            return out


class OutboxStore:
    """The durable outbox: pushes written with what caused them, claimed and sent by the bot processes."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def add(self, learner_id: int, platform: str, text: str, now: datetime, flag_id: int | None = None) -> None:
        """A push to send as soon as a process serving ``platform`` drains the outbox."""
        with transaction(self._sessions) as s:
            s.add(
                orm.OutboxMessage(
                    learner_id=learner_id,
                    flag_id=flag_id,
                    platform=platform,
                    text=text,
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )

    def give_up_on_cut_sends(self, before: datetime) -> int:
        """Sends cut by a crash (still 'sending' after their lease): 'uncertain', never repeated; how many."""
        with transaction(self._sessions) as s:
            result = s.execute(
                update(orm.OutboxMessage)
                .where(orm.OutboxMessage.status == "sending", orm.OutboxMessage.claimed_at < before)
                .values(status="uncertain")
            )
            return int(cast(Any, result).rowcount or 0)

    def claim(
        self, now: datetime, platforms: tuple[str, ...], limit: int, name: str, before: datetime
    ) -> list[Claimed]:
        """Claim up to ``limit`` due pushes of these platforms: pending ones whose time came, and claims older than
        ``before`` (their process died before sending). Only each learner's oldest unsent push is taken, so that a
        learner's pushes arrive in order. Each claim is its own compare-and-set, so two processes never share one."""
        earlier = orm.OutboxMessage.__table__.alias("earlier")
        due = or_(
            and_(orm.OutboxMessage.status == "pending", orm.OutboxMessage.next_attempt_at <= now),
            and_(orm.OutboxMessage.status == "claimed", orm.OutboxMessage.claimed_at < before),
        )
        blocked = (
            select(earlier.c.id)
            .where(
                earlier.c.learner_id == orm.OutboxMessage.learner_id,
                earlier.c.id < orm.OutboxMessage.id,
                earlier.c.status.in_(("pending", "claimed", "sending")),
            )
            .exists()
        )
        with transaction(self._sessions) as s:
            rows = s.execute(
                select(orm.OutboxMessage, orm.Learner)
                .join(orm.Learner, orm.Learner.id == orm.OutboxMessage.learner_id)
                .where(due, orm.OutboxMessage.platform.in_(platforms), ~blocked)
                .order_by(orm.OutboxMessage.id)
                .limit(limit)
            ).all()
            candidates = [(m.id, m.status, m.claimed_at, m.learner_id, m.text, m.attempts, lr) for m, lr in rows]
        claimed = []
        for msg_id, status, claimed_at, learner_id, text, attempts, learner in candidates:
            with transaction(self._sessions) as s:
                same = (
                    orm.OutboxMessage.claimed_at.is_(None)
                    if claimed_at is None
                    else orm.OutboxMessage.claimed_at == claimed_at
                )
                result = s.execute(
                    update(orm.OutboxMessage)
                    .where(orm.OutboxMessage.id == msg_id, orm.OutboxMessage.status == status, same)
                    .values(status="claimed", claimed_by=name, claimed_at=now)
                )
            if cast(Any, result).rowcount == 1:
                recipient = Recipient(
                    cast(Platform, learner.platform),
                    learner.platform_user_id,
                    learner.chat_id or learner.platform_user_id,
                )
                claimed.append(Claimed(msg_id, learner_id, recipient, text, attempts))
        return claimed

    def move(self, msg_id: int, name: str, old: str, new: str, now: datetime, retry_at: datetime | None = None) -> bool:
        """Move one of this process's claims from ``old`` to ``new`` (a retry goes back to pending at ``retry_at``)."""
        values: dict[str, object] = {"status": new}
        if new == "sent":
            values["sent_at"] = now
        if new == "sending":
            values["claimed_at"] = now
        if new == "pending":
            values.update(attempts=orm.OutboxMessage.attempts + 1, next_attempt_at=retry_at or now, claimed_by=None)
        with transaction(self._sessions) as s:
            result = s.execute(
                update(orm.OutboxMessage)
                .where(
                    orm.OutboxMessage.id == msg_id,
                    orm.OutboxMessage.status == old,
                    orm.OutboxMessage.claimed_by == name,
                )
                .values(**values)
            )
            return cast(Any, result).rowcount == 1

    def of_flag(self, flag_id: int) -> list[OutboxRecord]:
        """The pushes written for a flag, oldest first."""
        with reading(self._sessions) as s:
            rows = s.scalars(
                select(orm.OutboxMessage).where(orm.OutboxMessage.flag_id == flag_id).order_by(orm.OutboxMessage.id)
            )
            return [OutboxRecord(r.id, r.status, r.attempts, r.created_at, r.sent_at) for r in rows]

    def forget_sent_before(self, before: datetime) -> int:
        """Delete pushes sent before a time (the reply itself stays in the conversation log); how many."""
        with transaction(self._sessions) as s:
            result = s.execute(
                delete(orm.OutboxMessage).where(orm.OutboxMessage.status == "sent", orm.OutboxMessage.sent_at < before)
            )
            return int(cast(Any, result).rowcount or 0)


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


class AnalyticsStore:
    """Read-only figures per cohort (None: every learner) for the dashboard."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    @staticmethod
    def _of(cohort: str | None) -> ColumnElement[bool]:
        return orm.Learner.cohort == cohort if cohort is not None else true()

    def questions_per_day(self, cohort: str | None, since: datetime) -> dict[date, int]:
        """Questions asked each day (UTC) since a time."""
        day = func.date(orm.LogEntry.created_at)
        with reading(self._sessions) as s:
            rows = s.execute(
                select(day, func.count())
                .join(orm.Learner, orm.Learner.id == orm.LogEntry.learner_id)
                .where(self._of(cohort), orm.LogEntry.role == "learner", orm.LogEntry.created_at >= since)
                .group_by(day)
            )
            return {_day(d): n for d, n in rows}

    def top_unanswered(self, cohort: str | None, limit: int = 20) -> list[tuple[str, int, datetime]]:
        """The questions the course did not answer, most asked first: (question, times, last asked)."""
        key = func.lower(orm.UnansweredQuestion.text)
        with reading(self._sessions) as s:
            rows = s.execute(
                select(func.min(orm.UnansweredQuestion.text), func.count(), func.max(orm.UnansweredQuestion.created_at))
                .join(orm.Learner, orm.Learner.id == orm.UnansweredQuestion.learner_id)
                .where(self._of(cohort))
                .group_by(key)
                .order_by(func.count().desc(), func.max(orm.UnansweredQuestion.created_at).desc())
                .limit(limit)
            )
            return [(text, n, last) for text, n, last in rows]

    def accuracy_per_module(self, cohort: str | None) -> list[tuple[str, int, int]]:
        """(module, answers, right answers) of the quizzes, by module."""
        with reading(self._sessions) as s:
            rows = s.execute(
                select(
                    orm.QuizItem.module_id,
                    func.count(orm.ReviewLog.id),
                    func.sum(case((orm.ReviewLog.correct, 1), else_=0)),
                )
                .join(orm.Card, orm.Card.id == orm.ReviewLog.card_id)
                .join(orm.QuizItem, orm.QuizItem.id == orm.Card.item_id)
                .join(orm.Learner, orm.Learner.id == orm.ReviewLog.learner_id)
                .where(self._of(cohort))
                .group_by(orm.QuizItem.module_id)
                .order_by(orm.QuizItem.module_id)
            )
            return [(m, n, int(c or 0)) for m, n, c in rows]

    def leeches(self, cohort: str | None, min_lapses: int) -> list[tuple[str, str, int, int]]:
        """(item, module, learners for whom it is a leech, most lapses), most troublesome first."""
        with reading(self._sessions) as s:
            rows = s.execute(
                select(
                    orm.Card.item_id,
                    orm.QuizItem.module_id,
                    func.count(distinct(orm.Card.learner_id)),
                    func.max(orm.Card.lapses),
                )
                .join(orm.QuizItem, orm.QuizItem.id == orm.Card.item_id)
                .join(orm.Learner, orm.Learner.id == orm.Card.learner_id)
                .where(self._of(cohort), orm.Card.lapses >= min_lapses)
                .group_by(orm.Card.item_id, orm.QuizItem.module_id)
                .order_by(func.count(distinct(orm.Card.learner_id)).desc(), orm.Card.item_id)
            )
            return [(i, m, n, lapses) for i, m, n, lapses in rows]

    def active_days(self, cohort: str | None, since: datetime) -> set[tuple[int, date]]:
        """(learner, day) pairs on which a learner wrote or answered a quiz question, since a time."""
        pairs: set[tuple[int, date]] = set()
        with reading(self._sessions) as s:
            for column, learner in (
                (orm.LogEntry.created_at, orm.LogEntry.learner_id),
                (orm.ReviewLog.reviewed_at, orm.ReviewLog.learner_id),
            ):
                day = func.date(column)
                rows = s.execute(
                    select(learner, day)
                    .join(orm.Learner, orm.Learner.id == learner)
                    .where(self._of(cohort), column >= since)
                    .group_by(learner, day)
                )
                pairs |= {(lid, _day(d)) for lid, d in rows}
        return pairs

    def scenario_choices(self, cohort: str | None) -> list[tuple[str, str, int, int]] | None:
        """(scenario, node, choice, times chosen), or None where this version has no scenarios."""
        table = orm.Base.metadata.tables.get("scenario_choices")
        if table is None:
            return None
        with reading(self._sessions) as s:
            rows = s.execute(
                select(table.c.scenario_id, table.c.node_id, table.c.choice, func.count())
                .join(orm.Learner, orm.Learner.id == table.c.learner_id)
                .where(self._of(cohort))
                .group_by(table.c.scenario_id, table.c.node_id, table.c.choice)
                .order_by(table.c.scenario_id, table.c.node_id, table.c.choice)
            )
            return [(sc, node, choice, n) for sc, node, choice, n in rows]
