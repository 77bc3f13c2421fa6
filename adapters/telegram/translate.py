"""Telegram Updates -> the core's ``Incoming``; None for what is not addressed to the assistant."""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import CallbackQuery, Message, MessageEntity, PollAnswer, Update
from telegram.constants import ChatType

from adapters.telegram.signing import CallbackSigner
from tutor.domain import Incoming, Platform

PLATFORM: Platform = "telegram"


@dataclass(frozen=True)
class BotIdentity:
    """Who the bot is, to recognise mentions and replies in groups."""

    id: int
    username: str


def to_incoming(update: Update, me: BotIdentity, signer: CallbackSigner) -> Incoming | None:
    """What the learner did, or None if the update is not for the assistant (or a button fails its signature)."""
    if update.callback_query is not None:
        return from_callback(update.callback_query, signer)
    if update.poll_answer is not None:
        return from_poll_answer(update.poll_answer)
    if update.message is not None:
        return from_message(update.message, me)
    return None


def from_message(message: Message, me: BotIdentity) -> Incoming | None:
    """A text (or caption) from a learner; in groups only when the bot is addressed."""
    user = message.from_user
    if user is None or user.is_bot or message.sender_chat is not None:
        return None  # channels, anonymous admins and other bots are not learners
    text = _addressed_text(message, me)
    if text is None:
        return None
    group = message.chat.type != ChatType.PRIVATE
    return Incoming(PLATFORM, str(user.id), str(message.chat.id), text=text, locale=user.language_code, group=group)


def from_callback(query: CallbackQuery, signer: CallbackSigner) -> Incoming | None:
    """A button press whose signature holds for the user who pressed it."""
    data = signer.verify(query.from_user.id, query.data or "")
    if data is None:
        return None
    chat = query.message.chat if query.message is not None else None
    chat_id = chat.id if chat is not None else query.from_user.id
    group = chat is not None and chat.type != ChatType.PRIVATE
    locale = query.from_user.language_code
    return Incoming(PLATFORM, str(query.from_user.id), str(chat_id), button=data, locale=locale, group=group)


def from_poll_answer(answer: PollAnswer) -> Incoming | None:
    """An option chosen in a native quiz poll; feedback goes to the learner's private chat."""
    user = answer.user
    if user is None or not answer.option_ids:
        return None  # an anonymous voter, or a retracted vote
    return Incoming(
        PLATFORM,
        str(user.id),
        str(user.id),
        poll_id=answer.poll_id,
        poll_option=answer.option_ids[0],
        locale=user.language_code,
    )


def _addressed_text(message: Message, me: BotIdentity) -> str | None:
    text = message.text or message.caption or ""
    if message.chat.type == ChatType.PRIVATE:
        return strip_mention(text, me.username)
    if text.startswith("/"):
        # Telegram sends a bare /cmd to every bot in the group, /cmd@name only to that bot.
        _, at, target = text.split(maxsplit=1)[0].partition("@")
        return strip_mention(text, me.username) if not at or target.lower() == me.username.lower() else None
    if _mentions(message, me) or _replies_to_bot(message, me):
        return strip_mention(text, me.username)
    return None


def _mentions(message: Message, me: BotIdentity) -> bool:
    kinds: list[str | None] = [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    entities = message.parse_entities(kinds) if message.text else message.parse_caption_entities(kinds)
    for entity, text in entities.items():
        if entity.type == MessageEntity.MENTION and text[1:].lower() == me.username.lower():
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == me.id:
            return True
    return False


def _replies_to_bot(message: Message, me: BotIdentity) -> bool:
    original = message.reply_to_message
    return original is not None and original.from_user is not None and original.from_user.id == me.id


def strip_mention(text: str, username: str) -> str:
    """The text without ``@username`` (also in ``/cmd@username``) and the separators left at its start."""
    if not username:
        return text
    stripped = re.sub(rf"@{re.escape(username)}\b", "", text, flags=re.IGNORECASE)
    return re.sub(r"^[\s,:;]+", "", stripped).strip() if stripped != text else text
