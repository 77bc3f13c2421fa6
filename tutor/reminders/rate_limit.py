"""A global send rate limit that never exceeds its rate in any one-second window (no bursts)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class SpacedRateLimiter:
    """Hands out send slots spaced 1/rate apart; waiting is asynchronous, shared by all senders of a process."""

    def __init__(self, rate_per_s: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate_per_s
        self._monotonic = monotonic
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait for the next free slot."""
        async with self._lock:
            now = self._monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        delay = slot - self._monotonic()
        if delay > 0:
            await asyncio.sleep(delay)


class NoRateLimit:
    """For measuring the dispatcher's own cost."""

    async def acquire(self) -> None:
        """Return at once."""
