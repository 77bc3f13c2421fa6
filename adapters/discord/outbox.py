"""Pushes the learner did not ask for (reminders, a tutor's message), sent by direct message on Discord."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import aiohttp
import discord

from adapters.discord.ordering import LearnerLocks
from adapters.discord.sender import DiscordSender
from tutor.domain import Delivery, Recipient, Reply

log = logging.getLogger(__name__)

UNKNOWN_USER = 10013  # Discord's JSON error codes meaning the learner cannot be reached at all
CANNOT_MESSAGE_USER = 50007
INVALID_RECIPIENT = 50033
UNREACHABLE_CODES = frozenset({UNKNOWN_USER, CANNOT_MESSAGE_USER, INVALID_RECIPIENT})


class DiscordOutbox:
    """The core's ``Outbox`` for Discord: the learner's direct messages, in their turn (``LearnerLocks``, shared with
    the handlers), through the client's HTTP session so that discord.py's rate limiting covers pushes and replies."""

    def __init__(self, client: discord.Client, sender: DiscordSender, locks: LearnerLocks) -> None:
        self.client = client
        self.sender = sender
        self.locks = locks

    async def send(self, recipient: Recipient, replies: Sequence[Reply]) -> Delivery:
        """SENT once the push went out, UNREACHABLE if the learner's direct messages are closed to the bot (or they
        are gone), FAILED on other errors, a rate limit too long to wait out included."""
        if recipient.platform != "discord":
            raise ValueError(f"a {recipient.platform} recipient reached the Discord outbox")
        owner = int(recipient.learner_id)
        sent = 0
        async with self.locks.hold(owner):
            try:
                channel = await self._direct_messages(recipient, owner)
                for message in self.sender.render(replies, owner):
                    await self.sender.deliver(channel, message)
                    sent += 1
            except discord.HTTPException as exc:
                if exc.status in (403, 404) or exc.code in UNREACHABLE_CODES:
                    log.info("learner %s is unreachable on Discord (%s)", recipient.learner_id, exc.code)
                    return Delivery.UNREACHABLE
                return _failed(recipient, sent, exc)
            except (TimeoutError, discord.RateLimited, aiohttp.ClientError, OSError) as exc:
                return _failed(recipient, sent, exc)
        return Delivery.SENT

    async def _direct_messages(self, recipient: Recipient, owner: int) -> discord.abc.Messageable:
        """The learner's DM channel: known from their own messages, else opened (Discord allows a bot to open one)."""
        if recipient.chat_id and recipient.chat_id != recipient.learner_id:
            return self.client.get_partial_messageable(int(recipient.chat_id), type=discord.ChannelType.private)
        return await self.client.create_dm(discord.Object(id=owner))


def _failed(recipient: Recipient, sent: int, exc: Exception) -> Delivery:
    # Part of the push went out: report it sent, as a retry would repeat that part.
    log.warning("push to %s failed after %d message(s): %s", recipient.learner_id, sent, exc)
    return Delivery.SENT if sent else Delivery.FAILED
