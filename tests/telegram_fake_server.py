"""A fake Telegram Bot API on 127.0.0.1 (aiohttp): speaks what PTB 22.8 expects, records every call, enforces the
real limits and answers errors as Telegram does ({"ok": false, "error_code": ..., "description": ...})."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import itertools
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiohttp import web
from telegram.ext import Application

BOT_ID = 7000000001
BOT_USERNAME = "caire_tutor_bot"
TOKEN = f"{BOT_ID}:AAF-fake-token-for-tests"

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
MAX_EXPLANATION = 200
MAX_QUESTION = 300
MAX_OPTION = 100
MAX_OPTIONS = 12
MAX_ALERT = 200
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)

# Parameters that PTB sends as raw strings; every other value is JSON-encoded.
_STRING_PARAMS = {
    "text",
    "question",
    "explanation",
    "parse_mode",
    "explanation_parse_mode",
    "question_parse_mode",
    "callback_query_id",
    "language_code",
    "action",
    "type",
    "secret_token",
    "url",
    "inline_message_id",
}
_HTML_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "span",
    "blockquote",
    "tg-emoji",
}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, code: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


@dataclass
class Call:
    """One Bot API request as the fake received it."""

    method: str
    params: dict[str, Any]
    error: str | None = None  # the description of the error answered, if any
    result: Any = None  # what was answered on success


@dataclass
class FakeTelegram:
    """Queue updates with ``push``; read ``calls``; ``block`` a chat (403); ``flood`` a method once (429)."""

    token: str = TOKEN
    calls: list[Call] = field(default_factory=list)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    users: set[int] = field(default_factory=set)  # people the bot has seen, private chat or not
    base_url: str = ""

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(800000001)
        self._message_ids = itertools.count(101)
        self._ids = itertools.count(1)
        self._queries: dict[str, bool] = {}  # callback query id -> answered
        self._failures: dict[str, ApiError] = {}
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._methods: dict[str, Callable[[dict[str, Any]], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._true,
            "setWebhook": self._true,
            "getWebhookInfo": self._webhook_info,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_text,
            "editMessageReplyMarkup": self._edit_markup,
            "answerCallbackQuery": self._answer_callback,
            "sendChatAction": self._chat_action,
            "setMyCommands": self._set_commands,
            "getMyCommands": self._get_commands,
            "sendPoll": self._send_poll,
        }

    # life cycle

    async def start(self) -> str:
        """Listens on a free port of 127.0.0.1; returns the base URL to give PTB."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}/bot"
        return self.base_url

    async def close(self) -> None:
        """Ends pending long polls and stops the server."""
        self._closing = True
        self._changed.set()
        if self._runner is not None:
            await self._runner.cleanup()

    # what tests use

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queues an update (an update_id is given if missing) for the next getUpdates."""
        update.setdefault("update_id", next(self._update_ids))
        for chat in _chats_in(update):
            self.chats.setdefault(chat["id"], chat)
        for kind in ("message", "callback_query", "poll_answer"):
            sender = (update.get(kind) or {}).get("from") or (update.get(kind) or {}).get("user")
            if sender:
                self.users.add(sender["id"])
        if "callback_query" in update:
            self._queries[update["callback_query"]["id"]] = False
        self._updates.append(update)
        self._changed.set()
        return update

    def add_private_chat(self, learner: dict[str, Any]) -> None:
        """The learner has started the bot: it may write to them."""
        self.chats[learner["id"]] = {"id": learner["id"], "first_name": learner["first_name"], "type": "private"}

    def flood(self, method: str, retry_after: int = 1) -> None:
        """The next call to ``method`` is answered 429 Too Many Requests."""
        self.fail_next(method, ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after))

    def fail_next(self, method: str, error: ApiError) -> None:
        """The next call to ``method`` is answered with this error."""
        self._failures[method] = error

    def calls_to(self, method: str, chat_id: int | None = None) -> list[Call]:
        """The successful calls to a method, optionally to one chat."""
        return [
            c
            for c in self.calls
            if c.method == method and c.error is None and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    async def wait_for(
        self, method: str, chat_id: int | None = None, count: int = 1, timeout: float = 5.0
    ) -> list[Call]:
        """Waits until ``count`` successful calls to ``method`` (in that chat) were made; returns them."""
        deadline = time.monotonic() + timeout
        while len(self.calls_to(method, chat_id)) < count:
            if time.monotonic() > deadline:
                seen = [(c.method, c.params.get("chat_id"), c.error) for c in self.calls]
                raise AssertionError(f"no {count} x {method} to {chat_id} within {timeout}s; calls: {seen}")
            await asyncio.sleep(0.01)
        return self.calls_to(method, chat_id)

    def new_callback(self, user: dict[str, Any], message: dict[str, Any], data: str) -> dict[str, Any]:
        """A callback_query update for a button of a message the bot sent."""
        query_id = str(4000000000000000000 + next(self._ids))
        return {
            "callback_query": {
                "id": query_id,
                "from": user,
                "message": copy.deepcopy(message),
                "chat_instance": "-5123456789012345678",
                "data": data,
            }
        }

    # the HTTP side

    async def _dispatch(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        params = await _params(request)
        call = Call(method, params)
        if method != "getUpdates":
            self.calls.append(call)
        try:
            if method not in self._methods:
                raise ApiError(404, "Not Found")
            if method in self._failures:
                raise self._failures.pop(method)
            call.result = await self._methods[method](params)
        except ApiError as exc:
            call.error = exc.description
            return _error(exc)
        return web.json_response({"ok": True, "result": call.result})

    # methods

    async def _true(self, params: dict[str, Any]) -> bool:
        return True

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        timeout = float(params.get("timeout") or 0)
        if not self._updates and timeout > 0 and not self._closing:
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)
        return self._updates[: int(params.get("limit") or 100)]

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._writable_chat(params["chat_id"])
        text = self._text(params.get("text", ""), params.get("parse_mode"))
        markup = _checked_markup(params.get("reply_markup"))
        message = self._message(chat, text=text, reply_markup=markup)
        return message

    async def _send_poll(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._writable_chat(params["chat_id"])
        question = params.get("question", "")
        if not 1 <= _units(question) <= MAX_QUESTION:
            raise ApiError(400, "Bad Request: poll question length must not exceed 300")
        options = [o["text"] if isinstance(o, dict) else str(o) for o in params.get("options", [])]
        if not 2 <= len(options) <= MAX_OPTIONS:
            raise ApiError(400, "Bad Request: poll must have 2-12 options")
        if any(not 1 <= _units(o) <= MAX_OPTION for o in options):
            raise ApiError(400, "Bad Request: poll options length must not exceed 100")
        kind = params.get("type", "regular")
        correct = params.get("correct_option_ids")
        if correct is None and "correct_option_id" in params:
            correct = [params["correct_option_id"]]
        if kind == "quiz" and (not correct or any(not 0 <= i < len(options) for i in correct)):
            raise ApiError(400, "Bad Request: wrong correct option ids specified")
        explanation = params.get("explanation")
        if explanation is not None and (_units(explanation) > MAX_EXPLANATION or explanation.count("\n") > 2):
            raise ApiError(400, "Bad Request: explanation is too long")
        poll: dict[str, Any] = {
            "id": str(5000000000000000000 + next(self._ids)),
            "question": question,
            "options": [{"text": o, "voter_count": 0, "persistent_id": str(i)} for i, o in enumerate(options)],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": params.get("is_anonymous", True),
            "type": kind,
            "allows_multiple_answers": params.get("allows_multiple_answers", False),
            "allows_revoting": params.get("allows_revoting", False),
            "members_only": params.get("members_only", False),
        }
        if kind == "quiz":
            poll["correct_option_ids"] = correct
            if explanation:
                poll["explanation"] = explanation
        return self._message(chat, poll=poll)

    async def _edit_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(params)
        markup = _checked_markup(params.get("reply_markup"))
        if markup == message.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        _set_markup(message, markup)
        return message

    async def _edit_text(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(params)
        text = self._text(params.get("text", ""), params.get("parse_mode"))
        markup = _checked_markup(params.get("reply_markup"))
        if text == message.get("text") and markup == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        message["text"] = text
        _set_markup(message, markup)
        return message

    async def _answer_callback(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id"))
        if self._queries.get(query_id, True):
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        if len(params.get("text") or "") > MAX_ALERT:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._queries[query_id] = True
        return True

    async def _chat_action(self, params: dict[str, Any]) -> bool:
        self._writable_chat(params["chat_id"])
        if params.get("action") not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    async def _set_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands", [])
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        for command in commands:
            if not _COMMAND.match(command.get("command", "")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        language = params.get("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise ApiError(400, "Bad Request: LANG_CODE_INVALID")
        self.commands[language] = commands
        return True

    async def _get_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands.get(params.get("language_code") or "", [])

    # helpers

    def bot_user(self) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "CAIRE tuteur", "username": BOT_USERNAME}

    def _writable_chat(self, chat_id: Any) -> dict[str, Any]:
        if isinstance(chat_id, int) and chat_id not in self.chats and chat_id in self.users:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        if not isinstance(chat_id, int) or chat_id not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return self.chats[chat_id]

    def _text(self, text: str, parse_mode: str | None) -> str:
        visible = _parse_html(text) if (parse_mode or "").upper() == "HTML" else text
        visible = visible.strip()
        if not visible:
            raise ApiError(400, "Bad Request: message text is empty")
        if _units(visible) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        return visible

    def _message(self, chat: dict[str, Any], **content: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids),
            "from": self.bot_user(),
            "chat": chat,
            "date": int(time.time()),
            **{k: v for k, v in content.items() if v is not None},
        }
        self.messages[(chat["id"], message["message_id"])] = message
        return message

    def _editable(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._writable_chat(params.get("chat_id"))
        message = self.messages.get((chat["id"], params.get("message_id", 0)))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message


def _chats_in(update: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for kind in ("message", "edited_message"):
        if kind in update:
            found.append(update[kind]["chat"])
    if "callback_query" in update and "message" in update["callback_query"]:
        found.append(update["callback_query"]["message"]["chat"])
    user = (update.get("poll_answer") or {}).get("user")
    if user:
        found.append({"id": user["id"], "first_name": user["first_name"], "type": "private"})
    return found


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        return dict(await request.json())
    form = await request.post()
    return {key: _decode(key, value) for key, value in form.items() if isinstance(value, str)}


def _decode(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _error(exc: ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return web.json_response(body, status=exc.code)


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _parse_html(text: str) -> str:
    """The visible text of Telegram HTML; ApiError as Telegram answers for what it cannot parse."""
    visible: list[str] = []
    open_tags: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            tag = _TAG.match(text, i)
            if tag is None:
                raise ApiError(400, f"Bad Request: can't parse entities: unexpected character '<' at offset {i}")
            closing, name = tag.group(1) == "/", tag.group(2).lower()
            if name not in _HTML_TAGS:
                raise ApiError(400, f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" at offset {i}')
            if closing:
                if not open_tags or open_tags.pop() != name:
                    raise ApiError(400, f"Bad Request: can't parse entities: Unexpected end tag at offset {i}")
            else:
                open_tags.append(name)
            i = tag.end()
        elif char == ">":
            raise ApiError(400, f"Bad Request: can't parse entities: unexpected character '>' at offset {i}")
        elif char == "&":
            entity = _ENTITY.match(text, i)
            if entity is None:
                raise ApiError(400, f"Bad Request: can't parse entities: unescaped '&' at offset {i}")
            visible.append(html.unescape(entity.group(0)))
            i = entity.end()
        else:
            visible.append(char)
            i += 1
    if open_tags:
        unclosed = open_tags[-1]
        raise ApiError(
            400, f"Bad Request: can't parse entities: Can't find end tag corresponding to start tag {unclosed}"
        )
    return "".join(visible)


def _checked_markup(markup: Any) -> dict[str, Any] | None:
    if not markup:
        return None
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for button in (b for row in rows for b in row):
        if not button.get("text"):
            raise ApiError(400, "Bad Request: BUTTON_TEXT_INVALID")
        data = button.get("callback_data")
        if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return {"inline_keyboard": rows}


def _set_markup(message: dict[str, Any], markup: dict[str, Any] | None) -> None:
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = markup


# payload builders, shaped like Telegram's


def user(user_id: int, first_name: str = "Alice", language_code: str | None = "fr") -> dict[str, Any]:
    """A learner as Telegram describes them in updates."""
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if language_code:
        data["language_code"] = language_code
    return data


def private_message(sender: dict[str, Any], text: str, message_id: int = 1) -> dict[str, Any]:
    """A message update in the learner's private chat with the bot; commands carry their bot_command entity."""
    chat = {"id": sender["id"], "first_name": sender["first_name"], "type": "private"}
    message: dict[str, Any] = {"message_id": message_id, "from": sender, "chat": chat, "date": int(time.time())}
    message["text"] = text
    if text.startswith("/"):
        message["entities"] = [{"offset": 0, "length": _units(text.split()[0]), "type": "bot_command"}]
    return {"message": message}


@contextlib.asynccontextmanager
async def polling(application: Application, allowed_updates: list[str]) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Runs a PTB application against the fake as ``run_polling`` would (post_init included), then shuts it down."""
    async with application:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=timedelta(seconds=1), allowed_updates=allowed_updates)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
