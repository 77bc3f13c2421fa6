"""Fakes of the ports: deterministic, fast, no model files."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import numpy as np

from tutor.domain import Delivery, Recipient, Reply
from tutor.retrieval.lexical import Tokenizer


class FakeEmbedder:
    """Bag of stemmed words hashed into 4096 dimensions: similar wording gives similar vectors."""

    name = "fake"
    dim = 4096

    def __init__(self) -> None:
        self._fr = Tokenizer("fr")
        self._en = Tokenizer("en")
        self.calls = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for tok in set(self._fr(text)) | set(self._en(text)):
            v[int(hashlib.md5(tok.encode()).hexdigest(), 16) % self.dim] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        self.calls += 1
        return self._vec(text)


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class InMemoryOutbox:
    """Collects pushes; can be told that some learners blocked the bot."""

    def __init__(self) -> None:
        self.sent: list[tuple[Recipient, list[Reply]]] = []
        self.blocked: set[str] = set()

    async def send(self, recipient: Recipient, replies: Sequence[Reply]) -> Delivery:
        if recipient.learner_id in self.blocked:
            return Delivery.UNREACHABLE
        self.sent.append((recipient, list(replies)))
        return Delivery.SENT

    def to(self, learner_id: str) -> list[list[Reply]]:
        return [replies for r, replies in self.sent if r.learner_id == learner_id]
