"""The lab's datasets, model and store: the shipped tasks pass their checks, a broken task is caught, the figures are
fixed by the seed, and the store records each label once on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine

from tutor.buttons import MAX_BUTTON_BYTES, LabFix, LabLabel, decode, encode
from tutor.lab.checks import check_lab_tasks
from tutor.lab.model import counterfactual, train
from tutor.lab.tasks import LabTasks, read_task
from tutor.store.db import make_engine, migrate, session_factory
from tutor.store.lab import LabStore
from tutor.store.learners import LearnerStore

KNOWLEDGE = Path(__file__).parent.parent / "knowledge"
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _sections() -> set[str]:
    return {
        f"{path.stem}#{section}"
        for path in (KNOWLEDGE / "modules" / "fr").glob("*.md")
        for section in re.findall(r"\{#([a-z0-9-]+)\}", path.read_text(encoding="utf-8"))
    }


def test_the_shipped_tasks_pass_the_checks() -> None:
    tasks = LabTasks(KNOWLEDGE / "lab").all()
    assert len(tasks) >= 3
    for task in tasks:
        assert 60 <= len(task.examples) <= 120, task.id
    assert check_lab_tasks(KNOWLEDGE / "lab", _sections()) == []


def _broken_copy(tmp_path: Path, change: dict[str, object]) -> Path:
    folder = tmp_path / "lab"
    folder.mkdir(exist_ok=True)
    data = yaml.safe_load((KNOWLEDGE / "lab" / "job-applications.yaml").read_text(encoding="utf-8"))
    data.update(change)
    (folder / "job-applications.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def test_a_broken_task_is_caught(tmp_path: Path) -> None:
    task = read_task(KNOWLEDGE / "lab" / "job-applications.yaml")
    skew = task.skew.model_dump()
    far = dict(skew, pair={"fr": ["Un texte tout à fait autre.", task.skew.pair.fr[1]], "en": list(task.skew.pair.en)})
    reflection = [q.model_dump() for q in task.reflection]
    reflection[0]["section"] = "l1-05-biases#nowhere"
    unbiased = [e.model_dump(exclude_none=True) for e in task.examples]
    women = [e for e in unbiased if e["split"] == "train" and "women's" in e["en"]]
    for n, example in enumerate(women):  # as often short-listed as the others
        example["label"] = ("interview", "reject")[n % 2]
    cases = {
        "one word apart": {"skew": far},
        "unknown section l1-05-biases#nowhere": {"reflection": reflection},
        "no skew": {"examples": unbiased},
        "validation error": {"labels": ["interview"]},
    }
    for expected, change in cases.items():
        errors = check_lab_tasks(_broken_copy(tmp_path, change), _sections())
        assert any(expected in e for e in errors), (expected, errors)


def test_a_word_in_one_language_only_is_caught(tmp_path: Path) -> None:
    task = read_task(KNOWLEDGE / "lab" / "job-applications.yaml")
    examples = [e.model_dump(exclude_none=True) for e in task.examples]
    examples[32]["en"] = examples[32]["en"].replace("women's ", "")
    errors = check_lab_tasks(_broken_copy(tmp_path, {"examples": examples}), _sections())
    assert any("in one language and not the other" in e for e in errors), errors


def test_a_missing_folder_has_no_task(tmp_path: Path) -> None:
    assert LabTasks(tmp_path / "nothing").all() == [] and check_lab_tasks(tmp_path / "nothing", set()) == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_figures_are_fixed_by_the_seed(lang: str) -> None:
    first, second = (LabTasks(KNOWLEDGE / "lab").get("job-applications") for _ in range(2))
    assert first is not None and second is not None and first is not second  # two loads: no cache shared
    a, b = train(first, lang, {"p1": "interview"}), train(second, lang, {"p1": "interview"})
    assert (a.correct, a.tested, a.examples) == (b.correct, b.tested, b.examples)
    assert counterfactual(a) == counterfactual(b)


def test_removing_the_word_makes_the_pair_identical_for_the_model() -> None:
    task = read_task(KNOWLEDGE / "lab" / "student-requests.yaml")
    plain, removed = counterfactual(train(task, "en", {})), counterfactual(train(task, "en", {}, "remove"))
    assert plain.flips and plain.gap > 20
    assert not removed.flips and removed.gap == 0


def test_every_lab_button_fits(tmp_path: Path) -> None:
    for task in LabTasks(KNOWLEDGE / "lab").all():
        for example in task.examples:
            data = encode(LabLabel(task.id, "AbC-_9", example.id, len(task.labels) - 1))
            assert len(data.encode()) <= MAX_BUTTON_BYTES and decode(data) == LabLabel(
                task.id, "AbC-_9", example.id, len(task.labels) - 1
            )
        assert decode(encode(LabFix(task.id, "AbC-_9", "rebalance"))) == LabFix(task.id, "AbC-_9", "rebalance")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


def test_the_lab_tables_match_the_models(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from tutor.store.models import Base

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if "lab_" in repr(d)] == []


def test_the_store_records_each_label_once(engine: Engine) -> None:
    sessions = session_factory(engine)
    learner = LearnerStore(sessions).get_or_create("test", "ada", "fr", 1, NOW)
    store = LabStore(sessions)
    run = store.start(learner.id, "job-applications", NOW)
    assert store.start(learner.id, "job-applications", NOW) == run  # a second start keeps the run
    assert store.label(learner.id, "job-applications", "p1", "interview", NOW)
    assert not store.label(learner.id, "job-applications", "p1", "reject", NOW)
    store.advance(learner.id, "job-applications", "trained", NOW, accuracy=0.95)
    [kept] = store.runs(learner.id)
    assert (kept.stage, kept.labels, kept.accuracy, kept.nonce) == ("trained", {"p1": "interview"}, 0.95, run.nonce)
    store.reset(learner.id, "job-applications")
    assert store.run(learner.id, "job-applications") is None
    assert store.start(learner.id, "job-applications", NOW).labels == {}


def test_the_data_folder_is_not_needed_at_import(tmp_path: Path) -> None:
    shutil.copytree(KNOWLEDGE / "lab", tmp_path / "lab")
    tasks = LabTasks(tmp_path / "lab")
    (tmp_path / "lab" / "job-applications.yaml").unlink()  # read on first use, not when built
    assert [task.id for task in tasks.all()] == ["comment-moderation", "student-requests"]
