"""A fake OpenAI-compatible chat server on 127.0.0.1 (aiohttp): ``POST /v1/chat/completions`` as the OpenAI API
speaks it, answering from a script (a reply, a slow reply, an HTTP error) and recording every request it receives.

It checks what a real server checks (a bearer token, a model, messages with a role and text content) and refuses
streaming, which the tutor does not use: a change that starts streaming fails its tests here instead of passing."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

API_KEY = "sk-test-fake-key"
_ROLES = {"system", "user", "assistant", "developer", "tool"}


@dataclass(frozen=True)
class Step:
    """What the server does for one request: wait ``delay_s``, then answer ``content`` or fail with ``status``."""

    content: str = ""
    status: int = 200
    delay_s: float = 0.0


def reply(content: str) -> Step:
    """Answer at once with this text."""
    return Step(content)


def failure(status: int = 500) -> Step:
    """Fail with this HTTP status and an OpenAI-style error body."""
    return Step(status=status)


def slow(delay_s: float, content: str = "Trop tard [1].") -> Step:
    """Answer only after ``delay_s`` seconds."""
    return Step(content, delay_s=delay_s)


@dataclass
class FakeOpenAI:
    """The server's script and what it received: each request's JSON body and when it arrived."""

    script: list[Step] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    arrived: list[float] = field(default_factory=list)
    base_url: str = ""
    _release: asyncio.Event = field(default_factory=asyncio.Event)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    def messages(self, n: int = -1) -> list[dict[str, str]]:
        """The messages of request ``n`` (the last by default)."""
        return list(self.requests[n]["messages"])

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            return _error(401, "invalid_api_key", "Incorrect API key provided.")
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "invalid_request_error", "The body is not JSON.")
        problem = _invalid(body)
        if problem:
            return _error(400, "invalid_request_error", problem)
        self.requests.append(body)
        self.arrived.append(time.monotonic())
        step = self.script.pop(0) if self.script else failure(503)
        if step.delay_s:
            with contextlib.suppress(TimeoutError):  # released early when the test ends
                await asyncio.wait_for(self._release.wait(), step.delay_s)
        if step.status != 200:
            return _error(step.status, "server_error", "The fake server was told to fail.")
        return web.json_response(self._completion(body["model"], step.content))

    def _completion(self, model: str, content: str) -> dict[str, Any]:
        return {
            "id": f"chatcmpl-fake-{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }


def _invalid(body: Any) -> str | None:
    if not isinstance(body, dict) or not isinstance(body.get("model"), str) or not body["model"]:
        return "'model' is required."
    if body.get("stream"):
        return "This fake server does not stream."
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "'messages' must be a non-empty list."
    for m in messages:
        if not isinstance(m, dict) or m.get("role") not in _ROLES or not isinstance(m.get("content"), str):
            return "Each message needs a role and text content."
    return None


def _error(status: int, kind: str, message: str) -> web.Response:
    return web.json_response({"error": {"message": message, "type": kind, "param": None, "code": None}}, status=status)


@contextlib.asynccontextmanager
async def running(script: list[Step] | None = None) -> AsyncIterator[FakeOpenAI]:
    """The server listening on a free port of 127.0.0.1 for the time of the block; ``base_url`` ends in ``/v1``."""
    fake = FakeOpenAI(list(script or []))
    app = web.Application()
    app.router.add_post("/v1/chat/completions", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    fake.base_url = f"http://127.0.0.1:{port}/v1"
    try:
        yield fake
    finally:
        fake._release.set()
        await runner.cleanup()
