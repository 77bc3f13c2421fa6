"""Pushes the learner did not ask for (reminders, a tutor's message), sent through Telegram."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from adapters.telegram.sender import PollRegistry, Target, TelegramSender
from adapters.telegram.settings import TelegramSettings
from adapters.telegram.signing import CallbackSigner
from tutor.domain import Delivery, Recipient, Reply

log = logging.getLogger(__name__)


class TelegramOutbox:
    """The core's ``Outbox`` for Telegram.

    Give it the Application's bot (``application.bot``) so that pushes share its rate limiter with the replies.
    """

    def __init__(self, sender: TelegramSender) -> None:
        self.sender = sender

    @classmethod
    def for_bot(cls, bot: Bot, polls: PollRegistry, settings: TelegramSettings) -> TelegramOutbox:
        """An outbox on this bot, signing buttons and showing quizzes as the settings say."""
        signer = CallbackSigner.from_settings(settings.callback_secret, settings.token)
        return cls(TelegramSender(bot, signer, polls, settings.quiz_mode))

    async def send(self, recipient: Recipient, replies: Sequence[Reply]) -> Delivery:
        """SENT once the push went out, UNREACHABLE if the learner blocked the bot, FAILED on other errors."""
        if recipient.platform != "telegram":
            raise ValueError(f"a {recipient.platform} recipient reached the Telegram outbox")
        target = Target(int(recipient.chat_id), int(recipient.learner_id))
        sent = 0
        try:
            for message in self.sender.render(replies, target.user_id):
                await self.sender.deliver(target, message)
                sent += 1
        except Forbidden as exc:  # blocked, kicked, deactivated
            log.info("learner %s is unreachable on Telegram: %s", recipient.learner_id, exc)
            return Delivery.UNREACHABLE
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                return Delivery.UNREACHABLE
            return self._failed(recipient, sent, exc)
        except TelegramError as exc:
            return self._failed(recipient, sent, exc)
        return Delivery.SENT

    @staticmethod
    def _failed(recipient: Recipient, sent: int, exc: TelegramError) -> Delivery:
        # Part of the push went out: report it sent, as a retry would repeat that part.
        log.warning("push to %s failed after %d message(s): %s", recipient.learner_id, sent, exc)
        return Delivery.SENT if sent else Delivery.FAILED
