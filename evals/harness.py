"""Retrieval and abstention evaluation on the question sets in ``evals/questions``.

Every question belongs to the development set or to the held-out test set, by a fixed rule on its text
(``split_of``, see ``evals/README.md``): weights, thresholds and adapter settings are chosen on the development set
only (``tune`` drops the held-out questions itself), and the held-out figures are the honest ones.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml

from entrypoints.bootstrap import App
from tutor.answering.answerer import confidence
from tutor.domain import Citation, Passage
from tutor.language import detect_language
from tutor.retrieval.hybrid import Filters, Mode, fuse

MODES: tuple[Mode, ...] = ("bm25", "dense", "hybrid")
QUESTION_WEIGHTS = (0.0, 0.2, 0.3, 0.4, 0.5)
BM25_WEIGHTS = tuple(x / 20 for x in range(21))
THRESHOLD_STEP = 0.0025
OTHER_LANGUAGE = {"fr": "en", "en": "fr"}
Split = Literal["dev", "test"]
SPLITS: tuple[Split, ...] = ("dev", "test")
SPLIT_RULE = "sha256(question text, UTF-8) as an integer, modulo 3: 0 is held out (test), 1 and 2 are dev"


@dataclass(frozen=True)
class Question:
    """A learner-style question and what answers it (no module: the course does not answer it)."""

    q: str
    lang: str
    module: str | None
    sections: tuple[str, ...]
    also: tuple[str, ...] = ()  # other passages that answer it too, as "module#section"
    near: bool = False  # unanswerable but close to the course: another law, act, country, product or how-to


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
                    bool(item.get("near", False)),
                )
            )
    return out


def split_of(question: Question | str) -> Split:
    """The set a question belongs to, from its text alone: stable across runs, machines and file moves, and a new
    question falls into a set by itself. About one in three is held out."""
    text = question.q if isinstance(question, Question) else question
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return "test" if int(digest, 16) % 3 == 0 else "dev"


def split(questions: list[Question], which: Split) -> list[Question]:
    """The questions of one set, in their order."""
    return [q for q in questions if split_of(q) == which]


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


def evaluate_splits(app: App, questions: list[Question], cross_lingual: bool = True) -> dict[str, Any]:
    """``evaluate`` on the development set and on the held-out set, side by side."""
    report: dict[str, Any] = {"split_rule": SPLIT_RULE}
    for which in SPLITS:
        report[which] = evaluate(app, split(questions, which), cross_lingual)
    return report


def evaluate(app: App, questions: list[Question], cross_lingual: bool = True) -> dict[str, Any]:
    """hit@1, hit@5 and MRR per mode; abstention rates on answerable and unanswerable questions (the tutor's own
    decision: ``app.settings.top_k`` hybrid results, its thresholds)."""
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
        return not app.assistant.answerer.confident(_tutor_passages(app, q, across), cross_lingual=across)

    right = [abstains(q) for q in unanswerable]
    wrong = [abstains(q) for q in answerable]
    answerer = app.assistant.answerer
    return {
        "unanswerable": len(unanswerable),
        "right": sum(right) / max(len(right), 1),
        "wrong": sum(wrong) / max(len(wrong), 1),
        "threshold": answerer.cross_lingual_min_confidence if across else answerer.min_confidence,
    }


def _tutor_passages(app: App, q: Question, across: bool) -> list[Passage]:
    """What the tutor retrieves for the question before deciding whether to answer: ``top_k`` hybrid results in the
    passages' language (the other one when ``across``)."""
    lang = OTHER_LANGUAGE[q.lang] if across else q.lang
    return app.retriever.search(q.q, Filters(lang), app.settings.top_k, "hybrid", q.lang)


def tune(app: App, questions: list[Question]) -> dict[str, Any]:
    """On the development set only (held-out questions are dropped here): MRR of the fusion for a grid of BM25 and
    quiz-question weights, abstention rates for a grid of confidence thresholds (at the app's current weights), and
    the settings the stated rules pick from them (``evals/README.md``)."""
    dev = split(questions, "dev")
    answerable = [q for q in dev if q.module]
    weights = _weight_grid(app, answerable)
    same = _threshold_grid(app, dev, across=False)
    across = _threshold_grid(app, dev, across=True)
    best_w, best_g = _best_weights(weights["same language"])
    cross_w, _ = _best_weights({best_g: weights["en→fr"][best_g]})
    return {
        "tuned_on": {
            "set": "dev",
            "rule": SPLIT_RULE,
            "answerable": len(answerable),
            "unanswerable": len(dev) - len(answerable),
            "held_out_not_used": len(questions) - len(dev),
        },
        "mrr_by_bm25_weight": {
            f"{name}, quiz questions {g:.1f}": {f"{w:.2f}": mrr for w, mrr in row.items()}
            for name, rows in weights.items()
            for g, row in rows.items()
        },
        "abstention_by_threshold": same,
        "abstention_by_threshold_across_languages": across,
        "chosen": {
            "fusion_weight": best_w,
            "question_weight": best_g,
            "cross_lingual_fusion_weight": cross_w,
            "min_confidence": pick_threshold(same),
            "cross_lingual_min_confidence": pick_threshold(across),
            "thresholds_at": {
                "fusion_weight": app.settings.fusion_weight,
                "question_weight": app.settings.question_weight,
                "top_k": app.settings.top_k,
            },
            "rules": "weights: highest dev MRR, same language (ties: lowest weights); BM25 weight across languages: "
            "highest dev en→fr MRR at that quiz-question weight; thresholds: highest right − 2 × wrong abstention "
            "on dev (ties: the lower median of the tied thresholds), at the app's current weights",
        },
    }


def _weight_grid(app: App, answerable: list[Question]) -> dict[str, dict[float, dict[float, float]]]:
    """MRR by quiz-question weight, then BM25 weight: same language, and English questions in French passages."""
    runs = {
        "same language": [(q, app.retriever.candidate_scores(q.q, Filters(q.lang), "hybrid")) for q in answerable],
        "en→fr": [
            (q, app.retriever.candidate_scores(q.q, Filters("fr"), "hybrid")) for q in answerable if q.lang == "en"
        ],
    }
    entries = app.retriever.catalog.entries
    out: dict[str, dict[float, dict[float, float]]] = {}
    for name, run in runs.items():
        for g in QUESTION_WEIGHTS:
            row = out.setdefault(name, {}).setdefault(g, {})
            for w in BM25_WEIGHTS:
                ranks = []
                for q, c in run:
                    order = app.retriever.one_per_section(c.ids, np.argsort(-fuse(c, "hybrid", w, g), kind="stable"), 5)
                    ranks.append(rank_of_answer(q, [entries[c.ids[j]].passage for j in order]))
                row[w] = _metrics(ranks)["mrr"]
    return out


def _best_weights(rows: dict[float, dict[float, float]]) -> tuple[float, float]:
    """(BM25 weight, quiz-question weight) of the highest MRR; ties go to the first in grid order (lowest weights)."""
    best = max(((mrr, -g, -w) for g, row in rows.items() for w, mrr in row.items()))
    return -best[2], -best[1]


def tune_confidences(app: App, questions: list[Question], across: bool) -> tuple[list[float], list[float]]:
    """The tutor's confidence for each answerable question and each unanswerable one: ``answerer.confidence`` over
    the passages the tutor retrieves (``_tutor_passages``), computed once per question."""
    on = [confidence(_tutor_passages(app, q, across)) for q in questions if q.module]
    off = [confidence(_tutor_passages(app, q, across)) for q in questions if not q.module]
    return on, off


def _threshold_grid(app: App, questions: list[Question], across: bool) -> dict[str, dict[str, float]]:
    """Abstention rates, right (unanswerable) and wrong (answerable), for a grid of thresholds spanning the
    confidences seen: the tutor abstains when confidence < threshold."""
    on, off = tune_confidences(app, questions, across)
    seen = on + off
    if not seen:
        return {}
    lo = int(np.floor(min(seen) / THRESHOLD_STEP))
    hi = int(np.ceil(max(seen) / THRESHOLD_STEP)) + 1

    def rate(scores: list[float], t: float) -> float:
        return sum(s < t for s in scores) / max(len(scores), 1)

    grid = [n * THRESHOLD_STEP for n in range(lo, hi + 1)]
    return {f"{t:.4f}": {"right": rate(off, t), "wrong": rate(on, t)} for t in grid}


def pick_threshold(grid: dict[str, dict[str, float]]) -> float | None:
    """The threshold with the highest right − 2 × wrong abstention rate; ties: the lower median of the tied ones."""
    if not grid:
        return None
    score = {float(t): r["right"] - 2 * r["wrong"] for t, r in grid.items()}
    best = max(score.values())
    tied = sorted(t for t, v in score.items() if abs(v - best) < 1e-12)
    return tied[(len(tied) - 1) // 2]


# --- Answers as a learner reads them (issue 13): the tutor's whole decision, by set, language and kind of question ---

ANSWER_ROWS = ("all", "fr", "en", "en with fr set")


@dataclass(frozen=True)
class Outcome:
    """What the tutor replied to one question: abstained or not, and whether it cited a passage that answers it."""

    question: Question
    abstained: bool
    cited: bool
    hit5: bool


def cites_answer(question: Question, citations: tuple[Citation, ...]) -> bool:
    """Whether a citation points at the question's module and section, or at a passage named as answering it too."""
    return any(
        (c.module_id == question.module and (not question.sections or c.section_id in question.sections))
        or f"{c.module_id}#{c.section_id}" in question.also
        for c in citations
    )


async def answer_outcomes(app: App, questions: list[Question], learner_lang: str | None = None) -> list[Outcome]:
    """Each question asked as the conversation asks it: by a learner of ``learner_lang`` (the question's own language
    when None), its language detected from its text; the reply is the tutor's whole decision (threshold, glossary,
    coverage), and ``hit5`` whether the passages it searched hold an answer in their top 5."""
    answerer = app.assistant.answerer
    out = []
    for q in questions:
        filters, query_lang = Filters(learner_lang or q.lang), detect_language(q.q)
        answer = await answerer.answer(q.q, filters, query_lang=query_lang)
        searched = answerer.search_filters(filters, query_lang)
        top = app.retriever.search(q.q, searched, 5, "hybrid", query_lang) if q.module else []
        cited = not answer.abstained and bool(q.module) and cites_answer(q, answer.citations)
        out.append(Outcome(q, answer.abstained, cited, rank_of_answer(q, top) is not None))
    return out


def answer_figures(outcomes: list[Outcome]) -> dict[str, Any]:
    """Right section cited, hit@5 and wrong abstention on the answerable questions; right abstention on the
    unanswerable ones, and on those close to the course."""
    on = [o for o in outcomes if o.question.module]
    off = [o for o in outcomes if not o.question.module]
    near = [o for o in off if o.question.near]

    def rate(flags: list[bool]) -> float | None:
        return sum(flags) / len(flags) if flags else None

    return {
        "answerable": len(on),
        "cited": rate([o.cited for o in on]),
        "hit@5": rate([o.hit5 for o in on]),
        "wrong_abstention": rate([o.abstained for o in on]),
        "unanswerable": len(off),
        "right_abstention": rate([o.abstained for o in off]),
        "near": len(near),
        "right_abstention_near": rate([o.abstained for o in near]),
    }


async def evaluate_answers(app: App, questions: list[Question]) -> dict[str, Any]:
    """``answer_figures`` for the development and held-out sets: all questions, French ones, English ones, and the
    English ones asked by a learner whose language is French."""
    report: dict[str, Any] = {"split_rule": SPLIT_RULE}
    for which in SPLITS:
        part = split(questions, which)
        english = [q for q in part if q.lang == "en"]
        same = await answer_outcomes(app, part)
        report[which] = {
            "all": answer_figures(same),
            "fr": answer_figures([o for o in same if o.question.lang == "fr"]),
            "en": answer_figures([o for o in same if o.question.lang == "en"]),
            "en with fr set": answer_figures(await answer_outcomes(app, english, learner_lang="fr")),
        }
    return report
