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


class IndexUnavailable(RuntimeError):
    """The vector index cannot be read (its files are missing or corrupt, its server is down): `tutor ingest`
    rebuilds it from the registry and the course files."""


class VectorIndex(Protocol):
    """Stores vectors with their text and metadata, and answers nearest-neighbour queries by cosine similarity.

    ``where`` filters are Chroma's: ``{"field": value}``, ``{"field": {"$in": [...]}}`` and ``{"$and": [...]}``.
    """

    def upsert(
        self, ids: Sequence[str], vectors: np.ndarray, texts: Sequence[str], metadatas: Sequence[dict[str, Any]]
    ) -> None:
        """Add or replace vectors."""
        ...

    def delete(self, ids: Sequence[str]) -> None:
        """Remove vectors by id (ids not stored are ignored)."""
        ...

    def query(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """The k nearest vectors as (id, cosine similarity), best first."""
        ...

    def query_with_metadata(
        self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float, dict[str, Any]]]:
        """The k nearest vectors as (id, cosine similarity, metadata), best first."""
        ...

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by id; ids not stored are left out."""
        ...

    def everything(self) -> list[tuple[str, np.ndarray, dict[str, Any]]]:
        """Every stored vector as (id, vector, metadata)."""
        ...

    def ids(self) -> set[str]:
        """Every id stored."""
        ...

    def count(self) -> int:
        """How many vectors are stored."""
        ...


class ChatReply(Protocol):
    """What a chat model answers: a message whose content is text (or a LangChain list of content blocks)."""

    @property
    def content(self) -> object: ...


class ChatModel(Protocol):
    """An optional LLM that writes answers; a LangChain chat model satisfies it as it is."""

    async def ainvoke(self, messages: Sequence[tuple[str, str]], /) -> ChatReply:
        """The model's reply to (role, text) messages."""
        ...


class Outbox(Protocol):
    """Pushes the learner did not ask for (reminders, a tutor's message); each adapter implements it."""

    async def send(self, recipient: Recipient, replies: Sequence[Reply]) -> Delivery: ...


class Clock(Protocol):
    """The current time, in UTC."""

    def now(self) -> datetime: ...
