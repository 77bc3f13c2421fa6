"""Pushes reach each learner on the platform they use: one Outbox per platform, behind one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tutor.domain import Delivery, Recipient, Reply
from tutor.ports import Outbox


class PlatformOutboxes:
    """The core's Outbox for a process serving several platforms: each push goes through its recipient's platform."""

    def __init__(self, outboxes: Mapping[str, Outbox]) -> None:
        self._outboxes = dict(outboxes)

    @property
    def platforms(self) -> tuple[str, ...]:
        """The platforms this process reaches."""
        return tuple(sorted(self._outboxes))

    async def send(self, recipient: Recipient, replies: Sequence[Reply]) -> Delivery:
        """Send through the recipient's platform; FAILED (to be retried by a process that has it) if none here."""
        outbox = self._outboxes.get(recipient.platform)
        if outbox is None:
            return Delivery.FAILED
        return await outbox.send(recipient, replies)
