"""The reminder dispatcher: one periodic job finds who is due, claims each learner's day, then sends.

No learner gets two reminders on one local date: a (learner, local date) row is claimed with a unique constraint
before anything is sent, also across restarts and with several dispatchers. A claim that never reached the send
(the process died first) is picked up again the same day once its lease expires. Each learner's row is marked
'sending' just before its own send and 'sent' just after, so a crash leaves at most the sends then in flight
uncertain; those rows are retried too once their lease expires: a rare second reminder beats a lost one.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy.orm import Session, sessionmaker

from tutor.domain import Button, Delivery, Platform, Recipient, Reply
from tutor.localtime import in_quiet_hours, parse_hhmm, zone
from tutor.messages import t
from tutor.ports import Clock, Outbox
from tutor.reminders.schedule import next_reminder_at
from tutor.store.reminders import DueLearner, ReminderStore
from tutor.store.unit_of_work import SqlUnitOfWork

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


def _recipient(learner: DueLearner) -> Recipient:
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
        self.store = ReminderStore(sessions)
        self.unit_of_work = SqlUnitOfWork(sessions)
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
        with self.unit_of_work():
            learners = self.store.lock_due(now, self.rules.platforms)
            report.planned = len(learners)
            work = self.store.questions_waiting(learners, now, self.rules.new_per_day)
            wanted: list[Due] = []
            next_at: dict[int, datetime] = {}
            for learner in learners:
                tz = zone(learner.timezone, self.rules.default_timezone)
                local = now.astimezone(tz)
                reminder_time = parse_hhmm(learner.reminder_time or "")
                assert reminder_time is not None
                next_at[learner.id] = next_reminder_at(
                    reminder_time, tz, now, learner.paused_until, reminded_on=local.date()
                )
                if self._is_quiet(local.time()) or work.get(learner.id, 0) == 0:
                    report.skipped += 1
                    continue
                wanted.append(Due(learner.id, _recipient(learner), learner.lang, local.date(), work[learner.id]))
            self.store.move_next(next_at)
            claimed = self.store.claim([(d.learner_id, d.local_date) for d in wanted], now, self.name)
            return [replace(d, send_id=claimed[d.learner_id]) for d in wanted if d.learner_id in claimed]

    def _is_quiet(self, local_time: Any) -> bool:
        start, end = self._quiet
        return bool(start and end and in_quiet_hours(local_time, start, end))

    def _recover(self, now: datetime) -> list[Due]:
        """Claims whose dispatcher died before the send, and transient failures, still within their day."""
        out = []
        with self.unit_of_work():
            for claim in self.store.stale_claims(now - self.rules.lease):
                learner = claim.learner
                local = now.astimezone(zone(learner.timezone, self.rules.default_timezone))
                if local.date() != claim.local_date or self._is_quiet(local.time()):
                    continue
                if self.store.take_over(claim, now, self.name):
                    waiting = self.store.questions_waiting([learner], now, self.rules.new_per_day).get(learner.id, 0)
                    due = Due(learner.id, _recipient(learner), learner.lang, claim.local_date, max(waiting, 1))
                    out.append(replace(due, send_id=claim.send_id))
        return out

    async def _send_batch(self, batch: list[Due], report: TickReport) -> None:
        results = await asyncio.gather(*(self._send_one(d) for d in batch))
        report.sent += results.count("sent")
        report.unreachable += results.count("unreachable")
        report.failed += results.count("failed")

    async def _send_one(self, due: Due) -> str:
        """Mark this learner's row 'sending', send, record the outcome: the uncertain window is this one send."""
        await self.limiter.acquire()
        if not await asyncio.to_thread(self._mark, [due], "claimed", "sending"):
            return "skipped"  # taken over by another dispatcher meanwhile
        result = await self._send(due)
        status = {Delivery.SENT: "sent", Delivery.UNREACHABLE: "unreachable"}.get(result, "failed")
        await asyncio.to_thread(self._mark, [due], "sending", status)
        if status == "unreachable":
            await asyncio.to_thread(self._unreachable, [due.learner_id])
        return status

    async def _send(self, due: Due) -> Delivery:
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
        return self.store.mark([d.send_id for d in dues], old, new, self.name, self.clock.now())

    def _unreachable(self, learner_ids: list[int]) -> None:
        self.store.mark_unreachable(learner_ids)
