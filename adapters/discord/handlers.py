"""What the bot does with each message, slash command and press: translate it, let the core decide, send what it says.

An interaction takes its place in the learner's line, is acknowledged at once (Discord allows 3 seconds; the core may
take longer), then handled when its turn comes (``LearnerLocks``) and answered by follow-ups.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import discord

from adapters.discord.ordering import LearnerLocks
from adapters.discord.sender import NO_PINGS, DiscordSender, typing
from adapters.discord.signing import ComponentSigner
from adapters.discord.translate import ASK, Refused, from_command, from_message, from_press
from tutor.domain import Incoming, Reply
from tutor.messages import t

log = logging.getLogger(__name__)


class AssistantPort(Protocol):
    """What the adapter needs of the core: ``Assistant`` satisfies it."""

    async def handle(self, incoming: Incoming) -> list[Reply]: ...


class DiscordHandlers:
    """One handler per kind of event the assistant listens to."""

    def __init__(
        self,
        assistant: AssistantPort,
        sender: DiscordSender,
        signer: ComponentSigner,
        locks: LearnerLocks,
        default_lang: str,
    ) -> None:
        self.assistant = assistant
        self.sender = sender
        self.signer = signer
        self.locks = locks
        self.default_lang = default_lang

    async def on_message(self, message: discord.Message, bot_id: int) -> None:
        """A direct message, or a message that mentions the bot in a server channel: a question (or a /command)."""
        incoming = from_message(message, bot_id)
        if incoming is None:
            return
        try:
            async with self.locks.hold(message.author.id):
                async with typing(message.channel):
                    replies = await self.assistant.handle(incoming)
                await self._to_channel(message, replies, incoming.group)
        except discord.HTTPException as exc:
            log.warning("could not answer a message in channel %s: %s", message.channel.id, exc)

    async def on_command(self, interaction: discord.Interaction[Any]) -> None:
        """A slash command: acknowledged at once ('thinking…', ephemeral unless it asks the course in a server),
        then answered when the core has decided."""
        incoming = from_command(interaction)
        if incoming is None:
            return
        asks_the_course = dict(interaction.data or {}).get("name") == ASK
        ephemeral = incoming.group and not asks_the_course
        try:
            async with self.locks.reserve(interaction.user.id) as turn:
                await interaction.response.defer(ephemeral=ephemeral, thinking=True)
                await turn.wait()
                replies = await self.assistant.handle(incoming)
                await self.sender.to_interaction(interaction, replies, incoming.group, ephemeral)
        except discord.HTTPException as exc:
            log.warning("could not answer a slash command of user %s: %s", interaction.user.id, exc)

    async def on_press(self, interaction: discord.Interaction[Any]) -> None:
        """A button or a select: refused privately unless it is the presser's own; else its buttons are taken off the
        message (so that it cannot be answered twice) and the core's replies follow."""
        pressed = from_press(interaction, self.signer)
        try:
            if isinstance(pressed, Refused):
                await self._refuse(interaction, pressed)
                return
            async with self.locks.reserve(interaction.user.id) as turn:
                await interaction.response.edit_message(view=None)
                await turn.wait()
                replies = await self.assistant.handle(pressed)
                await self.sender.to_interaction(interaction, replies, pressed.group, None)
        except discord.HTTPException as exc:
            log.warning("could not answer a press of user %s: %s", interaction.user.id, exc)

    async def _refuse(self, interaction: discord.Interaction[Any], refused: Refused) -> None:
        log.info("refused a press (%s) from user %s", refused.reason, interaction.user.id)
        key = "discord_not_yours" if refused.reason == "not_yours" else "unknown_button"
        text = t(key, self._lang(refused.locale))
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)

    async def _to_channel(self, message: discord.Message, replies: list[Reply], group: bool) -> None:
        author = message.author
        shown = [reply for reply in replies if not (group and reply.private)]
        await self.sender.to_channel(message.channel, shown, author.id, message if group else None)
        private = [reply for reply in replies if group and reply.private]
        if not private:
            return
        try:
            channel = author.dm_channel or await author.create_dm()
            await self.sender.to_channel(channel, private, author.id, None)
        except discord.Forbidden:
            closed = [Reply(t("discord_dm_closed", self.default_lang))]
            await self.sender.to_channel(message.channel, closed, author.id, message)

    def _lang(self, locale: str | None) -> str:
        code = (locale or "")[:2].lower()
        return code if code in ("fr", "en") else self.default_lang
