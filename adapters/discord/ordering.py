"""One learner's messages in order: what a learner does, and what is pushed to them, is handled one at a time, in the
order it came.

A place in the learner's line is taken the moment an event arrives (synchronously, before any await), while the wait
for that place comes later: an interaction can then be acknowledged at once, within Discord's 3 seconds, and still be
handled after the learner's earlier actions, whichever acknowledgement happened to finish first.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from types import TracebackType


class Turn:
    """A place in one learner's line: ``wait()`` for the earlier ones; leaving the block lets the next one go."""

    def __init__(self, locks: LearnerLocks, learner: int, previous: asyncio.Future[None] | None) -> None:
        self._locks = locks
        self._learner = learner
        self._previous = previous
        self._done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def wait(self) -> None:
        """Until every earlier place of this learner is done."""
        if self._previous is not None:
            await asyncio.shield(self._previous)

    async def __aenter__(self) -> Turn:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        previous = self._previous
        if previous is None or previous.done():
            self._finish()
        else:  # left before its turn came (an error): the next one still waits for the earlier ones
            previous.add_done_callback(lambda _: self._finish())

    def _finish(self) -> None:
        if not self._done.done():
            self._done.set_result(None)
        self._locks._release(self._learner, self._done)


class LearnerLocks:
    """A line per learner, forgotten when empty: a slow answer for one learner never delays another, and two presses
    (or a press and a reminder) for one learner go out in the order they came."""

    def __init__(self) -> None:
        self._tails: dict[int, asyncio.Future[None]] = {}

    def reserve(self, learner: int) -> Turn:
        """The learner's next place in line, taken now; use it as ``async with``, and ``await turn.wait()``."""
        turn = Turn(self, learner, self._tails.get(learner))
        self._tails[learner] = turn._done
        return turn

    @contextlib.asynccontextmanager
    async def hold(self, learner: int) -> AsyncIterator[None]:
        """Takes a place, waits for it, then runs the block."""
        async with self.reserve(learner) as turn:
            await turn.wait()
            yield

    def _release(self, learner: int, done: asyncio.Future[None]) -> None:
        if self._tails.get(learner) is done:  # no one behind: forget the learner
            del self._tails[learner]

    def __len__(self) -> int:
        return len(self._tails)
