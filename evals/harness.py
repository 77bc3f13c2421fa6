"""Retrieval and abstention evaluation on the question sets in ``evals/questions``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from entrypoints.bootstrap import App
from tutor.domain import Passage
from tutor.retrieval.hybrid import Candidates, Filters, Mode

MODES: tuple[Mode, ...] = ("bm25", "dense", "hybrid")
QUESTION_WEIGHTS = (0.0, 0.2, 0.3, 0.4, 0.5)
OTHER_LANGUAGE = {"fr": "en", "en": "fr"}


@dataclass(frozen=True)
class Question:
    """A learner-style question and what answers it (no module: the course does not answer it)."""

    q: str
    lang: str
    module: str | None
    sections: tuple[str, ...]
    also: tuple[str, ...] = ()  # other passages that answer it too, as "module#section"


def load_questions(folder: Path) -> list[Question]:
    """All questions of every YAML file in the folder."""
    out = []
    for path in sorted(folder.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            out.append(
                Question(
                    item["q"],
                    item["lang"],
                    item.get("module"),
                    tuple(item.get("sections") or ()),
                    tuple(item.get("also") or ()),
                )
            )
    return out


def rank_of_answer(question: Question, passages: list[Passage]) -> int | None:
    """1-based rank of the first passage from the right module and section, or None."""
    for n, p in enumerate(passages, start=1):
        if p.module_id == question.module and (not question.sections or p.section_id in question.sections):
            return n
        if f"{p.module_id}#{p.section_id}" in question.also:
            return n
    return None


def _metrics(ranks: list[int | None]) -> dict[str, float]:
    n = max(len(ranks), 1)
    return {
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r is not None) / n,
    }


def evaluate(app: App, questions: list[Question], cross_lingual: bool = True) -> dict[str, Any]:
    """hit@1, hit@5 and MRR per mode; abstention rates on answerable and unanswerable questions."""
    answerable = [q for q in questions if q.module]
    unanswerable = [q for q in questions if not q.module]
    retriever = app.retriever
    report: dict[str, Any] = {"answerable": len(answerable), "unanswerable": len(unanswerable), "retrieval": {}}
    for mode in MODES:
        ranks = [rank_of_answer(q, retriever.search(q.q, Filters(q.lang), 5, mode, q.lang)) for q in answerable]
        report["retrieval"][mode] = _metrics(ranks)
    if cross_lingual:
        english = [q for q in answerable if q.lang == "en"]
        for mode in MODES:
            ranks = [rank_of_answer(q, retriever.search(q.q, Filters("fr"), 5, mode, "en")) for q in english]
            report["retrieval"][f"{mode} (en→fr)"] = _metrics(ranks)
    report["abstention"] = _abstention(app, answerable, unanswerable, across=False)
    if cross_lingual:
        report["abstention across languages"] = _abstention(app, answerable, unanswerable, across=True)
    return report


def _abstention(app: App, answerable: list[Question], unanswerable: list[Question], across: bool) -> dict[str, Any]:
    """How often the tutor abstains, rightly and wrongly; ``across``: each question against the passages of the other
    language, as when a learner asks in English with French set (the threshold across languages applies)."""

    def abstains(q: Question) -> bool:
        lang = OTHER_LANGUAGE[q.lang] if across else q.lang
        passages = app.retriever.search(q.q, Filters(lang), 5, "hybrid", q.lang)
        return not app.tutor.answerer.confident(passages, cross_lingual=across)

    right = [abstains(q) for q in unanswerable]
    wrong = [abstains(q) for q in answerable]
    answerer = app.tutor.answerer
    return {
        "unanswerable": len(unanswerable),
        "right": sum(right) / max(len(right), 1),
        "wrong": sum(wrong) / max(len(wrong), 1),
        "threshold": answerer.cross_lingual_min_confidence if across else answerer.min_confidence,
    }


def tune(app: App, questions: list[Question]) -> dict[str, Any]:
    """MRR of the fusion for a grid of BM25 weights, and abstention rates for a grid of confidence thresholds."""
    from tutor.retrieval.hybrid import fuse

    answerable = [q for q in questions if q.module]
    runs = {
        "same language": [(q, app.retriever.candidate_scores(q.q, Filters(q.lang), "hybrid")) for q in answerable],
        "en→fr": [
            (q, app.retriever.candidate_scores(q.q, Filters("fr"), "hybrid")) for q in answerable if q.lang == "en"
        ],
    }
    entries = app.retriever.catalog.entries
    weights: dict[str, dict[str, float]] = {}
    for name, run in runs.items():
        for g in QUESTION_WEIGHTS:
            row = weights.setdefault(f"{name}, quiz questions {g:.1f}", {})
            for w in [x / 20 for x in range(21)]:
                ranks = []
                for q, c in run:
                    order = app.retriever.one_per_section(c.ids, np.argsort(-fuse(c, "hybrid", w, g), kind="stable"), 5)
                    ranks.append(rank_of_answer(q, [entries[c.ids[j]].passage for j in order]))
                row[f"{w:.2f}"] = _metrics(ranks)["mrr"]
    return {
        "mrr_by_bm25_weight": weights,
        "abstention_by_threshold": _thresholds(app, questions, across=False),
        "abstention_by_threshold_across_languages": _thresholds(app, questions, across=True),
    }


def _thresholds(app: App, questions: list[Question], across: bool) -> dict[str, dict[str, float]]:
    """Abstention rates, right and wrong, for a grid of confidence thresholds."""

    def evidence(q: Question) -> float:
        lang = OTHER_LANGUAGE[q.lang] if across else q.lang
        return _evidence(app.retriever.candidate_scores(q.q, Filters(lang), "hybrid"))

    on = [evidence(q) for q in questions if q.module]
    off = [evidence(q) for q in questions if not q.module]

    def rate(scores: list[float], t: float) -> float:
        return sum(s < t for s in scores) / max(len(scores), 1)

    return {f"{t:.4f}": {"right": rate(off, t), "wrong": rate(on, t)} for t in [x / 400 for x in range(320, 361)]}


def _evidence(c: Candidates) -> float:
    """As ``answerer.confidence``, over every candidate."""
    return float(max(c.dense.max(), c.questions.max())) if c.ids else 0.0
