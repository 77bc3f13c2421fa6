"""Sends rendered replies: to a channel (direct messages, a server channel) or as an interaction's response and
follow-ups, public, ephemeral or by direct message as the core's replies say."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from adapters.discord.components import Components
from adapters.discord.render import Part, render
from tutor.domain import Reply, ReplyKind
from tutor.messages import t

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()  # a learner's or the course's text never pings anyone
PUBLIC_IN_SERVER: frozenset[ReplyKind] = frozenset({"answer", "abstention"})  # about the course: the channel reads it
TYPING_EVERY_S = 8.0  # Discord shows 'typing…' for about 10 seconds


@dataclass(frozen=True)
class Outgoing:
    """One message as discord.py sends it."""

    content: str
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None

    def fields(self) -> dict[str, Any]:
        """Keyword arguments of ``send``: only what is set."""
        sent: dict[str, Any] = {"content": self.content, "allowed_mentions": NO_PINGS}
        if self.embed is not None:
            sent["embed"] = self.embed
        if self.view is not None:
            sent["view"] = self.view
        return sent


@dataclass(frozen=True)
class Placed:
    """A message and where it shows in reply to an interaction."""

    message: Outgoing
    ephemeral: bool


class DiscordSender:
    """Renders replies for one learner (the owner of their buttons) and sends them; discord.py's errors propagate,
    after its own handling of rate limits."""

    def __init__(self, components: Components) -> None:
        self.components = components

    def render(self, replies: Sequence[Reply], owner: int) -> list[Outgoing]:
        """Every message that shows these replies, in order."""
        return [self._outgoing(part, owner) for reply in replies for part in render(reply)]

    async def to_channel(
        self, channel: discord.abc.Messageable, replies: Sequence[Reply], owner: int, answering: discord.Message | None
    ) -> None:
        """All the replies in a channel; in a server the first one answers the learner's message."""
        for n, message in enumerate(self.render(replies, owner)):
            await self.deliver(channel, message, answering if n == 0 else None)

    async def deliver(
        self, channel: discord.abc.Messageable, message: Outgoing, answering: discord.Message | None = None
    ) -> discord.Message:
        """One message."""
        if answering is not None:
            reference = answering.to_reference(fail_if_not_exists=False)
            return await channel.send(**message.fields(), reference=reference, mention_author=False)
        return await channel.send(**message.fields())

    async def to_interaction(
        self, interaction: discord.Interaction[Any], replies: Sequence[Reply], group: bool, original: bool | None
    ) -> None:
        """Replies to an interaction: in a server, answers about the course in the channel, other feedback ephemeral,
        private replies by direct message; in direct messages, everything there. ``original`` is whether the
        deferred response waiting to be filled is ephemeral (None when there is none: a press already acknowledged)."""
        owner = interaction.user.id
        placed: list[Placed] = []
        private: list[Reply] = []
        for reply in replies:
            if group and reply.private:
                private.append(reply)
                continue
            ephemeral = group and reply.kind not in PUBLIC_IN_SERVER
            placed += [Placed(message, ephemeral) for message in self.render([reply], owner)]
        await self._place(interaction, placed, original)
        if private:
            await self._direct(interaction, private)

    async def _place(self, interaction: discord.Interaction[Any], placed: list[Placed], original: bool | None) -> None:
        if original is not None:
            if placed and placed[0].ephemeral == original:
                await interaction.edit_original_response(**placed.pop(0).message.fields())
            else:  # the deferred 'thinking…' cannot change who sees it: it goes, the replies follow
                await interaction.delete_original_response()
        for item in placed:
            await interaction.followup.send(**item.message.fields(), ephemeral=item.ephemeral)

    async def _direct(self, interaction: discord.Interaction[Any], replies: list[Reply]) -> None:
        """To the learner's direct messages; if they are closed to the bot, the learner is told, ephemerally."""
        user = interaction.user
        try:
            channel = user.dm_channel or await user.create_dm()
            await self.to_channel(channel, replies, user.id, None)
        except discord.Forbidden:
            lang = str(interaction.locale.value)[:2]
            await interaction.followup.send(t("discord_dm_closed", lang), ephemeral=True, allowed_mentions=NO_PINGS)

    def _outgoing(self, part: Part, owner: int) -> Outgoing:
        embed = None
        if part.sources:
            embed = discord.Embed(title=t("sources", "en"), description="\n".join(part.sources))
        return Outgoing(part.content, embed, self.components.view(part.buttons, owner))


@contextlib.asynccontextmanager
async def typing(channel: discord.abc.Messageable, every: float = TYPING_EVERY_S) -> AsyncIterator[None]:
    """Shows 'typing…' in the channel until the block ends; a failure to show it never stops the reply."""
    task = asyncio.create_task(_keep_typing(channel, every))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _keep_typing(channel: discord.abc.Messageable, every: float) -> None:
    while True:
        try:
            await channel.typing()
        except discord.HTTPException as exc:
            log.debug("could not show typing: %s", exc)
        await asyncio.sleep(every)
