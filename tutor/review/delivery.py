"""Draining the durable outbox: pushes written by another process (a tutor's reply from the dashboard) sent by the
bot processes, each through the Outbox of the learner's platform.

Every bot process drains, for the platforms it serves; no leadership is needed (unlike reminders, which must be
planned once): a push is claimed by a compare-and-set on its row, so two processes never take the same one. A push
is claimed, then marked 'sending' just before the call, then 'sent' (or 'unreachable'); a failure puts it back as
pending, retried with a growing delay (5 s, 10 s, ... at most an hour), never dropped. A claim whose process died
before sending is taken again once its lease expires; a push cut by a crash during the send itself is marked
'uncertain' and not repeated (a learner must never get a tutor's message twice); the flag's page shows it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from tutor.domain import Delivery, Reply
from tutor.ports import Clock, Outbox
from tutor.reminders.job import every
from tutor.review.values import Claimed
from tutor.store.review import OutboxStore

log = logging.getLogger(__name__)
JOB_ID = "tutor-outbox"


@dataclass
class DrainReport:
    """What one run of the drain did."""

    claimed: int = 0
    sent: int = 0
    unreachable: int = 0
    failed: int = 0
    uncertain: int = 0


@dataclass(frozen=True)
class DrainRules:
    """How many pushes a run takes, how long a claim holds, how retries space out."""

    batch: int = 50
    lease: timedelta = timedelta(minutes=5)
    first_retry: timedelta = timedelta(seconds=5)
    longest_retry: timedelta = timedelta(hours=1)


class OutboxDrain:
    """Sends the due pushes of the platforms this process serves."""

    def __init__(
        self,
        store: OutboxStore,
        outbox: Outbox,
        clock: Clock,
        platforms: tuple[str, ...],
        rules: DrainRules | None = None,
        name: str | None = None,
    ) -> None:
        self.store = store
        self.outbox = outbox
        self.clock = clock
        self.platforms = platforms
        self.rules = rules or DrainRules()
        self.name = name or f"drain-{uuid.uuid4().hex[:8]}"

    async def tick(self) -> DrainReport:
        """One run: give up on sends cut by a crash, claim what is due, send each through its platform."""
        report = DrainReport()
        if not self.platforms:
            return report
        now = self.clock.now()
        before = now - self.rules.lease
        report.uncertain = await asyncio.to_thread(self.store.give_up_on_cut_sends, before)
        claimed = await asyncio.to_thread(self.store.claim, now, self.platforms, self.rules.batch, self.name, before)
        report.claimed = len(claimed)
        results = await asyncio.gather(*(self._deliver(msg) for msg in claimed))
        for result in results:
            if result == Delivery.SENT:
                report.sent += 1
            elif result == Delivery.UNREACHABLE:
                report.unreachable += 1
            elif result == Delivery.FAILED:
                report.failed += 1
        return report

    async def _deliver(self, msg: Claimed) -> Delivery | None:
        if not await asyncio.to_thread(self.store.move, msg.id, self.name, "claimed", "sending", self.clock.now()):
            return None  # taken over meanwhile (this process was too slow): the other one sends it
        try:
            result = await self.outbox.send(msg.recipient, [Reply(msg.text)])
        except Exception:  # one failing send must not stop the others; it is retried
            log.warning("outbox push %d failed on %s", msg.id, msg.recipient.platform, exc_info=True)
            result = Delivery.FAILED
        now = self.clock.now()
        if result == Delivery.FAILED:
            delay = min(self.rules.longest_retry, self.rules.first_retry * (2 ** min(msg.attempts, 20)))
            await asyncio.to_thread(self.store.move, msg.id, self.name, "sending", "pending", now, now + delay)
        else:
            await asyncio.to_thread(self.store.move, msg.id, self.name, "sending", str(result), now)
        return result


def start_outbox_job(drain: OutboxDrain, every_s: float = 2.0) -> AsyncIOScheduler:
    """Drain every ``every_s`` seconds (the first at once); call from inside the running event loop."""
    return every(AsyncIOScheduler(timezone="UTC"), drain.tick, every_s, JOB_ID)
