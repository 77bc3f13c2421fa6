"""Native quiz polls: sendPoll as Bot API 10 / PTB 22.8 want it, ``poll_sent`` reported, poll answers -> Incoming.

The core's side of polls is exercised elsewhere; here a stand-in with ``handle`` and ``poll_sent`` plays the assistant.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.telegram.app import ALLOWED_UPDATES, build_application
from adapters.telegram.settings import TelegramSettings
from tests.telegram_fake_server import TOKEN, FakeTelegram, polling, private_message, user
from tutor.domain import Button, Incoming, QuizPoll, Reply

EXPLANATION = "Le biais d'automatisation : suivre la machine même quand elle se trompe. " * 5  # > 200 characters
POLL = QuizPoll(
    "Qu'est-ce que le biais d'automatisation ?",
    ("Une panne de l'IA", "Suivre une machine même quand elle se trompe", "Un biais des données"),
    1,
    EXPLANATION,
    "tok-7",
)


class StandInTutor:
    """Answers any text with a quiz question and any poll answer with feedback; records what it is told."""

    def __init__(self) -> None:
        self.handled: list[Incoming] = []
        self.polls: list[tuple[str, str, str, str]] = []

    async def handle(self, incoming: Incoming) -> list[Reply]:
        self.handled.append(incoming)
        if incoming.poll_id is not None:
            return [Reply("Bonne réponse !")]
        buttons = tuple(Button(chr(65 + n), f"q:tok-7:{n}") for n in range(3))
        return [Reply("Question 1/1\n\n" + POLL.question, buttons=buttons, poll=POLL)]

    async def poll_sent(self, platform: str, poll_id: str, learner_id: str, token: str) -> None:
        self.polls.append((platform, poll_id, learner_id, token))


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.close()


async def test_poll_mode_sends_a_native_quiz_and_routes_its_answer(tmp_path: Path, fake: FakeTelegram) -> None:
    assistant = StandInTutor()
    settings = TelegramSettings(_env_file=None, token=TOKEN, api_url=fake.base_url, quiz_mode="poll")
    async with polling(build_application(assistant, settings), ALLOWED_UPDATES):
        learner = user(6001, "Maya", "fr")
        fake.push(private_message(learner, "/quiz"))
        (sent,) = await fake.wait_for("sendPoll", 6001)
        params = sent.params
        assert (params["type"], params["is_anonymous"], params["correct_option_ids"]) == ("quiz", False, [1])
        assert params["question"] == POLL.question
        assert [o["text"] for o in params["options"]] == list(POLL.options)
        assert len(params["explanation"]) <= 200 and params["explanation"].startswith("Le biais d'automatisation")
        assert not fake.calls_to("sendMessage", 6001)  # the poll replaces the text and its buttons
        poll_id = sent.result["poll"]["id"]
        assert assistant.polls == [("telegram", poll_id, "6001", "tok-7")]

        answer = {"poll_id": poll_id, "user": learner, "option_ids": [1], "option_persistent_ids": ["1"]}
        fake.push({"poll_answer": answer})
        (feedback,) = await fake.wait_for("sendMessage", 6001)
        assert feedback.params["text"] == "Bonne réponse !"
        assert assistant.handled[-1] == Incoming(
            "telegram", "6001", "6001", poll_id=poll_id, poll_option=1, locale="fr"
        )


async def test_buttons_mode_ignores_the_poll(tmp_path: Path, fake: FakeTelegram) -> None:
    assistant = StandInTutor()
    settings = TelegramSettings(_env_file=None, token=TOKEN, api_url=fake.base_url)
    assert settings.quiz_mode == "buttons"
    async with polling(build_application(assistant, settings), ALLOWED_UPDATES):
        fake.push(private_message(user(6002, "Noé"), "/quiz"))
        (question,) = await fake.wait_for("sendMessage", 6002)
        rows = question.params["reply_markup"]["inline_keyboard"]
        assert [b["text"] for row in rows for b in row] == ["A", "B", "C"]
        assert not fake.calls_to("sendPoll") and not assistant.polls
