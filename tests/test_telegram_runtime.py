"""The adapter under load: flood limits, 'typing…' while the core works, learners served concurrently and in order."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.error import NetworkError

from adapters.telegram.app import ALLOWED_UPDATES, build_application
from adapters.telegram.chat_action import typing
from adapters.telegram.concurrency import PerLearnerUpdateProcessor
from adapters.telegram.rate_limit import ChatRateLimiter
from adapters.telegram.settings import TelegramSettings
from tests.telegram_fake_server import TOKEN, FakeTelegram, polling, private_message, user
from tutor.domain import Incoming, Reply


async def _timed_calls(limiter: ChatRateLimiter, endpoint: str, data: dict[str, Any], n: int = 5) -> float:
    async def call() -> bool:
        return True

    start = time.monotonic()
    for _ in range(n):
        await limiter.process_request(call, (), {}, endpoint, data, None)
    return time.monotonic() - start


async def test_rate_limiter_spaces_messages_per_chat_but_not_chat_actions() -> None:
    limiter = ChatRateLimiter(chat_per_second=20, chat_burst=1, group_per_minute=6000)
    assert await _timed_calls(limiter, "sendMessage", {"chat_id": 42}) >= 0.15  # 4 waits of 1/20 s
    assert await _timed_calls(limiter, "sendMessage", {"chat_id": 43}, n=1) < 0.03  # another chat, another bucket
    assert await _timed_calls(limiter, "sendChatAction", {"chat_id": 42}) < 0.05
    assert await _timed_calls(limiter, "answerCallbackQuery", {"callback_query_id": "1"}) < 0.05
    assert await _timed_calls(limiter, "sendMessage", {"chat_id": -100123}) < 0.05  # group bucket: 100/s here


class RecordingBot:
    def __init__(self, fail: bool = False) -> None:
        self.actions: list[tuple[int, str]] = []
        self.fail = fail

    async def send_chat_action(self, chat_id: int, action: str) -> bool:
        self.actions.append((chat_id, action))
        if self.fail:
            raise NetworkError("down")
        return True


@pytest.mark.parametrize("fail", [False, True])
async def test_typing_is_repeated_until_the_reply_is_ready(fail: bool) -> None:
    bot = RecordingBot(fail)
    async with typing(bot, 7, every=0.05):  # type: ignore[arg-type]
        await asyncio.sleep(0.18)
    shown = len(bot.actions)
    assert shown >= 3 and set(bot.actions) == {(7, "typing")}
    await asyncio.sleep(0.1)
    assert len(bot.actions) == shown  # stopped with the block


def _update(user_id: int, update_id: int) -> Update:
    payload = private_message(user(user_id), f"message {update_id}")
    update = Update.de_json({"update_id": update_id, **payload}, None)  # type: ignore[arg-type]
    assert update is not None
    return update


async def test_updates_are_ordered_per_learner_and_concurrent_across_learners() -> None:
    events: list[str] = []

    async def work(name: str, delay: float) -> None:
        events.append(f"{name} start")
        await asyncio.sleep(delay)
        events.append(f"{name} end")

    async with PerLearnerUpdateProcessor() as processor:
        await asyncio.gather(
            processor.process_update(_update(1, 1), work("a1", 0.1)),
            processor.process_update(_update(1, 2), work("a2", 0)),
            processor.process_update(_update(2, 3), work("b1", 0)),
        )
    assert events.index("a2 start") > events.index("a1 end")  # one learner: in order
    assert events.index("b1 end") < events.index("a1 end")  # another learner: not held up


class SlowTutor:
    """Takes its time for 'slow', answers at once otherwise."""

    def __init__(self) -> None:
        self.release = asyncio.Event()

    async def handle(self, incoming: Incoming) -> list[Reply]:
        if incoming.text == "slow":
            await self.release.wait()
        return [Reply(f"re: {incoming.text}")]

    async def poll_sent(self, platform: str, poll_id: str, learner_id: str, token: str) -> None:
        raise AssertionError("no polls here")


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.close()


async def test_a_slow_answer_shows_typing_and_blocks_no_one(tmp_path: Path, fake: FakeTelegram) -> None:
    assistant = SlowTutor()
    settings = TelegramSettings(_env_file=None, token=TOKEN, api_url=fake.base_url)
    async with polling(build_application(assistant, settings), ALLOWED_UPDATES):
        fake.push(private_message(user(8001), "slow"))
        await fake.wait_for("sendChatAction", 8001)
        fake.push(private_message(user(8002), "fast"))
        (fast,) = await fake.wait_for("sendMessage", 8002)  # answered while 8001 is still waiting
        assert fast.params["text"] == "re: fast" and not fake.calls_to("sendMessage", 8001)
        assistant.release.set()
        (slow,) = await fake.wait_for("sendMessage", 8001)
        assert slow.params["text"] == "re: slow"
