"""From a question to a grounded answer, or an honest 'not in the course'."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import numpy as np

from tutor.answering.extractive import extract
from tutor.answering.generative import generate
from tutor.domain import Citation, Passage
from tutor.messages import t
from tutor.ports import ChatModel, Embedder
from tutor.retrieval.hybrid import Filters, HybridRetriever

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    """The text shown to the learner, what it cites, and whether the tutor abstained."""

    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    confidence: float


class Answerer:
    """Retrieves, decides whether the course answers, then answers extractively or with the chat model."""

    def __init__(
        self,
        retriever: HybridRetriever,
        embedder: Embedder,
        min_confidence: float,
        top_k: int = 5,
        chat_model: ChatModel | None = None,
        cross_lingual_min_confidence: float | None = None,
    ) -> None:
        self.retriever = retriever
        self.embedder = embedder
        self.min_confidence = min_confidence
        self.cross_lingual_min_confidence = (
            min_confidence if cross_lingual_min_confidence is None else cross_lingual_min_confidence
        )
        self.top_k = top_k
        self.chat_model = chat_model

    def confident(self, passages: list[Passage], cross_lingual: bool = False) -> bool:
        """Whether some retrieved passage is close enough to the question to answer from it; a question in another
        language than the passages is held to the lower cross-lingual threshold."""
        threshold = self.cross_lingual_min_confidence if cross_lingual else self.min_confidence
        return confidence(passages) >= threshold

    async def answer(self, question: str, filters: Filters, query_lang: str | None = None) -> Answer:
        """A grounded answer in ``filters.lang``, or an abstention when retrieval confidence is low. The question is
        embedded once: retrieval and the extractive answer share its vector."""
        qv, passages = await asyncio.to_thread(self._retrieve, question, filters, query_lang)
        lang = filters.lang
        best = confidence(passages)
        if not self.confident(passages, cross_lingual=query_lang not in (None, lang)):
            return Answer(t("abstain", lang), (), True, best)
        passages = passages[:3]
        if self.chat_model is not None:
            generated = await self._generated(self.chat_model, question, passages, lang)
            if generated is not None:
                return generated
        return await asyncio.to_thread(self._extractive, question, qv, passages, lang, best)

    def _retrieve(self, question: str, filters: Filters, query_lang: str | None) -> tuple[np.ndarray, list[Passage]]:
        qv = self.embedder.embed_query(question)
        return qv, self.retriever.search(question, filters, self.top_k, "hybrid", query_lang, query_vector=qv)

    async def _generated(self, model: ChatModel, question: str, passages: list[Passage], lang: str) -> Answer | None:
        try:
            result = await generate(model, question, passages, lang)
        except Exception:  # an unreachable LLM must not take the tutor down: fall back to extractive
            log.warning("chat model failed; answering extractively", exc_info=True)
            return None
        if result is None:
            log.info("generated answer failed the citation check; answering extractively")
            return None
        if result.not_in_course:
            return Answer(t("abstain", lang), (), True, passages[0].dense_score)
        cites = tuple(passages[i].citation() for i in result.used)
        return Answer(result.text, _unique(cites), False, passages[0].dense_score)

    def _extractive(
        self, question: str, query_vector: np.ndarray, passages: list[Passage], lang: str, best: float
    ) -> Answer:
        extracts = extract(question, passages, self.embedder, lang, query_vector=query_vector)
        if not extracts:
            return Answer(t("abstain", lang), (), True, best)
        order = list(dict.fromkeys(e.passage_index for e in extracts))
        cites = _unique(tuple(passages[i].citation() for i in order))
        lines = [t("answer_intro", lang)]
        for i in order:
            quote = " ".join(e.sentence for e in extracts if e.passage_index == i)
            lines.append(f"« {quote} » [{cites.index(passages[i].citation()) + 1}]")
        return Answer("\n\n".join(lines), cites, False, best)


def confidence(passages: list[Passage]) -> float:
    """How close the question comes to the course: the highest similarity of a retrieved passage, or of a quiz
    question of its section (the course asks about it, so it teaches it)."""
    return max((max(p.dense_score, p.scores.get("questions", 0.0)) for p in passages), default=0.0)


def _unique(cites: tuple[Citation, ...]) -> tuple[Citation, ...]:
    return tuple(dict.fromkeys(cites))
