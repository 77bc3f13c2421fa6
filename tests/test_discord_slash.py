"""Slash commands from the core's registry, with French and English; `tutor serve` starting Discord when its token is
set."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from adapters.discord import slash
from adapters.discord.app import DiscordService, intents
from adapters.discord.slash import CourseTranslator, slash_commands
from entrypoints.bootstrap import App
from entrypoints.serve import NotConfigured, configured_services
from tutor.commands import COMMANDS, Command
from tutor.messages import t


async def nothing(interaction: discord.Interaction[Any]) -> None:
    return None


async def payloads(default_lang: str = "fr") -> dict[str, dict[str, Any]]:
    tree = discord.app_commands.CommandTree(discord.Client(intents=intents()))
    for command in slash_commands(nothing, default_lang):
        tree.add_command(command)
    translator = CourseTranslator()
    return {c.name: await c.get_translated_payload(tree, translator) for c in tree.get_commands()}


async def test_every_registered_command_and_ask_with_its_translations() -> None:
    found = await payloads()
    assert list(found) == ["ask", *(c.name for c in COMMANDS)]
    quiz = found["quiz"]
    assert quiz["description"] == t("cmd_quiz", "fr")
    assert quiz["description_localizations"] == {
        "fr": t("cmd_quiz", "fr"),
        "en-US": t("cmd_quiz", "en"),
        "en-GB": t("cmd_quiz", "en"),
    }
    (value,) = quiz["options"]
    assert (value["name"], value["name_localizations"]["fr"], value["required"]) == ("value", "valeur", False)
    assert found["help"]["name_localizations"]["fr"] == "aide"
    (question,) = found["ask"]["options"]
    assert question["required"] and question["description_localizations"]["en-US"] == "your question"
    assert all(len(p["description"]) <= 100 for p in found.values())


async def test_the_default_language_gives_the_descriptions_of_other_locales() -> None:
    assert (await payloads("en"))["progress"]["description"] == t("cmd_progress", "en")


async def test_a_command_added_to_the_registry_appears_without_adapter_work(monkeypatch: pytest.MonkeyPatch) -> None:
    added = (*COMMANDS, Command("revision", "cmd_help"), Command("Bad Name!", "cmd_help"))
    monkeypatch.setattr(slash, "COMMANDS", added)
    found = await payloads()
    assert found["revision"]["description_localizations"]["en-US"] == t("cmd_help", "en")
    assert not found["revision"].get("name_localizations")  # no French name given: the registry's name everywhere
    assert "Bad Name!" not in found  # Discord would refuse it: it stays a typed command


def test_serve_starts_discord_when_its_token_is_set(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TUTOR_TELEGRAM_TOKEN", raising=False)
    monkeypatch.delenv("TUTOR_DISCORD_TOKEN", raising=False)
    with pytest.raises(NotConfigured, match="TUTOR_DISCORD_TOKEN"):
        configured_services(app)
    monkeypatch.setenv("TUTOR_DISCORD_TOKEN", "MTMw.fake.token")
    (service,) = configured_services(app)
    assert isinstance(service, DiscordService) and service.platform == "discord"
