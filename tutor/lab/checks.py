"""Checks of the lab's datasets, for ``tutor check-content`` and the tests: every task loads and teaches what it says.

Beyond the schema: the splits are big enough, both languages mark the same examples as the group's, the skew is
really in the training data, the pair is one word apart, the cited sections exist, and the pair does flip with the
shipped data and stops flipping once the group's words are removed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from pathlib import Path

from tutor.lab.model import counterfactual, group_of, group_words, tokens, train
from tutor.lab.tasks import LANGS, Example, LabTask, read_task

MIN_TRAIN, MIN_TEST, POOL = 40, 10, (3, 10)
MIN_PER_LABEL = (5, 2)  # in train, in test
MIN_GROUP_EXAMPLES = 3
MIN_SKEW_POINTS = 25  # how far the group's share of some label must sit from the others' in the training data
_WORD = re.compile(r"[\w']+")


def check_lab_tasks(folder: Path, sections: Collection[str]) -> list[str]:
    """Errors of every task file in ``folder`` (``sections``: the course's "<module-id>#<section-id>")."""
    errors: list[str] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            task = read_task(path)
        except ValueError as exc:
            errors.append(str(exc))
            continue
        if task.id != path.stem:
            errors.append(f"{path}: id {task.id} is not the file name")
        if task.id in seen:
            errors.append(f"{path}: duplicate task id {task.id}")
        seen.add(task.id)
        errors += [f"{path}: {e}" for e in task_errors(task, sections)]
    return errors


def task_errors(task: LabTask, sections: Collection[str]) -> list[str]:
    """What is wrong with one loaded task."""
    errors = _size_errors(task)
    errors += [f"reflection cites unknown section {q.section}" for q in task.reflection if q.section not in sections]
    for lang in LANGS:
        errors += [f"({lang}) {e}" for e in _skew_errors(task, lang)]
    if not errors:  # training on a broken dataset would only repeat its errors
        for lang in LANGS:
            errors += [f"({lang}) {e}" for e in _pair_errors(task, lang)]
    return errors


def _size_errors(task: LabTask) -> list[str]:
    errors = []
    train_, test, pool = (task.split(s) for s in ("train", "test", "pool"))
    if len(train_) < MIN_TRAIN or len(test) < MIN_TEST or not POOL[0] <= len(pool) <= POOL[1]:
        errors.append(f"needs {MIN_TRAIN}+ train, {MIN_TEST}+ test and {POOL[0]}-{POOL[1]} pool examples")
    for split, least in zip((train_, test), MIN_PER_LABEL, strict=True):
        counts = Counter(e.label for e in split)
        if any(counts[label] < least for label in task.labels):
            errors.append(f"every label needs {least}+ examples in each split: {dict(counts)}")
    return errors


def _skew_errors(task: LabTask, lang: str) -> list[str]:
    errors = []
    groups, other = group_words(task, lang), "en" if lang == "fr" else "fr"
    for example in task.examples:
        if group_of(tokens(example.text(lang), lang), groups) != group_of(
            tokens(example.text(other), other), group_words(task, other)
        ):
            errors.append(f"{example.id}: the group's word is in one language and not the other")
    train_ = task.split("train")
    first = [e for e in train_ if group_of(tokens(e.text(lang), lang), groups) == 1]
    rest = [e for e in train_ if group_of(tokens(e.text(lang), lang), groups) != 1]
    if len(first) < MIN_GROUP_EXAMPLES or not rest:
        return [
            *errors,
            f"the first group's words mark {len(first)} training examples, fewer than {MIN_GROUP_EXAMPLES}",
        ]
    gaps = [abs(_share(first, label) - _share(rest, label)) * 100 for label in task.labels]
    if max(gaps) < MIN_SKEW_POINTS:
        errors.append(f"no skew: the first group's labels are within {MIN_SKEW_POINTS} points of the others'")
    return errors


def _pair_errors(task: LabTask, lang: str) -> list[str]:
    pair = task.skew.pair.en if lang == "en" else task.skew.pair.fr
    errors = []
    if not _one_word_apart(*(_WORD.findall(text.lower()) for text in pair)):
        errors.append("the pair's texts must be one word apart")
    if group_of(tokens(pair[0], lang), group_words(task, lang)) == 0:
        errors.append("the pair's first text must hold a word of a group")
    if not counterfactual(train(task, lang, {})).flips:
        errors.append("the pair does not change prediction with the shipped data")
    if counterfactual(train(task, lang, {}, "remove")).flips:
        errors.append("the pair still changes prediction once the group's words are removed")
    return errors


def _one_word_apart(a: list[str], b: list[str]) -> bool:
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return len(long_) == len(short) + 1 and any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _share(examples: list[Example], label: str) -> float:
    return sum(e.label == label for e in examples) / len(examples)
