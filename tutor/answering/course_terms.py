"""The course's own terms at answer time: the glossary's definition when a learner asks what a term is, and an honest
"the course does not cover that" when a question names something near the course but not in it (issue 13)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from tutor.answering.coverage import Coverage, Mention, Vocabulary
from tutor.answering.glossary import Entry, Glossary
from tutor.answering.quoting import quotation
from tutor.domain import Citation, Passage
from tutor.messages import t
from tutor.retrieval.catalog import Catalog, PassageEntry

# How far under the abstention threshold a passage may sit and still be named as what the course covers nearby.
NEARBY = 0.04


@dataclass(frozen=True)
class Cited:
    """A reply's text and the citations its [n] marks point at."""

    text: str
    citations: tuple[Citation, ...]


class CourseTerms:
    """The glossary and the course's vocabulary, read from the passages the retriever holds (rebuilt when they
    change, as after an ingest)."""

    def __init__(self, catalog: Catalog, glossary: Glossary) -> None:
        self.catalog = catalog
        self.glossary = glossary
        self._coverage: Coverage | None = None
        self._built_for: dict[str, PassageEntry] | None = None
        self._lock = threading.Lock()  # built once per catalog load, even when several answers need it at once

    def coverage(self) -> Coverage:
        """What the course covers, from its current passages and the glossary."""
        with self._lock:
            return self._build()

    def _build(self) -> Coverage:
        entries = self.catalog.entries
        if self._coverage is None or self._built_for is not entries:
            texts = [f"{e.passage.module_title}\n{e.passage.section_title}\n{e.passage.text}" for e in entries.values()]
            texts += [
                text
                for entry in self.glossary.entries
                for part in (entry.term, entry.definition)
                for text in part.values()
            ]
            names = [name for entry in self.glossary.entries for name in entry.forms()]
            self._coverage = Coverage(Vocabulary.of(texts, names))
            self._built_for = entries
        return self._coverage

    def not_covered(self, question: str, passages: list[Passage], lang: str, near: bool) -> Cited | None:
        """When the question names something the course does not cover: a reply that says so and, when a retrieved
        passage comes near enough, names and cites what the course covers nearby."""
        mentions = self.coverage().not_covered(question)
        if not mentions:
            return None
        text = t("not_covered", lang, things=_things(mentions, lang))
        if near and passages:
            nearby = passages[0]
            text += " " + t("covered_nearby", lang, section=nearby.section_title, module=nearby.module_title)
            return Cited(f"{text} [1]\n\n{t('not_covered_noted', lang)}", (nearby.citation(),))
        return Cited(f"{text}\n\n{t('not_covered_noted', lang)}", ())

    def definition(self, question: str, lang: str, cohort: str | None = None) -> Cited | None:
        """When the question asks what a glossary term is: its definition, citing the section the glossary points
        to (None when that section is not among the passages, in this language)."""
        entry = self.glossary.asked_definition(question)
        if entry is None:
            return None
        citation = self._section_citation(entry, lang, cohort)
        if citation is None:
            return None
        head = t("glossary_definition", lang, term=entry.term[lang])
        return Cited(f"{head}\n\n{quotation(entry.definition[lang], lang)} [1]", (citation,))

    def _section_citation(self, entry: Entry, lang: str, cohort: str | None) -> Citation | None:
        for e in self.catalog.entries.values():
            p = e.passage
            if (p.module_id, p.section_id, p.lang) == (entry.module, entry.section, lang) and e.cohort in (
                "",
                cohort or "",
            ):
                return p.citation()
        return None


def _things(mentions: list[Mention], lang: str) -> str:
    quoted = [quotation(m.text, lang) for m in mentions[:3]]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} {t('and', lang)} {quoted[-1]}"
