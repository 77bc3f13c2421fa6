"""A global send rate limit that never exceeds its rate in any one-second window (no bursts)."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable

# Sends are released a little more than one second after the send `rate` places earlier, so that scheduling
# jitter between the release and the send cannot squeeze one send too many into a one-second window.
WINDOW_MARGIN_S = 0.003


class SpacedRateLimiter:
    """Releases sends evenly spaced at 1/rate, and never more than ``rate`` in any one-second window."""

    def __init__(self, rate_per_s: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate_per_s
        self.per_window = max(1, math.floor(rate_per_s))
        self._monotonic = monotonic
        self._recent: deque[float] = deque(maxlen=self.per_window)
        self._planned = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait for the next free slot; waiters are served one at a time, in order."""
        async with self._lock:
            # spacing follows the plan, not the (slightly late) wake-ups, so the rate does not drift down
            earliest = max(self._monotonic(), self._planned)
            self._planned = earliest + self.interval
            if len(self._recent) == self.per_window:
                earliest = max(earliest, self._recent[0] + 1.0 + WINDOW_MARGIN_S)
            delay = earliest - self._monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self._recent.append(self._monotonic())


class NoRateLimit:
    """For measuring the dispatcher's own cost."""

    async def acquire(self) -> None:
        """Return at once."""
