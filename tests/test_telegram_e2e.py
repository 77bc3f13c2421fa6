"""End to end: the unmodified adapter, long-polling a fake Bot API on 127.0.0.1, over the real core on fakes."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from telegram.error import BadRequest
from telegram.ext import Application

from adapters.telegram.app import ALLOWED_UPDATES, build_application
from adapters.telegram.outbox import TelegramOutbox
from adapters.telegram.sender import Target, TelegramSender
from adapters.telegram.settings import TelegramSettings
from adapters.telegram.signing import CallbackSigner
from entrypoints.bootstrap import App
from tests.fakes import FixedClock
from tests.telegram_fake_server import (
    BOT_USERNAME,
    TOKEN,
    ApiError,
    FakeTelegram,
    polling,
    private_message,
    user,
)
from tutor.domain import Button, Delivery, Incoming, Recipient, Reply
from tutor.messages import t
from tutor.reminders.dispatcher import DispatchRules, ReminderDispatcher
from tutor.reminders.rate_limit import NoRateLimit

GROUP_ID = -1001987654321
GROUP: dict[str, Any] = {"id": GROUP_ID, "title": "CAIRE L1 — groupe B", "type": "supergroup"}


class SeenAssistant:
    """The real assistant, with a record of what reached it."""

    def __init__(self, app: App) -> None:
        self.assistant = app.assistant
        self.seen: list[Incoming] = []

    async def handle(self, incoming: Incoming) -> list[Reply]:
        self.seen.append(incoming)
        return await self.assistant.handle(incoming)

    async def poll_sent(self, platform: str, poll_id: str, learner_id: str, token: str) -> None:
        await self.assistant.poll_sent(platform=platform, poll_id=poll_id, learner_id=learner_id, token=token)


@dataclass
class Bot:
    fake: FakeTelegram
    application: Application  # type: ignore[type-arg]
    assistant: SeenAssistant
    settings: TelegramSettings
    app: App


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def bot(app: App, fake: FakeTelegram) -> AsyncIterator[Bot]:
    settings = TelegramSettings(_env_file=None, token=TOKEN, api_url=fake.base_url)
    assistant = SeenAssistant(app)
    async with polling(build_application(assistant, settings), ALLOWED_UPDATES) as application:
        yield Bot(fake, application, assistant, settings, app)


def visible(sent_html: str) -> str:
    return html.unescape(re.sub(r"</?\w+[^>]*>", "", sent_html))


def keyboard(call_params: dict[str, Any]) -> dict[str, str]:
    """Button label -> callback data."""
    rows = call_params["reply_markup"]["inline_keyboard"]
    return {b["text"]: b["callback_data"] for row in rows for b in row}


def group_message(sender: dict[str, Any], text: str, message_id: int, mention: bool = False) -> dict[str, Any]:
    message: dict[str, Any] = {"message_id": message_id, "from": sender, "chat": GROUP, "date": 1763975000}
    message["text"] = text
    if mention:
        message["entities"] = [{"offset": 0, "length": len(BOT_USERNAME) + 1, "type": "mention"}]
    return {"message": message}


async def test_start_question_and_button_press(bot: Bot) -> None:
    fake = bot.fake
    alice = user(1001, "Alice", "fr")
    assert set(fake.commands) == {"", "fr", "en"}  # the menu, published at start-up
    assert [c["command"] for c in fake.commands["en"]][:2] == ["start", "help"]

    fake.push(private_message(alice, "/start"))
    (welcome,) = await fake.wait_for("sendMessage", 1001)
    assert welcome.params["parse_mode"] == "HTML"
    assert "l'assistant CAIRE" in welcome.params["text"]
    assert list(keyboard(welcome.params)) == ["Français", "English", "Niveau 1", "Niveau 2", "Niveau 3"]
    assert fake.calls_to("sendChatAction", 1001)[0].params["action"] == "typing"

    fake.push(private_message(alice, "C'est quoi le biais d'automatisation ?", message_id=2))
    answer = (await fake.wait_for("sendMessage", 1001, count=2))[-1].params["text"]
    assert answer.startswith("D'après le cours")
    assert "<b>Sources</b>\n[1] Module d'essai : les biais — Le biais d'automatisation" in answer
    assert "suivre la suggestion d'une machine" in answer

    fake.push(fake.new_callback(alice, welcome.result, keyboard(welcome.params)["English"]))
    (pressed,) = await fake.wait_for("answerCallbackQuery")
    assert not pressed.params.get("show_alert") and not pressed.params.get("text")
    (edit,) = await fake.wait_for("editMessageReplyMarkup", 1001)
    assert edit.params["message_id"] == welcome.result["message_id"] and "reply_markup" not in edit.params
    assert "reply_markup" not in fake.messages[(1001, welcome.result["message_id"])]
    switched = (await fake.wait_for("sendMessage", 1001, count=3))[-1].params["text"]
    assert switched == t("lang_set", "en")
    assert bot.assistant.seen[-1] == Incoming("telegram", "1001", "1001", button="lang:en", locale="fr")


async def test_group_chat_mentions_and_refused_buttons(bot: Bot) -> None:
    fake = bot.fake
    nadia, hugo = user(2001, "Nadia", "fr"), user(2002, "Hugo", "en")
    fake.push(group_message(hugo, "Quelqu'un a compris le biais d'automatisation ?", 10))
    fake.push(group_message(nadia, f"@{BOT_USERNAME} c'est quoi le biais d'automatisation ?", 11, mention=True))
    (answer,) = await fake.wait_for("sendMessage", GROUP_ID)
    assert answer.params["reply_parameters"]["message_id"] == 11
    assert "suivre la suggestion d'une machine" in answer.params["text"]
    assert [i.text for i in bot.assistant.seen] == ["c'est quoi le biais d'automatisation ?"]  # Hugo's never reached it

    fake.push(group_message(nadia, f"/start@{BOT_USERNAME}", 12))  # personal: answered in private
    notice, invite = (await fake.wait_for("sendMessage", GROUP_ID, count=3))[1:]
    assert visible(notice.params["text"]) == t("sent_in_private", "fr")
    assert f"https://t.me/{BOT_USERNAME}" in invite.params["text"]  # a bot cannot open a private chat itself

    fake.add_private_chat(nadia)
    fake.push(group_message(nadia, f"/start@{BOT_USERNAME}", 13))
    (welcome,) = await fake.wait_for("sendMessage", 2001)
    buttons = keyboard(welcome.params)
    seen_before = len(bot.assistant.seen)

    fake.push(fake.new_callback(hugo, welcome.result, buttons["English"]))  # made for Nadia
    signature = buttons["Niveau 1"].split("|")[0]
    fake.push(fake.new_callback(nadia, welcome.result, f"{signature}|level:3"))  # tampered
    refused = await fake.wait_for("answerCallbackQuery", count=2)
    assert [(c.params.get("show_alert"), c.params.get("text")) for c in refused] == [
        (True, t("unknown_button", "en")),
        (True, t("unknown_button", "fr")),
    ]
    assert len(bot.assistant.seen) == seen_before  # neither reached the core
    assert not fake.calls_to("editMessageReplyMarkup") and len(fake.calls_to("sendMessage", 2001)) == 1

    fake.push(fake.new_callback(nadia, welcome.result, buttons["Niveau 1"]))
    await fake.wait_for("editMessageReplyMarkup", 2001)
    await fake.wait_for("sendMessage", 2001, count=2)
    assert bot.assistant.seen[-1] == Incoming("telegram", "2001", "2001", button="level:1", locale="fr")


async def test_outbox_pushes_and_reports_blocked_learners(bot: Bot) -> None:
    fake = bot.fake
    chloe, dan, eve = user(3001, "Chloé"), user(3002, "Dan"), user(3003, "Eve")
    for learner in (chloe, dan, eve):
        fake.add_private_chat(learner)
    fake.blocked.add(3002)
    outbox = TelegramOutbox.for_bot(bot.application.bot, bot.assistant, bot.settings)
    reminder = Reply("Vous avez 3 questions à revoir aujourd'hui.", buttons=(Button("Commencer", "quiz:start"),))

    assert await outbox.send(Recipient("telegram", "3001", "3001"), [reminder]) == Delivery.SENT
    (push,) = fake.calls_to("sendMessage", 3001)
    assert push.params["text"] == html.escape(reminder.text, quote=False)
    signer = CallbackSigner.from_settings(None, TOKEN)
    assert signer.verify(3001, keyboard(push.params)["Commencer"]) == "quiz:start"

    fake.flood("sendMessage", retry_after=1)
    assert await outbox.send(Recipient("telegram", "3001", "3001"), [reminder]) == Delivery.SENT
    assert [c.error is None for c in fake.calls if c.method == "sendMessage"] == [True, False, True]  # waited, resent

    assert await outbox.send(Recipient("telegram", "3002", "3002"), [reminder]) == Delivery.UNREACHABLE  # 403
    assert await outbox.send(Recipient("telegram", "3999", "3999"), [reminder]) == Delivery.UNREACHABLE  # never met
    fake.fail_next("sendMessage", ApiError(502, "Bad Gateway"))
    assert await outbox.send(Recipient("telegram", "3003", "3003"), [reminder]) == Delivery.FAILED


async def test_a_10000_character_reply_is_sent_in_parts_within_the_limit(bot: Bot) -> None:
    fake = bot.fake
    fake.add_private_chat(user(4001, "Inès"))
    paragraphs = [f"§{n} " + ("Le biais d'automatisation <est> un risque & un sujet. " * 24).strip() for n in range(8)]
    reply = Reply("\n\n".join(paragraphs), buttons=(Button("Suite", "quiz:next"),))
    assert len(reply.text) > 10_000
    sender = TelegramSender(bot.application.bot, CallbackSigner.from_settings(None, TOKEN), bot.assistant)

    await sender.send(Target(4001, 4001), [reply])

    parts = fake.calls_to("sendMessage", 4001)  # the fake refuses any part over 4096 characters
    assert [visible(p.params["text"]).count("§") for p in parts] == [3, 3, 2]
    assert "\n\n".join(visible(p.params["text"]) for p in parts) == reply.text.strip()
    assert ["reply_markup" in p.params for p in parts] == [False, False, True]


async def test_the_fake_enforces_telegram_limits(bot: Bot) -> None:
    fake, api = bot.fake, bot.application.bot
    for n in range(4):
        fake.add_private_chat(user(5000 + n, "Léo"))
    with pytest.raises(BadRequest, match="(?i)too long"):
        await api.send_message(5000, "x" * 4097)
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        too_long = {"inline_keyboard": [[{"text": "b", "callback_data": "d" * 65}]]}
        await api.send_message(5001, "ok", reply_markup=too_long)
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await api.send_message(5002, "a < b", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)explanation"):
        await api.send_poll(5003, "Q ?", ["a", "b"], type="quiz", correct_option_ids=[0], explanation="e" * 201)


def _question_of(call_params: dict[str, Any]) -> tuple[str, dict[str, str]]:
    return visible(call_params["text"]), keyboard(call_params)


async def test_quiz_by_buttons_over_the_real_core(bot: Bot) -> None:
    fake = bot.fake
    fake.push(private_message(user(7001, "Zoé", "fr"), "/quiz"))
    (question,) = await fake.wait_for("sendMessage", 7001)
    text, buttons = _question_of(question.params)
    assert text.startswith("Question 1/3")
    option = next(label for label, data in buttons.items() if signed_action(data).startswith("q:"))

    press = fake.new_callback(user(7001, "Zoé", "fr"), question.result, buttons[option])
    fake.push(press)
    await fake.wait_for("editMessageReplyMarkup", 7001)  # the question can no longer be answered from its message
    feedback = (await fake.wait_for("sendMessage", 7001, count=2))[-1].params["text"]
    assert visible(feedback).startswith(("✅", "❌")), feedback
    assert "[1]" in feedback  # the section it comes from

    fake.push(fake.new_callback(user(7001, "Zoé", "fr"), question.result, buttons[option]))  # a double click
    stale = (await fake.wait_for("sendMessage", 7001, count=3))[-1].params["text"]
    assert visible(stale) == t("quiz_already", "fr")
    assert await asyncio.to_thread(_reviews, bot, "7001") == 1  # recorded once


def signed_action(callback_data: str) -> str:
    return callback_data.split("|", 1)[1]


def _reviews(bot: Bot, learner_id: str) -> int:
    from sqlalchemy import func, select

    from tutor.store.models import Learner, ReviewLog

    with bot.app.sessions() as session:
        learner = session.scalar(select(Learner.id).where(Learner.platform_user_id == learner_id))
        return int(session.scalar(select(func.count()).select_from(ReviewLog).where(ReviewLog.learner_id == learner)))


async def test_quiz_poll_answered_over_the_real_core(app: App, fake: FakeTelegram) -> None:
    settings = TelegramSettings(_env_file=None, token=TOKEN, api_url=fake.base_url, quiz_mode="poll")
    async with polling(build_application(app.assistant, settings), ALLOWED_UPDATES):
        learner = user(7101, "Malo", "fr")
        fake.push(private_message(learner, "/quiz"))
        sent = await _first_question(fake, 7101)
        if sent.method == "sendMessage":  # a short-answer item comes first: type it, then the next is a poll
            fake.push(private_message(learner, "je ne sais pas", message_id=2))
            await fake.wait_for("sendMessage", 7101, count=2)
            fake.push(private_message(learner, "/quiz", message_id=3))
            sent = await _first_question(fake, 7101, polls=1, messages=3)
        poll = sent.result["poll"]
        assert (sent.params["type"], sent.params["is_anonymous"]) == ("quiz", False)
        chosen = poll["correct_option_ids"][0]
        answer = {"poll_id": poll["id"], "user": learner, "option_ids": [chosen]}
        answer["option_persistent_ids"] = [str(chosen)]
        fake.push({"poll_answer": answer})
        feedback = await fake.wait_for("sendMessage", 7101, count=len(fake.calls_to("sendMessage", 7101)) + 1)
        assert visible(feedback[-1].params["text"]).startswith(t("quiz_correct", "fr"))


async def _first_question(fake: FakeTelegram, chat: int, polls: int = 0, messages: int = 0) -> Any:
    """The next question sent: a poll for multiple choice, a message for a typed answer."""
    for _ in range(500):
        new_polls = fake.calls_to("sendPoll", chat)
        if len(new_polls) > polls:
            return new_polls[-1]
        new_messages = fake.calls_to("sendMessage", chat)
        if len(new_messages) > messages:
            return new_messages[-1]
        await asyncio.sleep(0.01)
    raise AssertionError("no question sent")


async def test_a_reminder_pushed_by_the_real_dispatcher_starts_a_quiz(bot: Bot, clock: FixedClock) -> None:
    fake = bot.fake
    learner = user(7201, "Lina", "fr")
    fake.push(private_message(learner, "/reminder 10:30"))
    await fake.wait_for("sendMessage", 7201)
    outbox = TelegramOutbox.for_bot(bot.application.bot, bot.assistant, bot.settings)
    rules = DispatchRules(platforms=("telegram",))
    dispatcher = ReminderDispatcher(bot.app.sessions, outbox, clock, NoRateLimit(), rules, "tg")
    clock.advance(hours=1)  # 11:00 in Paris
    assert (await dispatcher.tick()).sent == 1
    assert (await dispatcher.tick()).sent == 0  # once a day
    reminder = fake.calls_to("sendMessage", 7201)[-1]
    start = keyboard(reminder.params)
    (label,) = start
    fake.push(fake.new_callback(learner, reminder.result, start[label]))
    question = (await fake.wait_for("sendMessage", 7201, count=3))[-1]
    assert visible(question.params["text"]).startswith("Question 1/3")
