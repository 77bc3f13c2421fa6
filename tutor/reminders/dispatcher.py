"""The reminder dispatcher: one periodic job finds who is due, claims each learner's day, then sends.

No learner gets two reminders on one local date: a (learner, local date) row is claimed with a unique constraint
before anything is sent, also across restarts and with several dispatchers. A claim that never reached the send
(the process died first) is picked up again the same day once its lease expires; rows marked 'sending' are left
alone, because a crash during the send itself leaves unknown whether it went out, and we prefer not to send twice.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from tutor.domain import Button, Delivery, Platform, Recipient, Reply
from tutor.localtime import in_quiet_hours, parse_hhmm, zone
from tutor.messages import t
from tutor.ports import Clock, Outbox
from tutor.reminders.schedule import next_reminder_at
from tutor.store.models import Card, Learner, QuizItem, ReminderSend

log = logging.getLogger(__name__)


class Limiter(Protocol):
    async def acquire(self) -> None: ...


@dataclass(frozen=True)
class DispatchRules:
    """Deployment choices for the dispatcher."""

    default_timezone: str = "Europe/Paris"
    quiet_start: str = "21:00"
    quiet_end: str = "08:00"
    new_per_day: int = 10
    batch_size: int = 30
    lease: timedelta = timedelta(minutes=5)
    platforms: tuple[str, ...] | None = None  # the platforms this dispatcher's Outbox reaches (None: all)


@dataclass(frozen=True)
class Due:
    """A learner to remind today."""

    learner_id: int
    recipient: Recipient
    lang: str
    local_date: date
    questions: int
    send_id: int = 0


@dataclass
class TickReport:
    """What one run of the job did."""

    planned: int = 0
    claimed: int = 0
    sent: int = 0
    unreachable: int = 0
    failed: int = 0
    skipped: int = 0


def _recipient(learner: Learner) -> Recipient:
    return Recipient(
        cast(Platform, learner.platform), learner.platform_user_id, learner.chat_id or learner.platform_user_id
    )


class ReminderDispatcher:
    """Plans, claims and sends the day's reminders through the Outbox."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        outbox: Outbox,
        clock: Clock,
        limiter: Limiter,
        rules: DispatchRules,
        name: str | None = None,
    ) -> None:
        self.sessions = sessions
        self.outbox = outbox
        self.clock = clock
        self.limiter = limiter
        self.rules = rules
        self.name = name or f"dispatcher-{uuid.uuid4().hex[:8]}"
        self._quiet = (parse_hhmm(rules.quiet_start), parse_hhmm(rules.quiet_end))

    async def tick(self) -> TickReport:
        """One run: recover stale claims, plan, claim, send."""
        report = TickReport()
        now = self.clock.now()
        due = await asyncio.to_thread(self._recover, now)
        due += await asyncio.to_thread(self.plan_and_claim, now, report)
        report.claimed += len(due)
        for start in range(0, len(due), self.rules.batch_size):
            await self._send_batch(due[start : start + self.rules.batch_size], report)
        return report

    def plan_and_claim(self, now: datetime, report: TickReport) -> list[Due]:
        """Find learners whose reminder time has passed, claim today's row for those with work, move the rest on."""
        with self.sessions.begin() as s:
            query = select(Learner).where(
                Learner.next_reminder_at <= now, Learner.unreachable.is_(False), Learner.reminder_time.is_not(None)
            )
            if self.rules.platforms is not None:
                query = query.where(Learner.platform.in_(self.rules.platforms))
            learners = list(s.scalars(query.with_for_update(skip_locked=True)))
            report.planned = len(learners)
            work = self._questions_waiting(s, learners, now)
            wanted: list[Due] = []
            for learner in learners:
                tz = zone(learner.timezone, self.rules.default_timezone)
                local = now.astimezone(tz)
                reminder_time = parse_hhmm(learner.reminder_time or "")
                assert reminder_time is not None
                learner.next_reminder_at = next_reminder_at(
                    reminder_time, tz, now, learner.reminders_paused_until, reminded_on=local.date()
                )
                if self._is_quiet(local.time()) or work.get(learner.id, 0) == 0:
                    report.skipped += 1
                    continue
                recipient = _recipient(learner)
                wanted.append(Due(learner.id, recipient, learner.lang, local.date(), work[learner.id]))
            return self._claim(s, wanted, now)

    def _is_quiet(self, local_time: Any) -> bool:
        start, end = self._quiet
        return bool(start and end and in_quiet_hours(local_time, start, end))

    def _questions_waiting(self, s: Session, learners: Sequence[Learner], now: datetime) -> dict[int, int]:
        ids = [learner.id for learner in learners]
        if not ids:
            return {}
        due = dict(
            s.execute(
                select(Card.learner_id, func.count(Card.id))
                .where(Card.learner_id.in_(ids), Card.due <= now)
                .group_by(Card.learner_id)
            ).all()
        )
        seen = dict(
            s.execute(
                select(Card.learner_id, func.count(Card.id)).where(Card.learner_id.in_(ids)).group_by(Card.learner_id)
            ).all()
        )
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
            waiting[learner.id] = due.get(learner.id, 0) + min(fresh, self.rules.new_per_day)
        return waiting

    def _claim(self, s: Session, wanted: list[Due], now: datetime) -> list[Due]:
        if not wanted:
            return []
        insert = pg_insert if s.bind is not None and s.bind.dialect.name == "postgresql" else sqlite_insert
        rows = [
            {
                "learner_id": d.learner_id,
                "local_date": d.local_date,
                "status": "claimed",
                "claimed_by": self.name,
                "claimed_at": now,
            }
            for d in wanted
        ]
        claimed: dict[int, int] = {}
        for start in range(0, len(rows), 1000):
            stmt = (
                insert(ReminderSend)
                .values(rows[start : start + 1000])
                .on_conflict_do_nothing(index_elements=["learner_id", "local_date"])
                .returning(ReminderSend.learner_id, ReminderSend.id)
            )
            claimed.update({learner_id: send_id for learner_id, send_id in s.execute(stmt)})
        return [replace(d, send_id=claimed[d.learner_id]) for d in wanted if d.learner_id in claimed]

    def _recover(self, now: datetime) -> list[Due]:
        """Claims whose dispatcher died before the send, and transient failures, still within their day."""
        with self.sessions.begin() as s:
            rows = s.execute(
                select(ReminderSend, Learner)
                .join(Learner, Learner.id == ReminderSend.learner_id)
                .where(
                    ReminderSend.status.in_(("claimed", "failed")),
                    ReminderSend.claimed_at < now - self.rules.lease,
                    Learner.unreachable.is_(False),
                )
            ).all()
            out = []
            for send, learner in rows:
                local = now.astimezone(zone(learner.timezone, self.rules.default_timezone))
                if local.date() != send.local_date or self._is_quiet(local.time()):
                    continue
                taken = s.execute(
                    update(ReminderSend)
                    .where(
                        ReminderSend.id == send.id,
                        ReminderSend.status == send.status,
                        ReminderSend.claimed_at == send.claimed_at,
                    )
                    .values(status="claimed", claimed_by=self.name, claimed_at=now)
                )
                if taken.rowcount == 1:  # type: ignore[attr-defined]
                    recipient = _recipient(learner)
                    waiting = self._questions_waiting(s, [learner], now).get(learner.id, 0)
                    out.append(Due(learner.id, recipient, learner.lang, send.local_date, max(waiting, 1), send.id))
            return out

    async def _send_batch(self, batch: list[Due], report: TickReport) -> None:
        sending = await asyncio.to_thread(self._mark, batch, "claimed", "sending")
        todo = [d for d in batch if d.learner_id in sending]
        results = await asyncio.gather(*(self._send(d) for d in todo))
        by_status: dict[str, list[Due]] = {"sent": [], "unreachable": [], "failed": []}
        for due, result in zip(todo, results, strict=True):
            key = {Delivery.SENT: "sent", Delivery.UNREACHABLE: "unreachable"}.get(result, "failed")
            by_status[key].append(due)
        for status, dues in by_status.items():
            if dues:
                await asyncio.to_thread(self._mark, dues, "sending", status)
        report.sent += len(by_status["sent"])
        report.unreachable += len(by_status["unreachable"])
        report.failed += len(by_status["failed"])
        if by_status["unreachable"]:
            await asyncio.to_thread(self._unreachable, [d.learner_id for d in by_status["unreachable"]])

    async def _send(self, due: Due) -> Delivery:
        await self.limiter.acquire()
        reply = Reply(
            t("reminder_text", due.lang, count=due.questions),
            buttons=(Button(t("quiz_start_button", due.lang), "quiz:start"),),
        )
        try:
            return await self.outbox.send(due.recipient, [reply])
        except Exception:  # one failing send must not stop the others; it is retried on a later run
            log.warning("reminder send failed on %s", due.recipient.platform, exc_info=True)
            return Delivery.FAILED

    def _mark(self, dues: list[Due], old: str, new: str) -> set[int]:
        """Move this dispatcher's rows from one status to another; returns the learners whose row moved."""
        values: dict[str, Any] = {"status": new}
        if new == "sent":
            values["sent_at"] = self.clock.now()
        stmt = (
            update(ReminderSend)
            .where(
                ReminderSend.id.in_([d.send_id for d in dues]),
                ReminderSend.status == old,
                ReminderSend.claimed_by == self.name,
            )
            .values(**values)
            .returning(ReminderSend.learner_id)
        )
        with self.sessions.begin() as s:
            return set(s.scalars(stmt))

    def _unreachable(self, learner_ids: list[int]) -> None:
        with self.sessions.begin() as s:
            s.execute(update(Learner).where(Learner.id.in_(learner_ids)).values(unreachable=True))
