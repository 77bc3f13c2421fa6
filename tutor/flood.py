"""A per-learner message rate limit: past it, one polite notice, then silence until the learner slows down."""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, timedelta
from enum import Enum

WINDOW = timedelta(minutes=1)
PRUNE_ABOVE = 10_000  # learners tracked before idle ones are dropped


class Verdict(Enum):
    """What to do with a message."""

    HANDLE = "handle"
    NOTICE = "notice"  # the first message over the limit: say so once
    DROP = "drop"  # the following ones, until the window frees up


class LearnerRateLimit:
    """At most ``per_minute`` messages a learner in any sliding minute (per process; 0 turns it off)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[str, deque[datetime]] = {}
        self._noticed: set[str] = set()
        self._lock = threading.Lock()

    def check(self, learner: str, now: datetime) -> Verdict:
        """Count this message and say whether to handle it."""
        if self.per_minute <= 0:
            return Verdict.HANDLE
        with self._lock:
            if len(self._seen) > PRUNE_ABOVE:
                self._forget_idle(now)
            times = self._seen.setdefault(learner, deque())
            while times and now - times[0] >= WINDOW:
                times.popleft()
            if len(times) < self.per_minute:
                times.append(now)
                self._noticed.discard(learner)
                return Verdict.HANDLE
            if learner in self._noticed:
                return Verdict.DROP
            self._noticed.add(learner)
            return Verdict.NOTICE

    def _forget_idle(self, now: datetime) -> None:
        """Drop learners not seen for a window (keeps memory flat with many learners)."""
        idle = [k for k, times in self._seen.items() if not times or now - times[-1] >= WINDOW]
        for key in idle:
            self._seen.pop(key, None)
            self._noticed.discard(key)
