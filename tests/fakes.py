"""Fakes of the ports: deterministic, fast, no model files."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

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
        self.queries: list[str] = []  # every text embedded as a query, in order

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
        self.queries.append(text)
        return self._vec(text)


def matches(metadata: dict[str, Any], where: dict[str, Any] | None) -> bool:
    """Whether metadata passes a Chroma ``where`` clause: ``$and``/``$or`` of clauses, ``{field: value}`` and
    ``{field: {op: operand}}`` with ``$eq``, ``$ne``, ``$in``, ``$nin``, ``$gt``, ``$gte``, ``$lt``, ``$lte``."""
    if not where:
        return True
    for key, cond in where.items():
        if key in ("$and", "$or") and len(cond) < 2:
            raise ValueError(f"{key} needs at least two where expressions, as in Chroma")
        if key == "$and":
            ok = all(matches(metadata, c) for c in cond)
        elif key == "$or":
            ok = any(matches(metadata, c) for c in cond)
        elif isinstance(cond, dict):
            ok = all(_compare(metadata, key, op, operand) for op, operand in cond.items())
        else:
            ok = _compare(metadata, key, "$eq", cond)
        if not ok:
            return False
    return True


def _compare(metadata: dict[str, Any], key: str, op: str, operand: Any) -> bool:
    if key not in metadata:
        return op in ("$ne", "$nin")
    value = metadata[key]
    if op == "$eq":
        return bool(value == operand)
    if op == "$ne":
        return bool(value != operand)
    if op == "$in":
        return value in operand
    if op == "$nin":
        return value not in operand
    if op in ("$gt", "$gte", "$lt", "$lte"):
        return {"$gt": value > operand, "$gte": value >= operand, "$lt": value < operand, "$lte": value <= operand}[op]
    raise ValueError(f"unsupported where operator {op}")


class InMemoryVectorIndex:
    """The VectorIndex port in memory, with numpy: exact cosine similarity of L2-normalised vectors (Chroma's cosine
    space answers the same, approximately), Chroma's ``where`` filters. ``clone()`` copies the whole state."""

    def __init__(self) -> None:
        self._rows: dict[str, tuple[np.ndarray, str, dict[str, Any]]] = {}  # id -> (vector as given, text, metadata)
        self._matrix: tuple[list[str], np.ndarray] | None = None  # normalised vectors in id order, built on demand

    def clone(self) -> InMemoryVectorIndex:
        """An independent copy of this index."""
        return copy.deepcopy(self)

    def upsert(
        self, ids: Sequence[str], vectors: np.ndarray, texts: Sequence[str], metadatas: Sequence[dict[str, Any]]
    ) -> None:
        if not (len(ids) == len(vectors) == len(texts) == len(metadatas)):
            raise ValueError("ids, vectors, texts and metadatas differ in length")
        for i, v, t, m in zip(ids, vectors, texts, metadatas, strict=True):
            self._rows[i] = (np.array(v, dtype=np.float32), t, dict(m))
        self._matrix = None

    def delete(self, ids: Sequence[str]) -> None:
        for i in ids:
            self._rows.pop(i, None)
        self._matrix = None

    def query(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        return [(i, score) for i, score, _ in self.query_with_metadata(vector, k, where)]

    def query_with_metadata(
        self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float, dict[str, Any]]]:
        if self._matrix is None:
            ids = list(self._rows)
            m = np.stack([self._rows[i][0] for i in ids]) if ids else np.zeros((0, len(vector)), np.float32)
            norms = np.linalg.norm(m, axis=1, keepdims=True)
            self._matrix = (ids, m / np.where(norms > 0, norms, 1.0))
        ids, m = self._matrix
        allowed = [j for j, i in enumerate(ids) if matches(self._rows[i][2], where)]
        if not allowed or k <= 0:
            return []
        q = np.asarray(vector, dtype=np.float32)
        q = q / (np.linalg.norm(q) or 1.0)
        scores = m[allowed] @ q
        best = np.argsort(-scores, kind="stable")[:k]
        return [(ids[allowed[j]], float(scores[j]), dict(self._rows[ids[allowed[j]]][2])) for j in best]

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        return {i: self._rows[i][0].copy() for i in ids if i in self._rows}

    def everything(self) -> list[tuple[str, np.ndarray, dict[str, Any]]]:
        return [(i, v.copy(), dict(m)) for i, (v, _, m) in self._rows.items()]

    def ids(self) -> set[str]:
        return set(self._rows)

    def count(self) -> int:
        return len(self._rows)


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
