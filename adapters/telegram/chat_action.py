"""'typing…' while the core works: Telegram shows a chat action for about 5 seconds, so it is re-sent every 4."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError

log = logging.getLogger(__name__)

TYPING_EVERY_S = 4.0


@contextlib.asynccontextmanager
async def typing(bot: Bot, chat_id: int, every: float = TYPING_EVERY_S) -> AsyncIterator[None]:
    """Shows 'typing…' in the chat until the block ends; a failure to show it never stops the reply."""
    task = asyncio.create_task(_keep_typing(bot, chat_id, every))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _keep_typing(bot: Bot, chat_id: int, every: float) -> None:
    while True:
        try:
            await bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as exc:
            log.debug("could not show typing in %s: %s", chat_id, exc)
        await asyncio.sleep(every)
