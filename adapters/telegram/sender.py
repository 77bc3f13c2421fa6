"""Sends rendered replies through the Bot API: HTML messages, inline keyboards, native quiz polls."""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol, TypeVar, cast

from telegram import Bot, LinkPreviewOptions, Message, Poll, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

from adapters.telegram.render import Outgoing, QuizMessage, TextMessage, render
from adapters.telegram.signing import CallbackSigner
from adapters.telegram.translate import PLATFORM
from tutor.domain import Reply

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_RETRY_WAIT_S = 60.0  # a longer flood wait fails the send instead of holding the learner's queue


class PollRegistry(Protocol):
    """The part of the core that learns which platform poll shows which quiz question."""

    async def poll_sent(self, platform: str, poll_id: str, learner_id: str, token: str) -> None: ...


@dataclass(frozen=True)
class Target:
    """Where replies go: the chat, the learner whose buttons and polls they are, the message answered (groups)."""

    chat_id: int
    user_id: int
    reply_to: int | None = None


class TelegramSender:
    """Renders replies for a learner and sends them; Bot API errors propagate (after one wait on RetryAfter)."""

    def __init__(
        self,
        bot: Bot,
        signer: CallbackSigner,
        polls: PollRegistry,
        quiz_mode: str = "buttons",
        max_retry_wait: float = MAX_RETRY_WAIT_S,
    ) -> None:
        self.bot = bot
        self.signer = signer
        self.polls = polls
        self.quiz_mode = quiz_mode
        self.max_retry_wait = max_retry_wait

    def render(self, replies: Sequence[Reply], user_id: int) -> list[Outgoing]:
        """Every message that shows these replies, in order."""
        return [message for reply in replies for message in render(reply, self.signer, user_id, self.quiz_mode)]

    async def send(self, target: Target, replies: Sequence[Reply]) -> None:
        """Sends all the replies; in a group the first message answers the learner's message."""
        for n, message in enumerate(self.render(replies, target.user_id)):
            await self.deliver(target, message, first=n == 0)

    async def deliver(self, target: Target, message: Outgoing, first: bool = True) -> Message:
        """One Bot API call (and, for a quiz poll, telling the core its poll id)."""
        reply_to = ReplyParameters(target.reply_to, allow_sending_without_reply=True) if target.reply_to else None
        reply_parameters = reply_to if first else None
        if isinstance(message, TextMessage):
            return await self._with_retry(
                lambda: self.bot.send_message(
                    target.chat_id,
                    message.html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=message.keyboard,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                    reply_parameters=reply_parameters,
                )
            )
        return await self._send_quiz(target, message, reply_parameters)

    async def _send_quiz(self, target: Target, quiz: QuizMessage, reply_parameters: ReplyParameters | None) -> Message:
        sent = await self._with_retry(
            lambda: self.bot.send_poll(
                target.chat_id,
                quiz.question,
                list(quiz.options),
                is_anonymous=False,
                type=Poll.QUIZ,
                correct_option_ids=cast(Any, [quiz.correct_option]),  # PTB types it as literals 0-11
                explanation=quiz.explanation or None,
                reply_parameters=reply_parameters,
            )
        )
        if sent.poll is not None:
            await self.polls.poll_sent(
                platform=PLATFORM, poll_id=sent.poll.id, learner_id=str(target.user_id), token=quiz.token
            )
        return sent

    async def _with_retry(self, call: Callable[[], Awaitable[T]]) -> T:
        """Honours one flood-control answer: waits as told, then tries once more."""
        try:
            return await call()
        except RetryAfter as exc:
            wait = retry_after_seconds(exc)
            if wait > self.max_retry_wait:
                raise
            log.info("Telegram flood control: retrying in %.1f s", wait)
            await asyncio.sleep(wait)
            return await call()


def retry_after_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for, whether PTB gives it as seconds or (PTB_TIMEDELTA) as a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
