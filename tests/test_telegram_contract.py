"""Contract: recorded Telegram update payloads -> the ``Incoming`` the core receives (or nothing)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, Update
from telegram.request import BaseRequest, RequestData

from adapters.telegram.signing import CallbackSigner
from adapters.telegram.translate import BotIdentity, to_incoming
from tests.telegram_fake_server import BOT_ID, BOT_USERNAME, TOKEN
from tutor.domain import Incoming

FIXTURES = Path(__file__).parent / "fixtures" / "telegram"
SIGNER = CallbackSigner(b"contract-test-secret")  # the key the recorded callback data was signed with
ME = BotIdentity(BOT_ID, BOT_USERNAME)
GROUP = "-1001987654321"


class NoNetwork(BaseRequest):
    """Fails any test that would reach the network."""

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        raise AssertionError(f"a contract test tried to reach {url}")


@pytest.fixture
def bot() -> Bot:
    return Bot(TOKEN, request=NoNetwork(), get_updates_request=NoNetwork())


def payload(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


def translate(data: dict[str, Any], bot: Bot) -> Incoming | None:
    update = Update.de_json(data, bot)
    assert update is not None
    return to_incoming(update, ME, SIGNER)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "private_message",
            Incoming("telegram", "111111111", "111111111", text="C'est quoi le biais d'automatisation ?", locale="fr"),
        ),
        ("command_start", Incoming("telegram", "111111111", "111111111", text="/start", locale="fr")),
        ("callback_query", Incoming("telegram", "111111111", "111111111", button="lang:en", locale="en-GB")),
        (
            "poll_answer",
            Incoming("telegram", "111111111", "111111111", poll_id="5276307116125978625", poll_option=2, locale="fr"),
        ),
        (
            "group_mention",
            Incoming(
                "telegram", "222222222", GROUP, text="c'est quoi le biais d'automatisation ?", locale="fr", group=True
            ),
        ),
        ("group_command", Incoming("telegram", "222222222", GROUP, text="/help", locale="fr", group=True)),
        (
            "group_reply_to_bot",
            Incoming("telegram", "222222222", GROUP, text="Et comment s'en protéger ?", locale="fr", group=True),
        ),
        ("group_no_mention", None),
        ("group_command_other_bot", None),
    ],
)
def test_recorded_update_becomes_incoming(name: str, expected: Incoming | None, bot: Bot) -> None:
    assert translate(payload(name), bot) == expected


def test_tampered_callback_data_is_refused(bot: Bot) -> None:
    data = payload("callback_query")
    signature = data["callback_query"]["data"].split("|")[0]
    data["callback_query"]["data"] = f"{signature}|level:3"
    assert translate(data, bot) is None


def test_callback_pressed_by_another_user_is_refused(bot: Bot) -> None:
    data = payload("callback_query")
    data["callback_query"]["from"] = {"id": 222222222, "is_bot": False, "first_name": "Nadia"}
    assert translate(data, bot) is None


@pytest.mark.parametrize("raw", ["lang:en", "|lang:en", "wJnQbcvxx5da|", "", "x" * 64])
def test_unsigned_or_malformed_callback_is_refused(raw: str, bot: Bot) -> None:
    data = payload("callback_query")
    data["callback_query"]["data"] = raw
    assert translate(data, bot) is None


def test_recorded_keyboard_was_signed_for_its_learner() -> None:
    keyboard = payload("callback_query")["callback_query"]["message"]["reply_markup"]["inline_keyboard"]
    assert [SIGNER.verify(111111111, b["callback_data"]) for b in keyboard[0]] == ["lang:fr", "lang:en"]


def test_non_text_in_private_chat_reaches_the_core_as_empty_text(bot: Bot) -> None:
    data = payload("private_message")
    del data["message"]["text"]
    data["message"]["sticker"] = {
        "file_id": "CAACAgIAAxkBAAEB",
        "file_unique_id": "AgADAgAD",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    assert translate(data, bot) == Incoming("telegram", "111111111", "111111111", text="", locale="fr")


def test_messages_from_bots_and_channels_are_ignored(bot: Bot) -> None:
    data = payload("group_mention")
    data["message"]["from"]["is_bot"] = True
    assert translate(data, bot) is None
    data = payload("group_mention")
    data["message"]["sender_chat"] = {"id": -1001987654321, "title": "CAIRE L1 — groupe B", "type": "supergroup"}
    assert translate(data, bot) is None
