"""Webhook mode starts for real (PTB's webhooks extra is installed) and takes only Telegram's signed updates."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest

from adapters.telegram.app import TelegramService
from adapters.telegram.settings import TelegramSettings
from entrypoints.bootstrap import App
from tests.telegram_fake_server import TOKEN, FakeTelegram, private_message, user

SECRET = "webhook-secret-1234567890"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.close()


async def test_an_update_posted_to_the_webhook_is_answered(app: App, fake: FakeTelegram) -> None:
    port = _free_port()
    settings = TelegramSettings(
        _env_file=None,
        token=TOKEN,
        api_url=fake.base_url,
        webhook_url=f"https://bot.example.org/tg/{port}",
        webhook_secret=SECRET,
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )
    service = TelegramService(app.assistant, settings)
    await service.start()
    try:
        alice = user(4242)
        fake.add_private_chat(alice)
        update = {"update_id": 1, **private_message(alice, "/help")}
        url = f"http://127.0.0.1:{port}/tg/{port}"
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=update) as forged:  # no secret: not Telegram
                assert forged.status == 403
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with http.post(url, json=update, headers=headers) as real:
                assert real.status == 200
        for _ in range(100):
            if fake.calls_to("sendMessage", alice["id"]):
                break
            await asyncio.sleep(0.05)
        [sent] = fake.calls_to("sendMessage", alice["id"])
        assert "/quiz" in sent.params["text"]
        assert fake.calls_to("setWebhook")
    finally:
        await service.stop()
