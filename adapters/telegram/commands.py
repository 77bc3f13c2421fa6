"""The command menu (setMyCommands) in French and English, from the core's list of commands."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand
from telegram.error import TelegramError

from tutor.commands import COMMANDS

log = logging.getLogger(__name__)

MENU_LANGUAGES = ("fr", "en")


def bot_commands(lang: str) -> list[BotCommand]:
    """The menu in one language."""
    return [BotCommand(c.name, c.description(lang)) for c in COMMANDS]


async def publish_commands(bot: Bot, default_lang: str) -> None:
    """One menu per language, and the default language's for every other client language."""
    try:
        for lang in MENU_LANGUAGES:
            await bot.set_my_commands(bot_commands(lang), language_code=lang)
        await bot.set_my_commands(bot_commands(default_lang))
    except TelegramError as exc:  # the bot works without a menu
        log.warning("could not publish the command menu: %s", exc)
