"""Contract: gateway payloads (tests/fixtures/discord) parsed by discord.py's own state, then translated to the core's
``Incoming``, with no network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import discord
import pytest

from adapters.discord.app import intents
from adapters.discord.signing import ComponentSigner
from adapters.discord.translate import Refused, from_command, from_message, from_press
from tutor.domain import Incoming

FIXTURES = Path(__file__).parent / "fixtures" / "discord"
SIGNER = ComponentSigner(b"contract-test-key")
ALICE, HUGO = "1106224837342171236", "1106224837342175555"
DM, CHANNEL = "1291870000000000042", "1284639000000000107"


def payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


class Gateway:
    """discord.py's connection state, fed dispatches as the gateway would, its events recorded instead of run."""

    def __init__(self) -> None:
        self.client = discord.Client(intents=intents())
        self.state = self.client._connection
        self.events: list[tuple[str, tuple[Any, ...]]] = []
        self.state.dispatch = lambda event, *args: self.events.append((event, args))
        ready = payload("ready.json")
        self.state.user = discord.ClientUser(state=self.state, data=ready["user"])

    def receive(self, event: str, name: str) -> Any:
        self.events.clear()
        self.state.parsers[event](payload(name))
        (found,) = [args[0] for kind, args in self.events if kind in ("message", "interaction")]
        return found


@pytest.fixture
def gateway() -> Gateway:
    return Gateway()


def message(gateway: Gateway, name: str) -> Incoming | None:
    assert gateway.state.user is not None
    return from_message(gateway.receive("MESSAGE_CREATE", name), gateway.state.user.id)


def test_a_direct_message_is_a_question(gateway: Gateway) -> None:
    expected = Incoming("discord", ALICE, DM, text="C'est quoi le biais d'automatisation ?")
    assert message(gateway, "message_dm.json") == expected


def test_in_a_server_only_a_mention_is_for_the_assistant(gateway: Gateway) -> None:
    mention = message(gateway, "message_guild_mention.json")
    assert mention == Incoming("discord", ALICE, CHANNEL, text="c'est quoi le biais d'automatisation ?", group=True)
    nickname = message(gateway, "message_guild_nickname_mention.json")
    assert nickname == Incoming("discord", HUGO, CHANNEL, text="Dis, /quiz l1", group=True)
    assert message(gateway, "message_guild_no_mention.json") is None  # its content is not even sent to the bot
    assert message(gateway, "message_guild_from_bot.json") is None
    assert message(gateway, "message_guild_member_join.json") is None


def test_slash_commands_are_the_core_commands_or_a_question(gateway: Gateway) -> None:
    start = from_command(gateway.receive("INTERACTION_CREATE", "interaction_command_dm_start.json"))
    assert start == Incoming("discord", ALICE, DM, text="/start", locale="fr")
    reminder = from_command(gateway.receive("INTERACTION_CREATE", "interaction_command_guild_reminder.json"))
    assert reminder == Incoming("discord", HUGO, CHANNEL, text="/reminder 08:30", locale="en-GB", group=True)
    ask = from_command(gateway.receive("INTERACTION_CREATE", "interaction_command_guild_ask.json"))
    question = "quiz ça veut dire quoi, un quiz ?"  # a question, though it starts like a command
    assert ask == Incoming("discord", ALICE, CHANNEL, text=question, locale="fr", group=True)


def test_a_press_carries_its_signed_data_for_its_owner_only(gateway: Gateway) -> None:
    own = from_press(gateway.receive("INTERACTION_CREATE", "interaction_button_dm.json"), SIGNER)
    assert own == Incoming("discord", ALICE, DM, button="lang:en", locale="fr")
    stranger = from_press(gateway.receive("INTERACTION_CREATE", "interaction_button_guild_stranger.json"), SIGNER)
    assert stranger == Refused("not_yours", "en-US")
    altered = from_press(gateway.receive("INTERACTION_CREATE", "interaction_button_guild_altered.json"), SIGNER)
    assert altered == Refused("invalid", "fr")
    other_key = from_press(gateway.receive("INTERACTION_CREATE", "interaction_button_dm.json"), ComponentSigner(b"x"))
    assert other_key == Refused("invalid", "fr")  # a key rotated since: the old buttons are refused, not misread


def test_a_select_choice_carries_the_chosen_options_data(gateway: Gateway) -> None:
    chosen = from_press(gateway.receive("INTERACTION_CREATE", "interaction_select_dm.json"), SIGNER)
    assert chosen == Incoming("discord", ALICE, DM, button="scenario:open:l1-s03", locale="fr")


def test_what_is_not_a_slash_command_is_not_read_as_one(gateway: Gateway) -> None:
    press = gateway.receive("INTERACTION_CREATE", "interaction_button_dm.json")
    assert from_command(press) is None
