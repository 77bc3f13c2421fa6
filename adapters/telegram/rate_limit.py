"""Telegram's flood limits, applied to every Bot API call that targets a chat.

About 30 messages a second overall, about one a second in a chat (short bursts are tolerated) and 20 a minute in a
group. PTB's ``AIORateLimiter`` covers the overall and group limits but not the per-chat one, and counts chat actions
against a group's 20 a minute; this limiter adds the first and leaves 'typing…' out.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import BaseRateLimiter

UNLIMITED = frozenset({"sendChatAction", "answerCallbackQuery"})
_Result = bool | dict[str, Any] | list[dict[str, Any]]


class ChatRateLimiter(BaseRateLimiter[int]):
    """Leaky buckets: one overall, one per chat; group chats (negative ids, @channel names) get the group limit."""

    def __init__(
        self,
        per_second: float = 30,
        chat_per_second: float = 1,
        chat_burst: float = 3,
        group_per_minute: float = 20,
        max_idle_buckets: int = 1024,
    ) -> None:
        self._overall = AsyncLimiter(per_second, 1)
        self._chat_per_second = chat_per_second
        self._chat_burst = chat_burst  # the bucket's size: how many messages may go at once before it drains
        self._group_per_minute = group_per_minute
        self._max_idle_buckets = max_idle_buckets
        self._chats: dict[int | str, AsyncLimiter] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, _Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> _Result:
        """Waits for room in the chat's bucket, then in the overall one, then calls the Bot API."""
        chat_id = data.get("chat_id")
        if chat_id is None or endpoint in UNLIMITED:
            return await callback(*args, **kwargs)
        async with self._bucket(chat_id), self._overall:
            return await callback(*args, **kwargs)

    def _bucket(self, chat_id: int | str) -> AsyncLimiter:
        if len(self._chats) > self._max_idle_buckets:
            for key, bucket in list(self._chats.items()):
                if bucket.has_capacity(bucket.max_rate):  # drained: forgetting it changes nothing
                    del self._chats[key]
        if chat_id not in self._chats:
            self._chats[chat_id] = self._new_bucket(chat_id)
        return self._chats[chat_id]

    def _new_bucket(self, chat_id: int | str) -> AsyncLimiter:
        try:
            is_group = int(chat_id) < 0
        except ValueError:
            is_group = True  # '@name' addresses a channel or a public supergroup
        if is_group:
            return AsyncLimiter(self._group_per_minute, 60)
        return AsyncLimiter(self._chat_burst, self._chat_burst / self._chat_per_second)
