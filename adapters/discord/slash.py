"""Slash commands mirroring the core's registry (``tutor.commands.COMMANDS``), with French and English names and
descriptions, plus ``/ask`` for a question in a server channel.

Every command takes one optional free-text value (what follows the command when typed: ``/reminder 08:30``), described
by the command's own description, since the registry does not say which commands take one. Commands are published
only by ``tutor discord sync`` (Discord limits how often they may change), never at each start.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import locale_str

from adapters.discord.translate import ASK
from tutor.commands import COMMANDS
from tutor.messages import MESSAGES, t

log = logging.getLogger(__name__)

OnCommand = Callable[[discord.Interaction[Any]], Awaitable[None]]
MAX_DESCRIPTION = 100  # Discord's limit for command and option descriptions
LANGUAGES = {
    discord.Locale.french: "fr",
    discord.Locale.american_english: "en",
    discord.Locale.british_english: "en",
}


class CourseTranslator(app_commands.Translator):
    """Names and descriptions from ``tutor.messages``: each ``locale_str`` carries its message key."""

    async def translate(
        self, string: locale_str, locale: discord.Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        """The text for this Discord locale, or None (Discord then shows the default)."""
        lang, key = LANGUAGES.get(locale), string.extras.get("key")
        if lang is None or key not in MESSAGES:
            return None
        return fit(t(key, lang))


def fit(text: str, limit: int = MAX_DESCRIPTION) -> str:
    """A description within Discord's limit."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def slash_commands(on_command: OnCommand, default_lang: str) -> list[app_commands.Command[Any, ..., None]]:
    """``/ask`` and one command per registered core command, in the registry's order."""
    names = {c.name for c in COMMANDS}
    commands = [] if ASK in names else [_ask(on_command, default_lang)]
    for command in COMMANDS:
        try:
            commands.append(_mirror(command.name, command.description_key, on_command, default_lang))
        except (ValueError, TypeError) as exc:  # a name Discord would refuse: the command stays typed-only
            log.warning("no slash command for /%s: %s", command.name, exc)
    return commands


def command_tree(client: discord.Client, on_command: OnCommand, default_lang: str) -> app_commands.CommandTree[Any]:
    """The client's command tree, holding the slash commands (synced separately)."""
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)
    for command in slash_commands(on_command, default_lang):
        tree.add_command(command)
    return tree


def _ask(on_command: OnCommand, default_lang: str) -> app_commands.Command[Any, ..., None]:
    async def ask(interaction: discord.Interaction[Any], question: str) -> None:
        await on_command(interaction)

    app_commands.rename(question=_name("question", "discord_name_option_question"))(ask)
    app_commands.describe(question=_text("discord_option_question", default_lang))(ask)
    return app_commands.Command(
        name=_name(ASK, f"discord_name_{ASK}"), description=_text("discord_cmd_ask", default_lang), callback=ask
    )


def _mirror(
    name: str, description_key: str, on_command: OnCommand, default_lang: str
) -> app_commands.Command[Any, ..., None]:
    async def run(interaction: discord.Interaction[Any], value: str | None = None) -> None:
        await on_command(interaction)

    app_commands.rename(value=_name("value", "discord_name_option_value"))(run)
    app_commands.describe(value=_text(description_key, default_lang))(run)
    return app_commands.Command(
        name=_name(name, f"discord_name_{name}"), description=_text(description_key, default_lang), callback=run
    )


def _name(name: str, key: str) -> locale_str:
    return locale_str(name, key=key)


def _text(key: str, default_lang: str) -> locale_str:
    return locale_str(fit(t(key, default_lang)), key=key)
