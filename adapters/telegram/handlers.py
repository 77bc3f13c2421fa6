"""PTB handlers: translate the update, let the core decide, send what it says."""

from __future__ import annotations

import logging
from typing import Protocol

from telegram import Bot, CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, PollAnswerHandler, filters

from adapters.telegram.chat_action import typing
from adapters.telegram.sender import PollRegistry, Target, TelegramSender
from adapters.telegram.signing import CallbackSigner
from adapters.telegram.translate import BotIdentity, from_callback, from_message, from_poll_answer
from tutor.domain import Incoming, Reply
from tutor.messages import t

log = logging.getLogger(__name__)


class AssistantPort(PollRegistry, Protocol):
    """What the adapter needs of the core: ``Assistant`` satisfies it."""

    async def handle(self, incoming: Incoming) -> list[Reply]: ...


class TelegramHandlers:
    """One handler per kind of update the assistant listens to."""

    def __init__(
        self, assistant: AssistantPort, sender: TelegramSender, signer: CallbackSigner, default_lang: str
    ) -> None:
        self.assistant = assistant
        self.sender = sender
        self.signer = signer
        self.default_lang = default_lang

    def register(self, application: Application) -> None:  # type: ignore[type-arg]
        """Adds the handlers (and an error logger) to the application."""
        application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL, self.on_message))
        application.add_handler(CallbackQueryHandler(self.on_callback))
        application.add_handler(PollAnswerHandler(self.on_poll_answer))
        application.add_error_handler(self.on_error)

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A text or a command; in groups only when the bot is mentioned or replied to."""
        message = update.message
        if message is None or message.from_user is None:
            return
        incoming = from_message(message, BotIdentity(context.bot.id, context.bot.username))
        if incoming is None:
            return
        in_group = message.chat.type != ChatType.PRIVATE
        target = Target(message.chat.id, message.from_user.id, message.message_id if in_group else None)
        await self._respond(context.bot, incoming, target, self._lang(message.from_user.language_code))

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button press: always answered; refused unless signed for this user; its keyboard then removed."""
        query = update.callback_query
        if query is None:
            return
        incoming = from_callback(query, self.signer)
        if incoming is None:
            log.info("refused a button with a bad signature from user %s", query.from_user.id)
            await self._answer(query, t("unknown_button", self._lang(query.from_user.language_code)))
            return
        await self._answer(query)
        await self._remove_keyboard(context.bot, query)
        target = Target(int(incoming.chat_id), query.from_user.id)
        await self._respond(context.bot, incoming, target, self._lang(query.from_user.language_code))

    async def on_poll_answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An option chosen in a native quiz poll; the feedback goes to the learner's private chat."""
        answer = update.poll_answer
        incoming = from_poll_answer(answer) if answer is not None else None
        if incoming is None:
            return
        user_id = int(incoming.learner_id)
        await self._respond(context.bot, incoming, Target(user_id, user_id), self._lang(incoming.locale))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Errors of the adapter itself (the core never raises): logged, the bot carries on."""
        update_id = update.update_id if isinstance(update, Update) else None  # never the message text
        log.error("Telegram update %s failed", update_id, exc_info=context.error)

    async def _respond(self, bot: Bot, incoming: Incoming, target: Target, lang: str) -> None:
        async with typing(bot, target.chat_id):
            replies = await self.assistant.handle(incoming)
        await self._send(target, [reply for reply in replies if not reply.private])
        private = [reply for reply in replies if reply.private]
        if private:
            await self._send_private(bot, target, private, lang)

    async def _send(self, target: Target, replies: list[Reply]) -> bool:
        try:
            await self.sender.send(target, replies)
        except TelegramError as exc:
            log.warning("could not send the reply to chat %s: %s", target.chat_id, exc)
            return False
        return True

    async def _send_private(self, bot: Bot, target: Target, replies: list[Reply], lang: str) -> None:
        """To the learner's private chat; a bot cannot open one, so a learner who never wrote to it is told how."""
        private = Target(target.user_id, target.user_id)
        try:
            await self.sender.send(private, replies)
        except Forbidden:
            link = f"https://t.me/{bot.username}"
            await self._send(target, [Reply(t("open_private_chat", lang, link=link))])
        except TelegramError as exc:
            log.warning("could not send a private reply to user %s: %s", target.user_id, exc)

    async def _answer(self, query: CallbackQuery, alert: str | None = None) -> None:
        try:
            await query.answer(alert, show_alert=alert is not None)
        except TelegramError as exc:  # too old: the press is still handled
            log.info("could not answer a callback query: %s", exc)

    async def _remove_keyboard(self, bot: Bot, query: CallbackQuery) -> None:
        """So that a question cannot be answered twice from the same message."""
        message = query.message
        if not isinstance(message, Message):
            return  # inaccessible (too old) or sent inline
        try:
            await bot.edit_message_reply_markup(message.chat.id, message.message_id, reply_markup=None)
        except TelegramError as exc:
            log.debug("could not remove a keyboard: %s", exc)

    def _lang(self, language_code: str | None) -> str:
        code = (language_code or "")[:2].lower()
        return code if code in ("fr", "en") else self.default_lang
