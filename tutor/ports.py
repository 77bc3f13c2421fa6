"""Ports: the small interfaces behind which external pieces sit. Tests use fakes of these."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

import numpy as np

from tutor.domain import Delivery, Recipient, Reply


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; queries and passages may be embedded differently."""

    name: str

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class VectorIndex(Protocol):
    """Stores chunk vectors with metadata and answers nearest-neighbour queries."""

    def upsert(
        self, ids: Sequence[str], vectors: np.ndarray, texts: Sequence[str], metadatas: Sequence[dict[str, Any]]
    ) -> None: ...

    def delete(self, ids: Sequence[str]) -> None: ...

    def query(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]: ...

    def count(self) -> int: ...


class Outbox(Protocol):
    """Pushes the learner did not ask for (reminders, a tutor's message); each adapter implements it."""

    async def send(self, recipient: Recipient, replies: Sequence[Reply]) -> Delivery: ...


class Clock(Protocol):
    """The current time, in UTC."""

    def now(self) -> datetime: ...
