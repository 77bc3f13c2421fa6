"""A fake Discord on 127.0.0.1 (aiohttp): the REST API subset and the gateway websocket that discord.py 2 uses.

REST (under ``/api/v10``): the bot's user and application, ``/gateway/bot``, command sync (global and per server),
interaction callbacks, follow-ups and the original response, DM channel creation, channel messages and typing. It
records every call, enforces Discord's limits (2,000 characters, components, embeds, the 3-second deadline to
acknowledge an interaction, one acknowledgement each) and answers errors as Discord does (``{"message", "code"}``;
a 429 with ``retry_after`` and the headers discord.py reads).

Gateway (``/gateway``): HELLO, IDENTIFY (token and intents checked, privileged intents refused with 4014), READY,
heartbeats and their ACKs, and dispatches (``INTERACTION_CREATE``, ``MESSAGE_CREATE``), compressed as the client asks
(``zlib-stream`` or ``zstd-stream``) or as text.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = 1300000000000000001
BOT_ID = APP_ID  # an application's bot user has the application's id
TOKEN = "MTMwMDAwMDAwMDAwMDAwMDAwMQ.fake.discord-token-for-tests"
GUILD_ID = 1300000000000000100
CHANNEL_ID = 1300000000000000200  # #général, a text channel of the server

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_DESCRIPTION = 4096
MAX_EMBED_TITLE = 256
MAX_EMBED_TOTAL = 6000
MAX_ROWS = 5
MAX_ROW_BUTTONS = 5
MAX_CUSTOM_ID = 100
MAX_BUTTON_LABEL = 80
MAX_OPTIONS = 25
MAX_OPTION_TEXT = 100
EPHEMERAL = 1 << 6
LOADING = 1 << 7
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content
_NAME = re.compile(r"^[-_'\w]{1,32}$")
_LOCALES = {
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl", "no", "pl", "pt-BR",
    "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th", "zh-CN", "ja", "zh-TW", "ko",
}  # fmt: skip


class ApiError(Exception):
    """An error answer of the REST API."""

    def __init__(self, status: int, code: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after


def invalid(detail: str) -> ApiError:
    return ApiError(400, 50035, f"Invalid Form Body: {detail}")


@dataclass
class Call:
    """One REST request as the fake received it: ``route`` is the method and path template."""

    route: str
    params: dict[str, str]
    body: Any
    at: float
    status: int = 200
    error: str | None = None
    result: Any = None


@dataclass
class Interaction:
    """An interaction dispatched to the bot, and what was done with it."""

    payload: dict[str, Any]
    dispatched_at: float
    response_type: int | None = None
    acknowledged_at: float | None = None
    original: int | None = None  # the id of the message @original designates
    followups: list[int] = field(default_factory=list)

    @property
    def user_id(self) -> int:
        user = self.payload.get("user") or self.payload["member"]["user"]
        return int(user["id"])


@dataclass
class FakeDiscord:
    """Start it, point discord.py at ``api_url``; ``dispatch`` events; read ``calls`` and ``messages``."""

    token: str = TOKEN
    heartbeat_ms: int = 250
    interaction_deadline_s: float = 3.0
    calls: list[Call] = field(default_factory=list)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    channels: dict[int, dict[str, Any]] = field(default_factory=dict)
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # "global" or a guild id
    interactions: dict[str, Interaction] = field(default_factory=dict)
    identifies: list[dict[str, Any]] = field(default_factory=list)
    heartbeats: int = 0
    closed_dms: set[int] = field(default_factory=set)
    api_url: str = ""
    gateway_url: str = ""

    def __post_init__(self) -> None:
        self._ids = itertools.count(1300000000000010000)
        self._failures: dict[str, ApiError] = {}
        self._sockets: list[_Session] = []
        self._runner: web.AppRunner | None = None
        self._ready = asyncio.Event()
        self.visible_to: dict[int, int] = {}  # ephemeral message id -> the only user who sees it
        self.channels[CHANNEL_ID] = {
            "id": str(CHANNEL_ID), "type": 0, "guild_id": str(GUILD_ID), "name": "général", "position": 0,
            "permission_overwrites": [], "nsfw": False, "parent_id": None, "topic": None, "last_message_id": None,
            "rate_limit_per_user": 0, "flags": 0,
        }  # fmt: skip

    # life cycle

    async def start(self) -> str:
        """Listens on a free port of 127.0.0.1; returns the REST base URL to give discord.py."""
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        for method, path, handler in self._routes():
            app.router.add_route(method, "/api/v10" + path, self._endpoint(f"{method} {path}", handler))
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.api_url = f"http://127.0.0.1:{port}/api/v10"
        self.gateway_url = f"ws://127.0.0.1:{port}/gateway"
        return self.api_url

    async def close(self) -> None:
        for session in list(self._sockets):
            await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def _routes(self) -> list[tuple[str, str, Callable[..., Any]]]:
        return [
            ("GET", "/users/@me", self._me),
            ("GET", "/oauth2/applications/@me", self._application),
            ("GET", "/gateway/bot", self._gateway_bot),
            ("PUT", "/applications/{app}/commands", self._sync_global),
            ("PUT", "/applications/{app}/guilds/{guild}/commands", self._sync_guild),
            ("POST", "/interactions/{id}/{token}/callback", self._callback),
            ("POST", "/webhooks/{app}/{token}", self._followup),
            ("PATCH", "/webhooks/{app}/{token}/messages/@original", self._edit_original),
            ("DELETE", "/webhooks/{app}/{token}/messages/@original", self._delete_original),
            ("POST", "/users/@me/channels", self._open_dm),
            ("POST", "/channels/{channel}/messages", self._send),
            ("POST", "/channels/{channel}/typing", self._typing),
        ]

    # what tests use

    def user(self, user_id: int, name: str) -> dict[str, Any]:
        """A learner as Discord describes users; the fake remembers them."""
        data = {"id": str(user_id), "username": name.lower(), "global_name": name, "discriminator": "0", "avatar": None}
        self.users[user_id] = data
        return data

    def dm_channel(self, user: dict[str, Any]) -> int:
        """The DM channel between the bot and this user (made on first use, as Discord does)."""
        for channel_id, channel in self.channels.items():
            if channel["type"] == 1 and channel["recipients"][0]["id"] == user["id"]:
                return channel_id
        channel_id = next(self._ids)
        self.channels[channel_id] = {"id": str(channel_id), "type": 1, "last_message_id": None, "flags": 0}
        self.channels[channel_id]["recipients"] = [user]
        return channel_id

    def fail_next(self, route: str, error: ApiError) -> None:
        """The next call to ``route`` (e.g. ``"POST /channels/{channel}/messages"``) is answered with this error."""
        self._failures[route] = error

    def rate_limit_next(self, route: str, retry_after: float) -> None:
        """The next call to ``route`` is answered 429 Too Many Requests."""
        self.fail_next(route, ApiError(429, 0, "You are being rate limited.", retry_after=retry_after))

    def calls_to(self, route: str, ok: bool = True) -> list[Call]:
        return [c for c in self.calls if c.route == route and (c.error is None) == ok]

    def sent_in(self, channel_id: int) -> list[dict[str, Any]]:
        """The bot's messages in a channel, oldest first (ephemeral ones included)."""
        return [m for m in self.messages.values() if int(m["channel_id"]) == channel_id]

    async def wait_until(self, condition: Callable[[], object], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"not true within {timeout}s; calls: {[(c.route, c.status) for c in self.calls]}")
            await asyncio.sleep(0.01)

    async def wait_sent(self, channel_id: int, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        await self.wait_until(lambda: len(self.sent_in(channel_id)) >= count, timeout)
        return self.sent_in(channel_id)

    async def dispatch(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        """Sends a dispatch (op 0) to every identified gateway session."""
        await asyncio.wait_for(self._ready.wait(), 5)
        if event == "INTERACTION_CREATE":
            self.interactions[data["id"]] = Interaction(data, time.monotonic())
        for session in self._sockets:
            if session.identified:
                await session.send({"op": 0, "t": event, "s": session.next_seq(), "d": data})
        return data

    # payloads, shaped like Discord's

    def dm_message(self, user: dict[str, Any], content: str) -> dict[str, Any]:
        """A MESSAGE_CREATE of a learner in their DMs with the bot."""
        return self._message(self.dm_channel(user), user, content)

    def guild_message(self, user: dict[str, Any], content: str, mentions_bot: bool = False) -> dict[str, Any]:
        """A MESSAGE_CREATE in the server's text channel; with a mention of the bot if asked."""
        message = self._message(CHANNEL_ID, user, f"<@{BOT_ID}> {content}" if mentions_bot else content)
        message["guild_id"] = str(GUILD_ID)
        message["member"] = _member(user)
        message["mentions"] = [self.bot_user() | {"member": _member(self.bot_user())}] if mentions_bot else []
        return message

    def slash(
        self, user: dict[str, Any], name: str, value: str | None = None, in_guild: bool = False, locale: str = "fr"
    ) -> dict[str, Any]:
        """An APPLICATION_COMMAND interaction for a synced global command, with its one option when given."""
        command = next((c for c in self.commands.get("global", []) if c["name"] == name), None)
        if command is None:
            raise AssertionError(f"/{name} was never synced")
        data: dict[str, Any] = {"id": command["id"], "name": name, "type": 1}
        if value is not None:
            option = command["options"][0]
            data["options"] = [{"name": option["name"], "type": option["type"], "value": value}]
        return self._interaction(2, user, data, in_guild, locale)

    def press(
        self,
        user: dict[str, Any],
        message: dict[str, Any],
        custom_id: str,
        value: str | None = None,
        locale: str = "fr",
    ) -> dict[str, Any]:
        """A MESSAGE_COMPONENT interaction: a button (or, with ``value``, a select option) of a message the bot sent."""
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": 2}
        if value is not None:
            data |= {"component_type": 3, "values": [value]}
        in_guild = self.channels[int(message["channel_id"])]["type"] == 0
        payload = self._interaction(3, user, data, in_guild, locale)
        payload["message"] = dict(message)
        return payload

    def bot_user(self) -> dict[str, Any]:
        return {"id": str(BOT_ID), "username": "caire", "global_name": "Assistant CAIRE", "discriminator": "0000",
                "avatar": None, "bot": True}  # fmt: skip

    def _message(self, channel_id: int, user: dict[str, Any], content: str) -> dict[str, Any]:
        return {
            "id": str(next(self._ids)), "channel_id": str(channel_id), "author": user, "content": content,
            "timestamp": _now(), "edited_timestamp": None, "tts": False, "mention_everyone": False, "mentions": [],
            "mention_roles": [], "attachments": [], "embeds": [], "pinned": False, "type": 0, "flags": 0,
            "components": [],
        }  # fmt: skip

    def _interaction(
        self, kind: int, user: dict[str, Any], data: dict[str, Any], in_guild: bool, locale: str
    ) -> dict[str, Any]:
        interaction_id = next(self._ids)
        payload: dict[str, Any] = {
            "id": str(interaction_id), "application_id": str(APP_ID), "type": kind, "data": data,
            "token": f"aW50ZXJhY3Rpb246{interaction_id}", "version": 1, "locale": locale, "entitlements": [],
            "attachment_size_limit": 10485760, "app_permissions": "2248473465835073",
        }  # fmt: skip
        if in_guild:
            payload |= {
                "guild_id": str(GUILD_ID), "guild": {"id": str(GUILD_ID), "locale": "fr", "features": []},
                "guild_locale": "fr", "member": _member(user) | {"permissions": "2248473465835073"},
                "channel": self.channels[CHANNEL_ID], "channel_id": str(CHANNEL_ID), "context": 0,
                "authorizing_integration_owners": {"0": str(GUILD_ID)},
            }  # fmt: skip
        else:
            channel_id = self.dm_channel(user)
            payload |= {
                "user": user, "channel": self.channels[channel_id], "channel_id": str(channel_id), "context": 1,
                "authorizing_integration_owners": {"0": "0"},
            }  # fmt: skip
        return payload

    # HTTP plumbing

    def _endpoint(self, route: str, handler: Callable[..., Any]) -> Callable[[web.Request], Any]:
        async def endpoint(request: web.Request) -> web.Response:
            body = await request.json() if request.can_read_body else None
            call = Call(route, dict(request.match_info), body, time.monotonic())
            self.calls.append(call)
            try:
                signed_by_token = route.split(" ", 1)[1].startswith(("/webhooks/", "/interactions/"))
                if not signed_by_token and request.headers.get("Authorization") != f"Bot {self.token}":
                    raise ApiError(401, 0, "401: Unauthorized")
                if route in self._failures:
                    raise self._failures.pop(route)
                call.result = await handler(call.params, body or {}, request)
            except ApiError as exc:
                call.status, call.error = exc.status, exc.message
                return _error(exc)
            if call.result is None:
                call.status = 204
                return web.Response(status=204)
            return _json(call.result)

        return endpoint

    # REST endpoints

    async def _me(self, params: dict[str, str], body: Any, request: web.Request) -> dict[str, Any]:
        return self.bot_user() | {"flags": 0, "mfa_enabled": False, "verified": True}

    async def _application(self, params: dict[str, str], body: Any, request: web.Request) -> dict[str, Any]:
        return {
            "id": str(APP_ID), "name": "CAIRE", "icon": None, "description": "", "bot_public": False,
            "bot_require_code_grant": False, "verify_key": "0" * 64, "flags": 0, "owner": self.user(1, "Owner"),
            "bot": self.bot_user(),
        }  # fmt: skip

    async def _gateway_bot(self, params: dict[str, str], body: Any, request: web.Request) -> dict[str, Any]:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}

    async def _sync_global(self, params: dict[str, str], body: Any, request: web.Request) -> list[dict[str, Any]]:
        return self._sync("global", params, body)

    async def _sync_guild(self, params: dict[str, str], body: Any, request: web.Request) -> list[dict[str, Any]]:
        return self._sync(params["guild"], params, body)

    def _sync(self, scope: str, params: dict[str, str], commands: Any) -> list[dict[str, Any]]:
        if int(params["app"]) != APP_ID:
            raise ApiError(403, 50001, "Missing Access")
        if not isinstance(commands, list) or len(commands) > 100:
            raise invalid("at most 100 commands")
        names = [c.get("name") for c in commands]
        if len(set(names)) != len(names):
            raise invalid("application command names must be unique")
        for command in commands:
            _check_command(command)
        stored = [
            c | {"id": str(next(self._ids)), "application_id": str(APP_ID), "version": str(next(self._ids))}
            for c in commands
        ]
        self.commands[scope] = stored
        return stored

    async def _callback(self, params: dict[str, str], body: Any, request: web.Request) -> dict[str, Any] | None:
        interaction = self.interactions.get(params["id"])
        if interaction is None or interaction.payload["token"] != params["token"]:
            raise ApiError(404, 10062, "Unknown interaction")
        if interaction.response_type is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - interaction.dispatched_at > self.interaction_deadline_s:
            raise ApiError(404, 10062, "Unknown interaction")
        kind, data = body.get("type"), body.get("data") or {}
        component = interaction.payload["type"] == 3
        if kind not in (4, 5) and not (component and kind in (6, 7)):
            raise invalid(f"interaction response type {kind} is not valid here")
        message = self._respond(interaction, kind, data)
        interaction.response_type, interaction.acknowledged_at = kind, time.monotonic()
        if request.query.get("with_response") not in ("1", "true"):
            return None
        answer: dict[str, Any] = {"id": params["id"], "type": interaction.payload["type"]}
        if message is not None:
            flags = message.get("flags", 0)
            answer |= {"response_message_id": message["id"], "response_message_loading": bool(flags & LOADING),
                       "response_message_ephemeral": bool(flags & EPHEMERAL)}  # fmt: skip
        return {"interaction": answer, "resource": {"type": kind, **({"message": message} if message else {})}}

    def _respond(self, interaction: Interaction, kind: int, data: dict[str, Any]) -> dict[str, Any] | None:
        channel_id = int(interaction.payload["channel_id"])
        ephemeral = bool(data.get("flags", 0) & EPHEMERAL)
        if kind == 4:
            message = self._store(channel_id, _checked(data), ephemeral, interaction.user_id)
        elif kind == 5:
            message = self._store(channel_id, {"content": "", "flags": LOADING}, ephemeral, interaction.user_id)
        else:  # 6 or 7: the message the component is on
            message = self.messages[int(interaction.payload["message"]["id"])]
            if kind == 7:
                _update(message, data)
        interaction.original = int(message["id"])
        return message if kind in (4, 5) else None

    async def _followup(self, params: dict[str, str], body: Any, request: web.Request) -> dict[str, Any]:
        interaction = self._acknowledged(params)
        ephemeral = bool(body.get("flags", 0) & EPHEMERAL)
        message = self._store(int(interaction.payload["channel_id"]), _checked(body), ephemeral, interaction.user_id)
        interaction.followups.append(int(message["id"]))
        return message

    async def _edit_original(self, params: dict[str, str], body: Any, request: web.Request) -> dict[str, Any]:
        message = self._original(params)
        _update(message, body)
        message["flags"] = message.get("flags", 0) & ~LOADING
        return message

    async def _delete_original(self, params: dict[str, str], body: Any, request: web.Request) -> None:
        message = self._original(params)
        del self.messages[int(message["id"])]

    async def _open_dm(self, params: dict[str, str], body: Any, request: web.Request) -> dict[str, Any]:
        user = self.users.get(int(body.get("recipient_id", 0)))
        if user is None:
            raise ApiError(400, 50033, "Invalid Recipient(s)")
        return self.channels[self.dm_channel(user)]

    async def _send(self, params: dict[str, str], body: Any, request: web.Request) -> dict[str, Any]:
        channel = self._writable(int(params["channel"]))
        reference = body.get("message_reference")
        if reference and int(reference["message_id"]) not in self.messages and reference.get("fail_if_not_exists"):
            raise invalid("message_reference: Unknown message")
        return self._store(int(channel["id"]), _checked(body), False, None)

    async def _typing(self, params: dict[str, str], body: Any, request: web.Request) -> None:
        self._writable(int(params["channel"]))

    # state

    def _writable(self, channel_id: int) -> dict[str, Any]:
        channel = self.channels.get(channel_id)
        if channel is None:
            raise ApiError(404, 10003, "Unknown Channel")
        if channel["type"] == 1 and int(channel["recipients"][0]["id"]) in self.closed_dms:
            raise ApiError(403, 50007, "Cannot send messages to this user")
        return channel

    def _acknowledged(self, params: dict[str, str]) -> Interaction:
        if int(params["app"]) != APP_ID:
            raise ApiError(404, 10015, "Unknown Webhook")
        for interaction in self.interactions.values():
            if interaction.payload["token"] == params["token"] and interaction.response_type is not None:
                if time.monotonic() - interaction.dispatched_at > 15 * 60:
                    raise ApiError(401, 50027, "Invalid Webhook Token")
                return interaction
        raise ApiError(404, 10015, "Unknown Webhook")

    def _original(self, params: dict[str, str]) -> dict[str, Any]:
        interaction = self._acknowledged(params)
        if interaction.original is None or interaction.original not in self.messages:
            raise ApiError(404, 10008, "Unknown Message")
        return self.messages[interaction.original]

    def _store(self, channel_id: int, content: dict[str, Any], ephemeral: bool, viewer: int | None) -> dict[str, Any]:
        message = self._message(channel_id, self.bot_user(), content.get("content") or "")
        message |= {key: content[key] for key in ("embeds", "components") if key in content}
        message["flags"] = content.get("flags", 0) | (EPHEMERAL if ephemeral else 0)
        for key in ("message_reference", "allowed_mentions"):
            if key in content:
                message[key] = content[key]
        if self.channels[channel_id]["type"] == 0:
            message["guild_id"] = str(GUILD_ID)
        if ephemeral and viewer is not None:
            self.visible_to[int(message["id"])] = viewer
        self.messages[int(message["id"])] = message
        return message

    # the gateway

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        session = _Session(ws, request.query.get("compress"))
        self._sockets.append(session)
        try:
            await session.send({"op": 10, "d": {"heartbeat_interval": self.heartbeat_ms}, "s": None, "t": None})
            async for frame in ws:
                if frame.type is not WSMsgType.TEXT:
                    continue
                await self._on_gateway(session, json.loads(frame.data))
        finally:
            self._sockets.remove(session)
        return ws

    async def _on_gateway(self, session: _Session, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d") or {}
        if op == 1:
            self.heartbeats += 1
            await session.send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            self.identifies.append(data)
            if data.get("token") != self.token:
                await session.ws.close(code=4004, message=b"Authentication failed.")
            elif int(data.get("intents", 0)) & PRIVILEGED_INTENTS:
                await session.ws.close(code=4014, message=b"Disallowed intent(s).")
            else:
                session.identified = True
                await session.send({"op": 0, "t": "READY", "s": session.next_seq(), "d": self._ready_payload(data)})
                self._ready.set()
        elif op == 6:  # no session to resume: start a new one
            await session.send({"op": 9, "d": False, "s": None, "t": None})

    def _ready_payload(self, identify: dict[str, Any]) -> dict[str, Any]:
        return {
            "v": 10, "user": self.bot_user(), "guilds": [], "session_id": "fake-session", "session_type": "normal",
            "resume_gateway_url": self.gateway_url, "shard": identify.get("shard", [0, 1]),
            "application": {"id": str(APP_ID), "flags": 0}, "private_channels": [], "relationships": [],
            "presences": [], "user_settings": {}, "guild_join_requests": [], "geo_ordered_rtc_regions": [],
        }  # fmt: skip


class _Session:
    """One gateway connection, compressing as the client asked."""

    def __init__(self, ws: web.WebSocketResponse, compress: str | None) -> None:
        self.ws = ws
        self.identified = False
        self._seq = itertools.count(1)
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self._zstd: Any = None
        if compress == "zstd-stream":
            import zstandard

            self._zstd = zstandard.ZstdCompressor().compressobj()
            self._zstd_flush = zstandard.COMPRESSOBJ_FLUSH_BLOCK

    def next_seq(self) -> int:
        return next(self._seq)

    async def send(self, payload: dict[str, Any]) -> None:
        text = json.dumps(payload).encode()
        if self._zlib is not None:
            await self.ws.send_bytes(self._zlib.compress(text) + self._zlib.flush(zlib.Z_SYNC_FLUSH))
        elif self._zstd is not None:
            await self.ws.send_bytes(self._zstd.compress(text) + self._zstd.flush(self._zstd_flush))
        else:
            await self.ws.send_str(text.decode())


def _error(exc: ApiError) -> web.Response:
    if exc.status == 429:
        body = {"message": exc.message, "retry_after": exc.retry_after, "global": False}
        headers = {
            "Retry-After": str(max(1, round(exc.retry_after or 0))),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": str(exc.retry_after),
            "X-RateLimit-Bucket": "fake-bucket",
            "X-RateLimit-Scope": "user",
            "Via": "1.1 google",  # discord.py takes a 429 without it for a Cloudflare ban
        }
        return _json(body, 429, headers)
    return _json({"message": exc.message, "code": exc.code}, exc.status)


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # exactly 'application/json', as Discord sends it: discord.py reads any other content type as text
    headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(body=json.dumps(data).encode(), status=status, headers=headers)


def _checked(data: dict[str, Any]) -> dict[str, Any]:
    """A message's content, embeds and components as Discord accepts them, else ApiError as Discord answers."""
    content = data.get("content") or ""
    if len(content) > MAX_CONTENT:
        raise invalid(f"content: Must be {MAX_CONTENT} or fewer in length.")
    embeds = data.get("embeds") or []
    components = data.get("components") or []
    if not content.strip() and not embeds and not components:
        raise ApiError(400, 50006, "Cannot send an empty message")
    _check_embeds(embeds)
    _check_components(components)
    return data


def _check_embeds(embeds: list[dict[str, Any]]) -> None:
    if len(embeds) > MAX_EMBEDS:
        raise invalid("embeds: at most 10")
    total = 0
    for embed in embeds:
        title, description = embed.get("title") or "", embed.get("description") or ""
        if len(title) > MAX_EMBED_TITLE or len(description) > MAX_EMBED_DESCRIPTION:
            raise invalid("embeds: title or description too long")
        total += len(title) + len(description)
    if total > MAX_EMBED_TOTAL:
        raise invalid("embeds: Embed size exceeds maximum size of 6000")


def _check_components(rows: list[dict[str, Any]]) -> None:
    if len(rows) > MAX_ROWS:
        raise invalid("components: Must be 5 or fewer in length.")
    seen: set[str] = set()
    for row in rows:
        items = row.get("components") or []
        if row.get("type") != 1 or not items:
            raise invalid("components: an action row holds one to five components")
        kinds = {item.get("type") for item in items}
        if kinds == {2}:
            if len(items) > MAX_ROW_BUTTONS:
                raise invalid("components: Must be 5 or fewer in length.")
        elif kinds != {3} or len(items) != 1:
            raise invalid("components: a select menu fills its row alone")
        for item in items:
            custom_id = item.get("custom_id") or ""
            if not 1 <= len(custom_id) <= MAX_CUSTOM_ID or custom_id in seen:
                raise invalid("custom_id: 1 to 100 characters, unique within the message")
            seen.add(custom_id)
            if item["type"] == 2 and not 1 <= len(item.get("label") or "") <= MAX_BUTTON_LABEL:
                raise invalid("label: Must be between 1 and 80 in length.")
            if item["type"] == 3:
                _check_options(item.get("options") or [])


def _check_options(options: list[dict[str, Any]]) -> None:
    values = [o.get("value") or "" for o in options]
    if not 1 <= len(options) <= MAX_OPTIONS or len(set(values)) != len(values):
        raise invalid("options: 1 to 25, with unique values")
    for option in options:
        if not 1 <= len(option.get("label") or "") <= MAX_OPTION_TEXT or len(option["value"]) > MAX_OPTION_TEXT:
            raise invalid("options: label and value of 1 to 100 characters")


def _check_command(command: dict[str, Any]) -> None:
    _check_name(command.get("name"), command.get("name_localizations"))
    _check_description(command.get("description"), command.get("description_localizations"))
    options = command.get("options") or []
    if len(options) > 25:
        raise invalid("options: at most 25")
    required = [bool(o.get("required")) for o in options]
    if required != sorted(required, reverse=True):
        raise invalid("options: required options must be placed before non-required options")
    for option in options:
        _check_name(option.get("name"), option.get("name_localizations"))
        _check_description(option.get("description"), option.get("description_localizations"))


def _check_name(name: object, localized: dict[str, str] | None) -> None:
    for value in [name, *(localized or {}).values()]:
        if not isinstance(value, str) or not _NAME.match(value) or value.lower() != value:
            raise invalid(f"name: {value!r} does not match the command name rules")
    _check_locales(localized)


def _check_description(description: object, localized: dict[str, str] | None) -> None:
    for value in [description, *(localized or {}).values()]:
        if not isinstance(value, str) or not 1 <= len(value) <= 100:
            raise invalid("description: Must be between 1 and 100 in length.")
    _check_locales(localized)


def _check_locales(localized: dict[str, str] | None) -> None:
    unknown = set(localized or {}) - _LOCALES
    if unknown:
        raise invalid(f"Invalid Locale: {sorted(unknown)}")


def _update(message: dict[str, Any], data: dict[str, Any]) -> None:
    checked = {**message, **{k: v for k, v in data.items() if k in ("content", "embeds", "components")}}
    _checked(checked)
    for key in ("content", "embeds", "components"):
        if key in data:
            message[key] = data[key] if data[key] is not None else ([] if key != "content" else "")
    message["edited_timestamp"] = _now()


def _member(user: dict[str, Any]) -> dict[str, Any]:
    return {"user": user, "roles": [], "joined_at": "2026-09-01T08:00:00+00:00", "deaf": False, "mute": False,
            "flags": 0, "pending": False, "nick": None, "avatar": None, "premium_since": None,
            "communication_disabled_until": None}  # fmt: skip


def _now() -> str:
    return datetime.now(UTC).isoformat()
