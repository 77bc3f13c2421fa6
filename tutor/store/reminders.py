"""Reminder state: who is due, the day's claims and their sends; SQL (and its per-dialect parts) only here.

Each method joins the open unit of work, so that the dispatcher plans and claims in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from tutor.store.db import upsert_insert
from tutor.store.models import Card, Learner, QuizItem, ReminderSend
from tutor.store.unit_of_work import transaction

CLAIM_BATCH = 1000


@dataclass(frozen=True)
class DueLearner:
    """What the dispatcher needs of a learner whose reminder time has passed."""

    id: int
    platform: str
    platform_user_id: str
    chat_id: str | None
    lang: str
    level: int
    timezone: str | None
    reminder_time: str | None
    paused_until: date | None


@dataclass(frozen=True)
class StaleClaim:
    """A claimed or failed send whose lease expired, with its learner."""

    send_id: int
    status: str
    claimed_at: datetime
    local_date: date
    learner: DueLearner


def _due(row: Learner) -> DueLearner:
    return DueLearner(
        row.id,
        row.platform,
        row.platform_user_id,
        row.chat_id,
        row.lang,
        row.level,
        row.timezone,
        row.reminder_time,
        row.reminders_paused_until,
    )


class ReminderStore:
    """Reads and writes what the reminder dispatcher decides."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def lock_due(self, now: datetime, platforms: Sequence[str] | None) -> list[DueLearner]:
        """Learners whose reminder time has passed, locked for this transaction (others skip them)."""
        query = select(Learner).where(
            Learner.next_reminder_at <= now, Learner.unreachable.is_(False), Learner.reminder_time.is_not(None)
        )
        if platforms is not None:
            query = query.where(Learner.platform.in_(platforms))
        with transaction(self._sessions) as s:
            return [_due(row) for row in s.scalars(query.with_for_update(skip_locked=True))]

    def move_next(self, next_at: dict[int, datetime]) -> None:
        """Set each learner's next reminder time."""
        if next_at:
            with transaction(self._sessions) as s:
                s.execute(update(Learner), [{"id": i, "next_reminder_at": at} for i, at in next_at.items()])

    def questions_waiting(self, learners: Sequence[DueLearner], now: datetime, new_per_day: int) -> dict[int, int]:
        """Per learner: due cards plus the new items they may still meet today."""
        ids = [learner.id for learner in learners]
        if not ids:
            return {}
        with transaction(self._sessions) as s:
            cards = s.execute(
                select(Card.learner_id, func.count(Card.id), func.sum(case((Card.due <= now, 1), else_=0)))
                .where(Card.learner_id.in_(ids))
                .group_by(Card.learner_id)
            ).all()
            seen = {learner_id: int(count) for learner_id, count, _ in cards}
            due = {learner_id: int(due_now or 0) for learner_id, _, due_now in cards}
            per_level = dict(
                s.execute(
                    select(QuizItem.level, func.count(QuizItem.id))
                    .where(QuizItem.active.is_(True))
                    .group_by(QuizItem.level)
                ).all()
            )
        waiting = {}
        for learner in learners:
            fresh = max(0, per_level.get(learner.level, 0) - seen.get(learner.id, 0))
            waiting[learner.id] = due.get(learner.id, 0) + min(fresh, new_per_day)
        return waiting

    def claim(self, wanted: Sequence[tuple[int, date]], now: datetime, claimed_by: str) -> dict[int, int]:
        """Claim (learner, local date) rows; learner id -> send id for those nobody had claimed."""
        if not wanted:
            return {}
        rows = [
            {"learner_id": i, "local_date": d, "status": "claimed", "claimed_by": claimed_by, "claimed_at": now}
            for i, d in wanted
        ]
        claimed: dict[int, int] = {}
        with transaction(self._sessions) as s:
            for start in range(0, len(rows), CLAIM_BATCH):
                stmt = (
                    upsert_insert(s, ReminderSend)
                    .values(rows[start : start + CLAIM_BATCH])
                    .on_conflict_do_nothing(index_elements=["learner_id", "local_date"])
                    .returning(ReminderSend.learner_id, ReminderSend.id)
                )
                claimed.update({learner_id: send_id for learner_id, send_id in s.execute(stmt)})
        return claimed

    def stale_claims(self, older_than: datetime) -> list[StaleClaim]:
        """Claims never sent, sends cut short and transient failures past their lease, of learners still reachable."""
        with transaction(self._sessions) as s:
            rows = s.execute(
                select(ReminderSend, Learner)
                .join(Learner, Learner.id == ReminderSend.learner_id)
                .where(
                    ReminderSend.status.in_(("claimed", "sending", "failed")),
                    ReminderSend.claimed_at < older_than,
                    Learner.unreachable.is_(False),
                )
            ).all()
            return [StaleClaim(send.id, send.status, send.claimed_at, send.local_date, _due(lr)) for send, lr in rows]

    def take_over(self, claim: StaleClaim, now: datetime, claimed_by: str) -> bool:
        """Claim a stale row for this dispatcher, unless another took it first."""
        with transaction(self._sessions) as s:
            taken = s.execute(
                update(ReminderSend)
                .where(
                    ReminderSend.id == claim.send_id,
                    ReminderSend.status == claim.status,
                    ReminderSend.claimed_at == claim.claimed_at,
                )
                .values(status="claimed", claimed_by=claimed_by, claimed_at=now)
            )
            return bool(taken.rowcount == 1)  # type: ignore[attr-defined]

    def mark(self, send_ids: Sequence[int], old: str, new: str, claimed_by: str, now: datetime) -> set[int]:
        """Move this dispatcher's rows from one status to another; the learners whose row moved."""
        values: dict[str, Any] = {"status": new}
        if new == "sent":
            values["sent_at"] = now
        if new == "sending":  # the lease of an uncertain send counts from the send, not from the claim
            values["claimed_at"] = now
        stmt = (
            update(ReminderSend)
            .where(ReminderSend.id.in_(send_ids), ReminderSend.status == old, ReminderSend.claimed_by == claimed_by)
            .values(**values)
            .returning(ReminderSend.learner_id)
        )
        with transaction(self._sessions) as s:
            return set(s.scalars(stmt))

    def mark_unreachable(self, learner_ids: Sequence[int]) -> None:
        """Push nothing more to these learners until they write again."""
        with transaction(self._sessions) as s:
            s.execute(update(Learner).where(Learner.id.in_(learner_ids)).values(unreachable=True))
