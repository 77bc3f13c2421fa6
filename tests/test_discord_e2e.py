"""End to end: the unmodified Discord adapter, on discord.py pointed at a fake Discord on 127.0.0.1 (REST and gateway),
over the real core on fakes."""

from __future__ import annotations

import asyncio
import copy
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest
from discord import ChannelType
from discord.http import Route
from typer.testing import CliRunner

from adapters.discord.app import DiscordService, sync_commands
from adapters.discord.outbox import DiscordOutbox
from adapters.discord.settings import DISCORD_API, DiscordSettings
from entrypoints import cli
from entrypoints.bootstrap import App
from tests.conftest import Template, app_from_template
from tests.discord_fake_server import CHANNEL_ID, EPHEMERAL, GUILD_ID, TOKEN, ApiError, FakeDiscord
from tests.fakes import FixedClock
from tutor.commands import COMMANDS
from tutor.domain import Button, Delivery, Incoming, Recipient, Reply
from tutor.messages import t
from tutor.reminders.dispatcher import DispatchRules, ReminderDispatcher
from tutor.reminders.rate_limit import NoRateLimit

ROOT = Path(__file__).resolve().parent.parent
SEND = "POST /channels/{channel}/messages"
CALLBACK = "POST /interactions/{id}/{token}/callback"
DM_MESSAGES, GUILD_MESSAGES = 1 << 12, 1 << 9


class SeenAssistant:
    """The real assistant, with a record of what reached it, and slow when a test says so."""

    def __init__(self, app: App) -> None:
        self.assistant = app.assistant
        self.seen: list[Incoming] = []
        self.delay = 0.0

    async def handle(self, incoming: Incoming) -> list[Reply]:
        self.seen.append(incoming)
        await asyncio.sleep(self.delay)
        return await self.assistant.handle(incoming)


@dataclass
class Bot:
    fake: FakeDiscord
    service: DiscordService
    assistant: SeenAssistant
    settings: DiscordSettings
    app: App


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()
    Route.BASE = DISCORD_API  # discord.py's REST base is process-wide


async def serving(app: App, fake: FakeDiscord) -> AsyncIterator[Bot]:
    settings = DiscordSettings(_env_file=None, token=TOKEN, api_url=fake.api_url)  # type: ignore[call-arg]
    await sync_commands(settings)  # `tutor discord sync`, run once before serving
    assistant = SeenAssistant(app)
    service = DiscordService(assistant, settings)
    await service.start()
    try:
        yield Bot(fake, service, assistant, settings, app)
    finally:
        await service.stop()


@pytest.fixture
async def bot(app: App, fake: FakeDiscord) -> AsyncIterator[Bot]:
    async for serving_bot in serving(app, fake):
        yield serving_bot


# reading what the bot sent


def custom_ids(message: dict[str, Any]) -> dict[str, str]:
    """Button label -> custom_id; for a select, option label -> 'select custom_id|value'."""
    found: dict[str, str] = {}
    for row in message.get("components") or []:
        for item in row["components"]:
            if item["type"] == 2:
                found[item["label"]] = item["custom_id"]
            else:
                found |= {o["label"]: f"{item['custom_id']}#{o['value']}" for o in item["options"]}
    return found


def data_of(custom_id: str) -> str:
    """The core's button data inside a signed custom id (``c|owner|sig|data``)."""
    return custom_id.split("|", 3)[3]


def shown(message: dict[str, Any]) -> str:
    """The text as Discord shows it: Markdown escapes removed."""
    return re.sub(r"\\(.)", r"\1", message["content"])


async def answered(fake: FakeDiscord, payload: dict[str, Any], messages: int = 1) -> list[dict[str, Any]]:
    """The messages answering an interaction: the filled original response (if kept), then the follow-ups."""
    interaction = fake.interactions[payload["id"]]

    def done() -> list[dict[str, Any]]:
        found = [fake.messages[i] for i in interaction.followups if i in fake.messages]
        original = fake.messages.get(interaction.original or 0)
        if original is not None and interaction.response_type == 5 and not original["flags"] & 128:
            found.insert(0, original)
        return found

    await fake.wait_until(lambda: len(done()) >= messages)
    return done()


def callback_of(fake: FakeDiscord, payload: dict[str, Any]) -> Any:
    (call,) = [c for c in fake.calls_to(CALLBACK) if c.params["id"] == payload["id"]]
    return call


# the learner's path


async def test_start_a_question_with_citations_and_the_language_button(bot: Bot) -> None:
    fake = bot.fake
    assert [c["name"] for c in fake.commands["global"]] == ["ask", *(c.name for c in COMMANDS)]
    (identify,) = fake.identifies
    assert identify["intents"] == DM_MESSAGES | GUILD_MESSAGES  # nothing privileged, no server cache
    alice = fake.user(2001, "Alice")
    dm = fake.dm_channel(alice)

    start = await fake.dispatch("INTERACTION_CREATE", fake.slash(alice, "start"))
    (welcome,) = await answered(fake, start)
    assert callback_of(fake, start).body == {"type": 5}  # 'thinking…' first, for all to see in the DM
    assert "l'assistant CAIRE" in welcome["content"]
    buttons = custom_ids(welcome)
    assert list(buttons) == ["Français", "English", "Niveau 1", "Niveau 2", "Niveau 3"]
    assert [len(row["components"]) for row in welcome["components"]] == [2, 3]  # a row per kind of choice
    assert all(cid.startswith("c|2001|") for cid in buttons.values())

    await fake.dispatch("MESSAGE_CREATE", fake.dm_message(alice, "C'est quoi le biais d'automatisation ?"))
    (answer,) = (await fake.wait_sent(dm, 2))[1:]
    assert answer["content"].startswith("D'après le cours")
    assert "suivre la suggestion d'une machine" in answer["content"]
    (sources,) = answer["embeds"]
    assert sources["title"] == "Sources"
    assert sources["description"].startswith("[1] Module d'essai : les biais — Le biais d'automatisation")
    assert answer["allowed_mentions"] == {"parse": []}
    assert bot.assistant.seen[-1] == Incoming("discord", "2001", str(dm), text="C'est quoi le biais d'automatisation ?")

    english = await fake.dispatch("INTERACTION_CREATE", fake.press(alice, welcome, buttons["English"]))
    (switched,) = await answered(fake, english)
    assert callback_of(fake, english).body["type"] == 7  # acknowledged at once, the buttons taken off
    assert callback_of(fake, english).body["data"]["components"] == []
    assert fake.messages[int(welcome["id"])]["components"] == []
    assert switched["content"] == t("lang_set", "en")
    assert bot.assistant.seen[-1] == Incoming("discord", "2001", str(dm), button="lang:en", locale="fr")
    await fake.wait_until(lambda: fake.heartbeats >= 1)  # the gateway session is kept alive


async def test_a_button_sent_before_a_restart_still_works(bot: Bot) -> None:
    fake = bot.fake
    rose = fake.user(2051, "Rose")
    start = await fake.dispatch("INTERACTION_CREATE", fake.slash(rose, "start"))
    (welcome,) = await answered(fake, start)
    await bot.service.stop()
    restarted = DiscordService(bot.assistant, bot.settings)  # nothing of the old process's views is kept
    await restarted.start()
    try:
        press = await fake.dispatch("INTERACTION_CREATE", fake.press(rose, welcome, custom_ids(welcome)["Niveau 2"]))
        (done,) = await answered(fake, press)
        assert shown(done).startswith(t("level_set", "fr", level=2, name=t("level_2", "fr"))[:12])
        assert len(fake.identifies) == 2
    finally:
        await restarted.stop()


async def test_a_quiz_by_buttons_recorded_once(bot: Bot) -> None:
    fake = bot.fake
    zoe = fake.user(2101, "Zoé")
    quiz = await fake.dispatch("INTERACTION_CREATE", fake.slash(zoe, "quiz"))
    (question,) = await answered(fake, quiz)
    assert shown(question).startswith("Question 1/3")
    buttons = custom_ids(question)
    option = next(label for label, cid in buttons.items() if data_of(cid).startswith("q:"))
    as_first_seen = copy.deepcopy(question)  # what a second click, made before the buttons went, carries

    press = await fake.dispatch("INTERACTION_CREATE", fake.press(zoe, question, buttons[option]))
    (feedback,) = await answered(fake, press)
    assert shown(feedback).startswith(("✅", "❌")), feedback["content"]
    assert feedback["embeds"][0]["description"].startswith("[1]")  # the section it comes from

    again = await fake.dispatch("INTERACTION_CREATE", fake.press(zoe, as_first_seen, buttons[option]))
    (stale,) = await answered(fake, again)
    assert stale["content"] == t("quiz_already", "fr")
    assert await asyncio.to_thread(_reviews, bot.app, "2101") == 1


def _unreachable(app: App, learner_id: str) -> bool:
    learner = app.learners.find("discord", learner_id)
    assert learner is not None
    return learner.unreachable


def _reviews(app: App, learner_id: str) -> int:
    from sqlalchemy import func, select

    from tutor.store.models import Learner, ReviewLog

    with app.sessions() as session:
        learner = session.scalar(select(Learner.id).where(Learner.platform_user_id == learner_id))
        return session.scalar(select(func.count()).select_from(ReviewLog).where(ReviewLog.learner_id == learner)) or 0


async def test_a_reminder_by_direct_message_after_a_429_then_its_button(bot: Bot, clock: FixedClock) -> None:
    fake = bot.fake
    lina, dan = fake.user(2201, "Lina"), fake.user(2202, "Dan")
    dm = fake.dm_channel(lina)
    for learner in (lina, dan):
        setting = await fake.dispatch("INTERACTION_CREATE", fake.slash(learner, "reminder", "10:30"))
        await answered(fake, setting)
    fake.closed_dms.add(2202)  # Dan closes his direct messages to the bot
    dispatcher = ReminderDispatcher(
        bot.app.sessions, bot.service.outbox, clock, NoRateLimit(), DispatchRules(platforms=("discord",)), "dc"
    )
    clock.advance(hours=1)  # 11:00 in Paris
    fake.rate_limit_next(SEND, retry_after=0.3)
    started = time.monotonic()
    report = await dispatcher.tick()
    assert (report.sent, report.unreachable) == (1, 1)
    assert time.monotonic() - started >= 0.3  # discord.py waited as told, then sent again
    assert sorted(c.status for c in fake.calls if c.route == SEND) == [200, 403, 429]
    assert (await dispatcher.tick()).sent == 0  # once a day
    assert await asyncio.to_thread(_unreachable, bot.app, "2202")
    await fake.dispatch("MESSAGE_CREATE", fake.dm_message(dan, "je suis de retour"))
    await fake.wait_until(lambda: len(bot.assistant.seen) == 3)
    await fake.wait_until(lambda: len([c for c in fake.calls if c.route == SEND]) == 4)  # its answer: refused, 403
    assert not await asyncio.to_thread(_unreachable, bot.app, "2202")  # he wrote again: reachable again

    reminder = fake.sent_in(dm)[-1]
    assert reminder["content"].startswith("📚")
    (label,) = custom_ids(reminder)
    press = await fake.dispatch("INTERACTION_CREATE", fake.press(lina, reminder, custom_ids(reminder)[label]))
    (question,) = await answered(fake, press)
    assert shown(question).startswith("Question 1/3")


async def test_the_outbox_reports_closed_direct_messages_until_the_learner_writes_again(bot: Bot) -> None:
    fake, outbox = bot.fake, bot.service.outbox
    assert isinstance(outbox, DiscordOutbox)
    chloe, dan = fake.user(2301, "Chloé"), fake.user(2302, "Dan")
    push = [Reply("Vous avez 3 questions à revoir aujourd'hui.", buttons=(Button("Commencer", "quiz:start"),))]

    assert await outbox.send(Recipient("discord", "2301", "2301"), push) == Delivery.SENT  # DM opened by the bot
    assert fake.calls_to("POST /users/@me/channels")
    fake.closed_dms.add(2302)
    await fake.dispatch("MESSAGE_CREATE", fake.dm_message(dan, "bonjour"))
    await fake.wait_until(lambda: fake.calls_to(SEND, ok=False))  # his DMs are closed: not even the reply goes
    dan_dm = str(fake.dm_channel(dan))
    assert await outbox.send(Recipient("discord", "2302", dan_dm), push) == Delivery.UNREACHABLE  # 403, 50007
    assert await outbox.send(Recipient("discord", "2399", "2399"), push) == Delivery.UNREACHABLE  # never met: 50033
    fake.fail_next(SEND, ApiError(503, 0, "Service Unavailable"))
    assert await outbox.send(Recipient("discord", "2301", str(fake.dm_channel(chloe))), push) == Delivery.FAILED


async def test_a_5000_character_reply_is_split_on_paragraphs(bot: Bot) -> None:
    fake, outbox = bot.fake, bot.service.outbox
    ines = fake.user(2401, "Inès")
    paragraphs = [f"§{n} " + ("Le *biais* d'automatisation est un risque réel. " * 12).strip() for n in range(9)]
    reply = Reply("\n\n".join(paragraphs), buttons=(Button("Suite", "quiz:next"),))
    assert len(reply.text) > 5000

    assert await outbox.send(Recipient("discord", "2401", str(fake.dm_channel(ines))), [reply]) == Delivery.SENT

    parts = fake.sent_in(fake.dm_channel(ines))  # the fake refuses any message over 2,000 characters
    assert [p["content"].count("§") for p in parts] == [3, 3, 3]
    assert all(len(p["content"]) <= 2000 for p in parts)
    assert "\n\n".join(p["content"] for p in parts) == "\n\n".join(paragraphs).replace("*", "\\*")
    assert [bool(p["components"]) for p in parts] == [False, False, True]


async def test_in_a_server_answers_stay_public_and_personal_replies_go_private(bot: Bot) -> None:
    fake = bot.fake
    nadia, hugo = fake.user(2501, "Nadia"), fake.user(2502, "Hugo")
    await fake.dispatch("MESSAGE_CREATE", fake.guild_message(hugo, "Quelqu'un a compris le biais d'automatisation ?"))
    mention = fake.guild_message(nadia, "c'est quoi le biais d'automatisation ?", mentions_bot=True)
    await fake.dispatch("MESSAGE_CREATE", mention)
    (answer,) = await fake.wait_sent(CHANNEL_ID, 1)
    assert str(answer["message_reference"]["message_id"]) == mention["id"] and answer["embeds"]
    assert [i.text for i in bot.assistant.seen] == ["c'est quoi le biais d'automatisation ?"]  # Hugo's never came

    question = "c'est quoi le biais d'automatisation ?"
    ask = await fake.dispatch("INTERACTION_CREATE", fake.slash(hugo, "ask", question, in_guild=True))
    (public,) = await answered(fake, ask)
    assert callback_of(fake, ask).body == {"type": 5} and not public["flags"] & EPHEMERAL
    assert "suivre la suggestion d'une machine" in public["content"]

    too_long = await fake.dispatch("INTERACTION_CREATE", fake.slash(hugo, "ask", "pourquoi " * 300, in_guild=True))
    (error,) = await answered(fake, too_long)  # personal feedback: the public 'thinking…' goes, an ephemeral follows
    assert fake.calls_to("DELETE /webhooks/{app}/{token}/messages/@original")
    assert error["flags"] & EPHEMERAL and error["content"].startswith(t("too_long", "fr", length=2700, limit=2000)[:30])

    progress = await fake.dispatch("INTERACTION_CREATE", fake.slash(nadia, "progress", in_guild=True))
    (notice,) = await answered(fake, progress)
    assert callback_of(fake, progress).body == {"type": 5, "data": {"flags": EPHEMERAL}}  # personal: Nadia's eyes
    assert notice["content"] == t("sent_in_private", "fr") and fake.visible_to[int(notice["id"])] == 2501
    (private,) = await fake.wait_sent(fake.dm_channel(nadia), 1)
    assert private["content"].startswith(t("progress_none", "fr")[:20])

    fake.closed_dms.add(2502)
    hidden = await fake.dispatch("INTERACTION_CREATE", fake.slash(hugo, "progress", in_guild=True, locale="en-US"))
    _, closed = await answered(fake, hidden, messages=2)
    assert closed["content"] == t("discord_dm_closed", "en") and closed["flags"] & EPHEMERAL


async def test_a_strangers_press_is_refused_privately(bot: Bot) -> None:
    fake, service = bot.fake, bot.service
    nadia, hugo = fake.user(2601, "Nadia"), fake.user(2602, "Hugo")
    shared = Reply("Voici la suite du cas pratique.", buttons=(Button("Suite", "quiz:next"),))
    channel = service.client.get_partial_messageable(CHANNEL_ID, guild_id=GUILD_ID)
    await service.handlers.sender.to_channel(channel, [shared], 2601, None)
    (message,) = fake.sent_in(CHANNEL_ID)
    button = custom_ids(message)["Suite"]
    seen = len(bot.assistant.seen)

    stranger = await fake.dispatch("INTERACTION_CREATE", fake.press(hugo, message, button, locale="en-US"))
    await fake.wait_until(lambda: fake.interactions[stranger["id"]].response_type is not None)
    refusal = callback_of(fake, stranger).body
    assert refusal["type"] == 4 and refusal["data"]["flags"] == EPHEMERAL  # only Hugo sees it
    assert refusal["data"]["content"] == t("discord_not_yours", "en")
    forged = button.replace("quiz:next", "quiz:start")  # as a modified client would show and send it
    altered = copy.deepcopy(message)
    altered["components"][0]["components"][0]["custom_id"] = forged
    tampered = await fake.dispatch("INTERACTION_CREATE", fake.press(nadia, altered, forged))
    await fake.wait_until(lambda: fake.interactions[tampered["id"]].response_type is not None)
    assert callback_of(fake, tampered).body["data"]["content"] == t("unknown_button", "fr")
    assert len(bot.assistant.seen) == seen and fake.messages[int(message["id"])]["components"]  # nothing happened

    own = await fake.dispatch("INTERACTION_CREATE", fake.press(nadia, message, button))
    await answered(fake, own)
    assert bot.assistant.seen[-1].button == "quiz:next" and bot.assistant.seen[-1].group


async def test_a_long_list_of_choices_is_a_select_menu(bot: Bot) -> None:
    fake, service = bot.fake, bot.service
    mia = fake.user(2651, "Mia")
    dm = fake.dm_channel(mia)
    choices = Reply("Choisissez :", buttons=tuple(Button(f"Cas {n}", f"lang:x{n}") for n in range(7)))
    channel = service.client.get_partial_messageable(dm, type=ChannelType.private)
    await service.handlers.sender.to_channel(channel, [choices], 2651, None)
    (menu,) = fake.sent_in(dm)
    (row,) = menu["components"]
    assert [c["type"] for c in row["components"]] == [3]  # seven choices of one kind: one select, not two rows
    select_id, value = custom_ids(menu)["Cas 4"].split("#", 1)
    chosen = await fake.dispatch("INTERACTION_CREATE", fake.press(mia, menu, select_id, value=value))
    await answered(fake, chosen)
    assert bot.assistant.seen[-1] == Incoming("discord", "2651", str(dm), button="lang:x4", locale="fr")


async def test_a_slow_core_is_deferred_within_the_deadline_then_followed_up(bot: Bot) -> None:
    fake = bot.fake
    fake.interaction_deadline_s = 0.5  # the fake refuses any acknowledgement later than this (Discord: 3 s)
    bot.assistant.delay = 1.0
    leo = fake.user(2701, "Léo")
    ask = await fake.dispatch("INTERACTION_CREATE", fake.slash(leo, "ask", "c'est quoi le biais d'automatisation ?"))
    (answer,) = await answered(fake, ask)
    interaction = fake.interactions[ask["id"]]
    assert interaction.acknowledged_at is not None
    assert interaction.acknowledged_at - interaction.dispatched_at < 0.5
    edit = fake.calls_to("PATCH /webhooks/{app}/{token}/messages/@original")[-1]
    assert edit.at - interaction.dispatched_at >= 1.0 and "suivre la suggestion" in answer["content"]


async def test_tutor_discord_sync_publishes_to_one_server_in_french_and_english(
    fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUTOR_DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("TUTOR_DISCORD_API_URL", fake.api_url)
    run = CliRunner().invoke
    result = await asyncio.to_thread(run, cli.app, ["discord", "sync", "--guild", str(GUILD_ID)])  # its own loop
    assert result.exit_code == 0, result.output
    assert f"{len(COMMANDS) + 1} slash commands published to server {GUILD_ID}" in result.output
    assert "global" not in fake.commands
    by_name = {c["name"]: c for c in fake.commands[str(GUILD_ID)]}
    assert by_name["help"]["name_localizations"]["fr"] == "aide"
    assert by_name["quiz"]["description_localizations"]["en-US"] == t("cmd_quiz", "en")
    assert by_name["quiz"]["description"] == t("cmd_quiz", "fr")  # the default language when a locale has none
    assert by_name["ask"]["options"][0] | {"required": True} == by_name["ask"]["options"][0]


async def test_a_scenario_step_when_scenarios_exist(
    template: Template, tmp_path: Path, clock: FixedClock, fake: FakeDiscord
) -> None:
    if "scenario" not in {c.name for c in COMMANDS} or not (ROOT / "knowledge" / "scenarios").is_dir():
        pytest.skip("no scenarios in this version")
    app = app_from_template(template, tmp_path, clock, {"knowledge_dir": ROOT / "knowledge"})
    try:
        async for bot in serving(app, fake):
            sam = fake.user(2801, "Sam")
            listing = await fake.dispatch("INTERACTION_CREATE", fake.slash(sam, "scenario"))
            (menu,) = await answered(fake, listing)
            choices = custom_ids(menu)
            assert choices, menu
            first = next(iter(choices.values()))
            if "#" in first:  # more choices than a row holds: a select menu
                select_id, value = first.split("#", 1)
                press = fake.press(sam, menu, select_id, value=value)
            else:
                press = fake.press(sam, menu, first)
            step = await fake.dispatch("INTERACTION_CREATE", press)
            (scene,) = (await answered(fake, step))[:1]
            assert scene["content"] and bot.assistant.seen[-1].button is not None
    finally:
        app.engine.dispose()


async def test_telegram_and_discord_in_one_serve(app: App, fake: FakeDiscord) -> None:
    from adapters.telegram.app import TelegramService
    from adapters.telegram.settings import TelegramSettings
    from entrypoints.serve import serve
    from tests.telegram_fake_server import TOKEN as TELEGRAM_TOKEN
    from tests.telegram_fake_server import FakeTelegram, private_message, user

    telegram_fake = FakeTelegram()
    await telegram_fake.start()
    telegram = TelegramSettings(_env_file=None, token=TELEGRAM_TOKEN, api_url=telegram_fake.base_url)  # type: ignore[call-arg]
    discord_settings = DiscordSettings(_env_file=None, token=TOKEN, api_url=fake.api_url)  # type: ignore[call-arg]
    services = [TelegramService(app.assistant, telegram), DiscordService(app.assistant, discord_settings)]
    stop = asyncio.Event()
    running = asyncio.create_task(serve(app, services, stop))  # type: ignore[arg-type]
    try:
        await fake.wait_until(lambda: fake.identifies, timeout=10)
        telegram_fake.push(private_message(user(3101, "Zoé"), "C'est quoi le biais d'automatisation ?"))
        alice = fake.user(3102, "Alice")
        await fake.dispatch("MESSAGE_CREATE", fake.dm_message(alice, "C'est quoi le biais d'automatisation ?"))
        (on_discord,) = await fake.wait_sent(fake.dm_channel(alice), 1, timeout=10)
        (on_telegram,) = await telegram_fake.wait_for("sendMessage", 3101, timeout=10)
        assert "suivre la suggestion" in on_discord["content"] and "suivre la suggestion" in on_telegram.params["text"]
        learners = {(lr.platform, lr.platform_user_id) for lr in await asyncio.to_thread(_all_learners, app)}
        assert {("telegram", "3101"), ("discord", "3102")} <= learners  # one store for both
    finally:
        stop.set()
        await asyncio.wait_for(running, 15)
        await telegram_fake.close()


def _all_learners(app: App) -> list[Any]:
    from sqlalchemy import select

    from tutor.store.models import Learner

    with app.sessions() as session:
        return list(session.scalars(select(Learner)))


async def test_a_wrong_token_fails_the_start_and_leaves_nothing_open(app: App, fake: FakeDiscord) -> None:
    settings = DiscordSettings(_env_file=None, token="not.the.token", api_url=fake.api_url)  # type: ignore[call-arg]
    service = DiscordService(app.assistant, settings)
    with pytest.raises(discord.LoginFailure):
        await service.start()
    assert service.client.is_closed() and not fake.identifies


async def test_the_fake_enforces_discords_rules(bot: Bot) -> None:
    fake, client = bot.fake, bot.service.client
    ana = fake.user(2901, "Ana")
    channel = client.get_partial_messageable(fake.dm_channel(ana), type=ChannelType.private)
    with pytest.raises(discord.HTTPException) as too_long:
        await channel.send("x" * 2001)
    assert (too_long.value.status, too_long.value.code) == (400, 50035)
    with pytest.raises(discord.HTTPException) as empty:
        await channel.send("   ")
    assert empty.value.code == 50006

    fake.interaction_deadline_s = 0.0  # every acknowledgement is now too late
    late = await fake.dispatch("INTERACTION_CREATE", fake.slash(ana, "help"))
    await fake.wait_until(lambda: any(c.params.get("id") == late["id"] for c in fake.calls_to(CALLBACK, ok=False)))
    assert callback_of_failed(fake, late).status == 404 and not fake.interactions[late["id"]].followups

    fake.interaction_deadline_s = 3.0
    twice = fake.slash(ana, "help")
    await fake.dispatch("INTERACTION_CREATE", twice)
    await answered(fake, twice)
    url = f"{fake.api_url}/interactions/{twice['id']}/{twice['token']}/callback"
    async with aiohttp.ClientSession() as session, session.post(url, json={"type": 5}) as again:
        assert again.status == 400 and (await again.json())["code"] == 40060


def callback_of_failed(fake: FakeDiscord, payload: dict[str, Any]) -> Any:
    (call,) = [c for c in fake.calls_to(CALLBACK, ok=False) if c.params["id"] == payload["id"]]
    return call
