"""Entry point: the discord.py client wired to the assistant, run as one of the services of `tutor serve`; and the
explicit publication of the slash commands (`tutor discord sync`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import discord
from discord.http import Route

from adapters.discord.components import signed_components
from adapters.discord.handlers import AssistantPort, DiscordHandlers
from adapters.discord.ordering import LearnerLocks
from adapters.discord.outbox import DiscordOutbox
from adapters.discord.sender import NO_PINGS, DiscordSender
from adapters.discord.settings import DiscordSettings
from adapters.discord.signing import ComponentSigner
from adapters.discord.slash import CourseTranslator, command_tree

log = logging.getLogger(__name__)

READY_TIMEOUT_S = 60.0  # past it `tutor serve` goes on, and discord.py keeps connecting


def intents() -> discord.Intents:
    """Only what the assistant needs; none is privileged.

    Direct messages and messages in server channels arrive as gateway events only with ``dm_messages`` and
    ``guild_messages``; their text comes without the privileged ``message_content`` intent because Discord sends it
    for direct messages and for messages that mention the bot, the only ones the assistant reads. Slash commands and
    button presses need no intent. Without ``guilds`` the bot keeps no cache of servers, channels or members.
    """
    chosen = discord.Intents.none()
    chosen.dm_messages = True
    chosen.guild_messages = True
    return chosen


def point_at(api_url: str) -> None:
    """discord.py's REST base (a class attribute of its ``Route``, so it holds for the whole process). The gateway's
    URL then comes from that API's ``/gateway/bot``, as the sharded client asks for it."""
    Route.BASE = api_url.rstrip("/")


def build_client(settings: DiscordSettings) -> discord.AutoShardedClient:
    """The client: sharded as Discord tells (one shard below 2,500 servers), no server cache, no pings."""
    point_at(settings.api_url)
    return discord.AutoShardedClient(
        intents=intents(),
        max_ratelimit_timeout=settings.max_retry_wait_s,
        guild_ready_timeout=0.0,  # without the guilds intent no GUILD_CREATE is coming: ready at once
        chunk_guilds_at_startup=False,
        member_cache_flags=discord.MemberCacheFlags.none(),
        max_messages=None,
        allowed_mentions=NO_PINGS,
    )


class DiscordService:
    """Discord as one of the services of `tutor serve`: started and stopped with the others on one event loop, with
    its Outbox for the pushes of the core."""

    platform = "discord"

    def __init__(self, assistant: AssistantPort, settings: DiscordSettings) -> None:
        if not settings.token:
            raise ValueError("TUTOR_DISCORD_TOKEN is not set")
        self.token = settings.token
        self.client = build_client(settings)
        signer = ComponentSigner.from_settings(settings.callback_secret, settings.token)
        locks = LearnerLocks()

        async def on_press(interaction: discord.Interaction[Any]) -> None:
            await self.handlers.on_press(interaction)

        components = signed_components(signer, on_press)
        sender = DiscordSender(components)
        self.handlers = DiscordHandlers(assistant, sender, signer, locks, settings.default_lang)
        self.outbox = DiscordOutbox(self.client, sender, locks)
        self.tree = command_tree(self.client, self.handlers.on_command, settings.default_lang)
        self.client.add_dynamic_items(*components.dynamic_items)  # buttons sent before a restart still work
        self.client.event(self.on_message)
        self._connection: asyncio.Task[None] | None = None

    async def on_message(self, message: discord.Message) -> None:
        """discord.py's ``on_message`` event."""
        me = self.client.user
        if me is not None:
            await self.handlers.on_message(message, me.id)

    async def start(self) -> None:
        """Log in (REST), then open the gateway and wait until it is ready; a bad token raises here."""
        try:
            await self._connect()
        except BaseException:
            await self.stop()  # nothing left open when `tutor serve` gives up
            raise

    async def _connect(self) -> None:
        await self.client.login(self.token)
        self._connection = asyncio.create_task(self.client.connect(reconnect=True))
        ready = asyncio.create_task(self.client.wait_until_ready())
        done, _ = await asyncio.wait(
            {ready, self._connection}, timeout=READY_TIMEOUT_S, return_when=asyncio.FIRST_COMPLETED
        )
        if self._connection in done:
            ready.cancel()
            self._connection.result()  # raises what stopped it (a privileged intent refused, a closed session)
            raise RuntimeError("the Discord gateway closed before it was ready")
        if not done:
            ready.cancel()
            log.warning("Discord is not ready after %.0f s; still connecting", READY_TIMEOUT_S)

    async def stop(self) -> None:
        """Close the gateway and the HTTP session."""
        await self.client.close()
        if self._connection is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._connection


async def sync_commands(settings: DiscordSettings, guild_id: int | None = None) -> list[str]:
    """Publishes the slash commands, with their French and English names and descriptions: globally, or to one
    server (which shows them at once, for trying them out). Returns the names Discord holds now."""
    if not settings.token:
        raise ValueError("TUTOR_DISCORD_TOKEN is not set")
    point_at(settings.api_url)
    client = discord.Client(intents=discord.Intents.none())

    async def never(interaction: discord.Interaction[Any]) -> None:  # this client only publishes
        return None

    tree = command_tree(client, never, settings.default_lang)
    await tree.set_translator(CourseTranslator())
    async with client:
        await client.login(settings.token)
        guild = discord.Object(id=guild_id) if guild_id else None
        if guild is not None:
            tree.copy_global_to(guild=guild)
        synced = await tree.sync(guild=guild)
    return [command.name for command in synced]
