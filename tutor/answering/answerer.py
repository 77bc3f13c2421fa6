"""From a question to a grounded answer, or an honest 'not in the course'."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, replace

import numpy as np

from tutor.answering.course_terms import NEARBY, Cited, CourseTerms
from tutor.answering.extractive import extract
from tutor.answering.generative import generate
from tutor.answering.quoting import quotation
from tutor.answering.withheld import Withheld
from tutor.domain import Citation, Passage
from tutor.language import LANGUAGES
from tutor.messages import t
from tutor.ports import ChatModel, Embedder
from tutor.retrieval.embedders import query_future
from tutor.retrieval.hybrid import Filters, HybridRetriever

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    """The text shown to the learner, what it cites, and whether the tutor abstained."""

    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    confidence: float
    lang: str = ""  # the language it is written in ("": the learner's)
    withheld: bool = False  # not given: it would name the answer of the learner's open quiz question


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
        course_terms: CourseTerms | None = None,
        follow_question_language: bool = False,
    ) -> None:
        self.retriever = retriever
        self.embedder = embedder
        self.min_confidence = min_confidence
        self.cross_lingual_min_confidence = (
            min_confidence if cross_lingual_min_confidence is None else cross_lingual_min_confidence
        )
        self.top_k = top_k
        self.chat_model = chat_model
        self.course_terms = course_terms  # glossary definitions and what the course does not cover (issue 13)
        self.follow_question_language = follow_question_language

    def confident(self, passages: list[Passage], cross_lingual: bool = False) -> bool:
        """Whether some retrieved passage is close enough to the question to answer from it; a question in another
        language than the passages is held to the lower cross-lingual threshold."""
        threshold = self.cross_lingual_min_confidence if cross_lingual else self.min_confidence
        return confidence(passages) >= threshold

    def search_filters(self, filters: Filters, query_lang: str | None) -> Filters:
        """The passages a question is answered from: the learner's, in the question's language when it is clearly
        French or English and the tutor follows it (``follow_question_language``)."""
        if self.follow_question_language and query_lang in LANGUAGES and query_lang != filters.lang:
            return replace(filters, lang=query_lang)
        return filters

    async def answer(
        self, question: str, filters: Filters, query_lang: str | None = None, withheld: Withheld | None = None
    ) -> Answer:
        """A grounded answer in ``search_filters``' language (the question's, when followed, else the learner's), or
        an abstention when retrieval confidence is low. The question is
        embedded once: retrieval and the extractive answer share its vector. A question about something the course
        does not cover gets a reply that says so; a question asking what a glossary term is leads with its
        definition (``CourseTerms``). While a quiz question is open (``withheld``: its answer), passages naming the
        answer are set aside, for the chat model and the extractive answer alike; when what is left is not enough,
        or when the question or the answer names it, the answer is withheld."""
        filters = self.search_filters(filters, query_lang)
        lang = filters.lang
        if withheld is not None and withheld.names(question):  # answering would confirm the learner's guess
            return Answer("", (), False, 0.0, lang, withheld=True)
        qv = await self._query_vector(question)
        passages = await asyncio.to_thread(self._search, question, filters, query_lang, qv)
        cross_lingual = query_lang not in (None, lang)
        if withheld is not None:
            kept = [p for p in passages if not withheld.names(f"{p.module_title} {p.section_title} {p.text}")]
            if len(kept) < len(passages) and not self.confident(kept, cross_lingual):
                return Answer("", (), False, confidence(passages), lang, withheld=True)
            passages = kept
        answer = await self._answer(question, qv, passages, filters, cross_lingual, withheld)
        if withheld is not None and withheld.names(answer.text):  # a glossary definition, say
            return Answer("", (), False, answer.confidence, lang, withheld=True)
        return answer

    async def _answer(
        self,
        question: str,
        qv: np.ndarray,
        passages: list[Passage],
        filters: Filters,
        cross_lingual: bool,
        withheld: Withheld | None,
    ) -> Answer:
        lang = filters.lang
        best = confidence(passages)
        confident = self.confident(passages, cross_lingual=cross_lingual)
        terms = self.course_terms
        if terms is not None:
            not_covered = terms.not_covered(question, passages, lang, near=best >= self.min_confidence - NEARBY)
            if not_covered is not None:
                return Answer(not_covered.text, not_covered.citations, True, best, lang)
            definition = terms.definition(question, lang, filters.cohort)
            if definition is not None:
                answer = await self._grounded(question, qv, passages, lang, best, withheld) if confident else None
                return _lead_with(definition, answer, best, lang)
        if not confident:
            return Answer(t("abstain", lang), (), True, best, lang)
        return _in_language(await self._grounded(question, qv, passages, lang, best, withheld), lang)

    async def _grounded(
        self, question: str, qv: np.ndarray, passages: list[Passage], lang: str, best: float, withheld: Withheld | None
    ) -> Answer:
        """The answer from the top passages: the chat model's when it passes the checks, else extractive."""
        passages = passages[:3]
        if self.chat_model is not None:
            generated = await self._generated(self.chat_model, question, passages, lang, withheld)
            if generated is not None:
                return generated
        return await asyncio.to_thread(self._extractive, question, qv, passages, lang, best)

    def _search(self, question: str, filters: Filters, query_lang: str | None, qv: np.ndarray) -> list[Passage]:
        passages = self.retriever.search(question, filters, self.top_k, "hybrid", query_lang, query_vector=qv)
        if self.course_terms is not None:
            self.course_terms.coverage()  # built here, in a worker thread, when the catalog is new: not on the loop
        return passages

    async def _query_vector(self, question: str) -> np.ndarray:
        """The question embedded once; waited for without a worker thread when the embedder batches, so that every
        learner asking at the same moment joins the same encoder call."""
        future = query_future(self.embedder, question)
        if future is None:
            return await asyncio.to_thread(self.embedder.embed_query, question)
        return await asyncio.wrap_future(future)

    async def _generated(
        self, model: ChatModel, question: str, passages: list[Passage], lang: str, withheld: Withheld | None
    ) -> Answer | None:
        try:
            result = await generate(model, question, passages, lang, withheld)
        except Exception:  # an unreachable LLM must not take the tutor down: fall back to extractive
            log.warning("chat model failed; answering extractively", exc_info=True)
            return None
        if result is None:
            log.info("generated answer failed the checks; answering extractively")
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
        cites = _unique(tuple(passages[e.passage_index].citation() for e in extracts))
        lines = [t("answer_intro", lang)]
        for e in extracts:  # one quotation per passage, best first
            n = cites.index(passages[e.passage_index].citation()) + 1
            lines.append(f"{quotation(e.text, lang)} [{n}]")
        return Answer("\n\n".join(lines), cites, False, best)


def confidence(passages: list[Passage]) -> float:
    """How close the question comes to the course: the highest similarity of a retrieved passage, or of a quiz
    question of its section (the course asks about it, so it teaches it)."""
    return max((max(p.dense_score, p.scores.get("questions", 0.0)) for p in passages), default=0.0)


def _unique(cites: tuple[Citation, ...]) -> tuple[Citation, ...]:
    return tuple(dict.fromkeys(cites))


def _in_language(answer: Answer, lang: str) -> Answer:
    return answer if answer.lang else replace(answer, lang=lang)


def _lead_with(definition: Cited, answer: Answer | None, best: float, lang: str) -> Answer:
    """The glossary's definition first, then the answer from the passages (its citations renumbered after the
    definition's); an abstention from the passages leaves the definition alone."""
    if answer is None or answer.abstained:
        return Answer(definition.text, definition.citations, False, best, lang)
    cites = _unique(definition.citations + answer.citations)
    renumber = {n: cites.index(c) + 1 for n, c in enumerate(answer.citations, start=1)}
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{renumber.get(int(m.group(1)), int(m.group(1)))}]", answer.text)
    return Answer(f"{definition.text}\n\n{text}", cites, False, best, lang)
