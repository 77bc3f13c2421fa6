"""Discord messages and interactions -> the core's ``Incoming``; None for what is not addressed to the assistant."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import discord

from adapters.discord.signing import ComponentSigner, Refusal
from tutor.domain import Incoming, Platform

PLATFORM: Platform = "discord"
ASK = "ask"  # the slash command for a question (the core has no command for it: any text is a question)
LEARNER_MESSAGES = (discord.MessageType.default, discord.MessageType.reply)


@dataclass(frozen=True)
class Refused:
    """A press that is not the presser's to make (``not_yours``) or whose state was altered (``invalid``)."""

    reason: Refusal
    locale: str | None


def from_message(message: discord.Message, bot_id: int) -> Incoming | None:
    """A text from a learner: any in a direct message, in a server channel only when it mentions the bot."""
    author = message.author
    if author.bot or message.webhook_id is not None or message.type not in LEARNER_MESSAGES:
        return None  # other bots, webhooks, and system messages (joins, pins) are not learners
    direct = in_direct_messages(message.channel)
    if not direct and not any(user.id == bot_id for user in message.mentions):
        return None
    text = message.content if direct else strip_mention(message.content, bot_id)
    return Incoming(PLATFORM, str(author.id), str(message.channel.id), text=text, group=not direct)


def from_command(interaction: discord.Interaction[Any]) -> Incoming | None:
    """A slash command: ``/ask`` is a question, any other is the core's command of the same name with its value."""
    data: dict[str, Any] = dict(interaction.data or {})
    name = str(data.get("name", ""))
    if interaction.type is not discord.InteractionType.application_command or not name:
        return None
    values = [str(option["value"]) for option in data.get("options", []) if "value" in option]
    # /ask's text is a question, even one that starts with a slash; another command is typed as the core reads it
    text = " ".join(values).lstrip("/ ") if name == ASK else " ".join([f"/{name}", *values])
    return _incoming(interaction, text=text)


def from_press(interaction: discord.Interaction[Any], signer: ComponentSigner) -> Incoming | Refused:
    """A button press or a select choice, if it is the presser's own and unaltered."""
    data: dict[str, Any] = dict(interaction.data or {})
    values = [str(value) for value in data.get("values", [])]
    verdict = signer.read(str(data.get("custom_id", "")), values, interaction.user.id)
    if verdict.data is None:
        return Refused(verdict.refusal or "invalid", _locale(interaction))
    return _incoming(interaction, button=verdict.data)


def _incoming(interaction: discord.Interaction[Any], *, text: str = "", button: str | None = None) -> Incoming:
    group = interaction.guild_id is not None or interaction.context.private_channel
    chat = interaction.channel_id or interaction.user.id
    return Incoming(
        PLATFORM,
        str(interaction.user.id),
        str(chat),
        text=text,
        button=button,
        locale=_locale(interaction),
        group=group,
    )


def _locale(interaction: discord.Interaction[Any]) -> str | None:
    return str(interaction.locale.value) if interaction.locale else None


def in_direct_messages(channel: object) -> bool:
    """Whether a message's channel is the learner's direct messages with the bot (no one else reads it)."""
    if isinstance(channel, discord.DMChannel):
        return True
    return isinstance(channel, discord.PartialMessageable) and channel.type is discord.ChannelType.private


def strip_mention(text: str, bot_id: int) -> str:
    """The text without the bot's mention (``<@id>`` or ``<@!id>``) and the separators left at its start."""
    stripped = re.sub(rf"\s*<@!?{bot_id}>", "", text)
    return re.sub(r"^[\s,:;]+", "", stripped).strip()
