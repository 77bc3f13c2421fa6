"""The learner's model: a bag of words and a logistic regression (scikit-learn), trained in milliseconds.

Everything here is a pure function of the task, the language, the learner's labels and the fix: the same inputs give
the same model and the same figures on any process, so nothing trained is ever stored; it is retrained on demand.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from threading import Lock, local
from typing import Any, Literal

from tutor.lab.tasks import LabTask
from tutor.retrieval.lexical import Tokenizer

Fix = Literal["none", "rebalance", "remove"]
FIXES: tuple[Fix, ...] = ("rebalance", "remove")
SEED = 0
CACHE_SIZE = 64  # models kept in memory, so that trying sentences does not retrain each time
_cache: OrderedDict[tuple[object, ...], Trained] = OrderedDict()
_lock = Lock()
_local = local()


def as_fix(value: str | None) -> Fix:
    """A fix by name; "none" for no fix or a name this version does not know."""
    return next((fix for fix in FIXES if fix == value), "none")


def tokens(text: str, lang: str) -> list[str]:
    """The words a model sees: lower-case, stop words dropped, stemmed, accents folded (as the course search does)."""
    lang = "en" if lang == "en" else "fr"
    tokenizers: dict[str, Tokenizer] = _local.__dict__.setdefault("tokenizers", {})
    if lang not in tokenizers:  # one per thread: a Snowball stemmer must not be shared between threads
        tokenizers[lang] = Tokenizer(lang)
    return tokenizers[lang](text)


def group_words(task: LabTask, lang: str) -> list[frozenset[str]]:
    """The tokens that mark each group of the skew, in a language."""
    return [frozenset(t for word in group.words(lang) for t in tokens(word, lang)) for group in task.skew.groups]


def group_of(text_tokens: Sequence[str], groups: list[frozenset[str]]) -> int:
    """The first group whose words the text holds (1-based), or 0 for none."""
    present = set(text_tokens)
    return next((n for n, words in enumerate(groups, start=1) if present & words), 0)


@dataclass(frozen=True)
class Prediction:
    """A label and the model's probability for it."""

    label: str
    probability: float


@dataclass(frozen=True, eq=False)
class Trained:
    """A trained model and how it did on the held-out examples."""

    task: LabTask
    lang: str
    fix: Fix
    examples: int  # how many training examples it learned from
    correct: int
    tested: int
    pipeline: Any
    dropped: frozenset[str]

    @property
    def accuracy(self) -> float:
        """Share of held-out examples the model labels as the data does."""
        return self.correct / self.tested if self.tested else 0.0

    def predict(self, text: str) -> Prediction:
        """The model's label for a text, with its probability."""
        probabilities = self.pipeline.predict_proba([text])[0]
        best = max(range(len(probabilities)), key=lambda i: probabilities[i])
        return Prediction(str(self.pipeline.classes_[best]), float(probabilities[best]))

    def probability(self, text: str, label: str) -> float:
        """The model's probability that a text has a label."""
        classes = [str(c) for c in self.pipeline.classes_]
        return float(self.pipeline.predict_proba([text])[0][classes.index(label)]) if label in classes else 0.0


def train(task: LabTask, lang: str, labels: dict[str, str], fix: Fix = "none") -> Trained:
    """Train on the shipped training examples plus the learner's labels (example id -> label), then test."""
    key = (id(task), lang, tuple(sorted(labels.items())), fix)  # a cached model holds its task: ids stay unique
    with _lock:
        model = _cache.get(key)
    if model is None:
        model = _train(task, lang, key[2], fix)
        with _lock:
            _cache[key] = model
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return model


def _train(task: LabTask, lang: str, labels: tuple[tuple[str, str], ...], fix: Fix) -> Trained:
    from sklearn.feature_extraction.text import CountVectorizer  # imported on first use: a second or more
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    groups = group_words(task, lang)
    dropped = frozenset().union(*groups) if fix == "remove" else frozenset()
    texts = [e.text(lang) for e in task.split("train")]
    y = [e.label or "" for e in task.split("train")]
    for example_id, label in labels:
        if example_id in task.by_id and label in task.labels:
            texts.append(task.by_id[example_id].text(lang))
            y.append(label)
    vectoriser = CountVectorizer(
        tokenizer=lambda text: [t for t in tokens(text, lang) if t not in dropped],
        lowercase=False,
        token_pattern=None,
        binary=True,
    )
    pipeline = make_pipeline(vectoriser, LogisticRegression(C=1.0, max_iter=1000, random_state=SEED))
    weights = _reweighing([group_of(tokens(t, lang), groups) for t in texts], y) if fix == "rebalance" else None
    pipeline.fit(texts, y, logisticregression__sample_weight=weights)
    test = task.split("test")
    predicted = pipeline.predict([e.text(lang) for e in test]) if test else []
    correct = sum(1 for e, p in zip(test, predicted, strict=True) if e.label == p)
    return Trained(task, lang, fix, len(texts), correct, len(test), pipeline, dropped)


def _reweighing(groups: list[int], labels: list[str]) -> list[float]:
    """Weights that make group and label independent (Kamiran & Calders' reweighing): each (group, label) cell
    weighs what it would if the label did not depend on the group, so rare cells (a kept comment that mentions
    the group) count more and frequent ones less."""
    n = len(labels)
    by_group, by_label, by_cell = Counter(groups), Counter(labels), Counter(zip(groups, labels, strict=True))
    return [by_group[g] * by_label[y] / (n * by_cell[(g, y)]) for g, y in zip(groups, labels, strict=True)]


@dataclass(frozen=True)
class PairResult:
    """The counterfactual pair through one model: both predictions and the gap between them."""

    texts: tuple[str, str]
    predictions: tuple[Prediction, Prediction]
    gap: float  # difference of the probability of the first text's label, in points of percentage

    @property
    def flips(self) -> bool:
        """Whether changing one word changes the label."""
        return self.predictions[0].label != self.predictions[1].label


def counterfactual(model: Trained) -> PairResult:
    """The task's pair of texts (one word apart) through a model."""
    pair = model.task.skew.pair.en if model.lang == "en" else model.task.skew.pair.fr
    first, second = model.predict(pair[0]), model.predict(pair[1])
    gap = abs(model.probability(pair[0], first.label) - model.probability(pair[1], first.label)) * 100
    return PairResult(pair, (first, second), gap)
