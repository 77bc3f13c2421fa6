"""Extractive answers: the sentences of the retrieved passages that best match the question, quoted so that they read
right on their own.

Rules (tests/test_answer_composition.py): a quotation is one passage's words in their order, and words left out
between two of its sentences show as "…"; a sentence that leans on the one before ("C'est…", "This…") brings it; a
list item brings the sentence that introduces its list; a sentence that only points elsewhere, or a fragment, is never
quoted; a second or third sentence is quoted only when it matches the question almost as well as the best one; the
text is shown as a reader sees it, without Markdown."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from tutor.answering.plain_text import markdown_to_plain
from tutor.answering.sentence_roles import is_fragment, leans_back, only_points_elsewhere
from tutor.domain import Passage
from tutor.ports import Embedder
from tutor.retrieval.lexical import Tokenizer

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"“(\[A-ZÀ-Ý])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:art|arts|al|cf|p|pp|no|n°|vol|ch|e\.g|i\.e|etc|M|Dr|Mr|Mrs|St|vs)|\b[A-Z])\.$", re.I
)
# Paragraph breaks: a blank line, a Markdown hard break (LangChain's splitter joins paragraphs with "  \n"), a list
# item.
_BLOCK_BREAK = re.compile(r"\n\s*\n| {2,}\n|\n(?=\s*(?:[-*+•]|\d{1,3}[.)])\s)")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")
_MIN_CHARS = 25  # shorter sentences are headings, labels or asides, never quoted on their own
# A second or third sentence must score within this share of the gap between the best sentence and the median one.
FLOOR_SHARE = 0.25
NEAR_TIE = 0.02  # ...and a sentence this close to the best one is never filler, however few sentences there are
MAX_QUOTED_CHARS = 900  # beyond the best sentence and its context, nothing more is added past this length
_MAX_LIST_CHARS = 700  # a lead-in brings its list only while the list stays this short


@dataclass(frozen=True)
class Unit:
    """A sentence of a passage, in reading order, and the list it belongs to if any."""

    text: str  # as written, Markdown included
    list_item: bool  # the first sentence of a list item
    in_list: bool  # any sentence of a list item
    lead_in: int | None  # the index of the sentence that introduces its list

    @property
    def plain(self) -> str:
        """The sentence as a reader sees it."""
        return markdown_to_plain(self.text).strip()


@dataclass(frozen=True)
class Quote:
    """The words quoted from one passage (plain text, "…" where words are left out) and that passage's index."""

    text: str
    passage_index: int


def _sentences(block: str) -> list[str]:
    out: list[str] = []
    for piece in _SENTENCE_END.split(block):
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return [s.strip() for s in out if s.strip()]


def passage_units(text: str) -> list[Unit]:
    """Every sentence of a passage in reading order, each list item knowing its lead-in."""
    units: list[Unit] = []
    lead_in: int | None = None
    previous_was_list = False
    for raw in _BLOCK_BREAK.split(text):
        is_item = bool(_LIST_MARKER.match(raw))
        block = _LIST_MARKER.sub("", raw.strip()).replace("\n", " ")
        sentences = _sentences(block)
        if not sentences:
            continue
        if is_item and not previous_was_list:
            lead_in = len(units) - 1 if units else None
        for n, sentence in enumerate(sentences):
            units.append(Unit(sentence, is_item and n == 0, is_item, lead_in if is_item else None))
        previous_was_list = is_item
    return units


def split_sentences(text: str) -> list[str]:
    """Sentences and list items of a passage long enough to quote, as a reader sees them."""
    return [u.plain for u in passage_units(text) if len(u.plain) > _MIN_CHARS]


def extract(
    question: str,
    passages: list[Passage],
    embedder: Embedder,
    lang: str,
    max_sentences: int = 3,
    query_vector: np.ndarray | None = None,
) -> list[Quote]:
    """One quotation per passage used, best first: the sentences that answer the question, with the context they need
    to be read alone; ``query_vector`` is the question as retrieval embedded it (embedded here only when not given)."""
    units = [passage_units(p.text) for p in passages]
    candidates = [(i, k) for i, us in enumerate(units) for k in range(len(us)) if _quotable(us, k)]
    if not candidates:
        return []
    scores = _scores(question, [units[i][k].plain for i, k in candidates], candidates, embedder, lang, query_vector)
    floor = _floor(scores)
    picks: dict[int, set[int]] = {}
    seen: set[str] = set()
    chosen = quoted = 0
    for j in np.argsort(-scores, kind="stable"):
        if chosen == max_sentences or scores[j] < floor:
            break
        i, k = candidates[j]
        context = _with_context(units[i], k)
        if context is None or units[i][k].plain in seen:
            continue
        added = context - picks.get(i, set())
        size = sum(len(units[i][n].plain) for n in added)
        if chosen and quoted + size > MAX_QUOTED_CHARS:
            continue
        picks.setdefault(i, set()).update(context)
        seen.update(units[i][n].plain for n in context)
        chosen, quoted = chosen + 1, quoted + size
    return [Quote(_render(units[i], picks[i]), i) for i in picks]


def _quotable(units: list[Unit], k: int) -> bool:
    unit = units[k]
    if len(unit.plain) <= _MIN_CHARS or only_points_elsewhere(unit.text):
        return False
    if unit.in_list and unit.lead_in is not None:
        return True  # a list item may start in lower case: its lead-in comes with it
    return not is_fragment(unit.text)


def _scores(
    question: str,
    sentences: list[str],
    candidates: list[tuple[int, int]],
    embedder: Embedder,
    lang: str,
    query_vector: np.ndarray | None,
) -> np.ndarray:
    qv = query_vector if query_vector is not None else embedder.embed_query(question)
    sv = embedder.embed_passages(sentences)
    tokenize = Tokenizer(lang)
    q_terms = set(tokenize(question))
    scores = sv @ qv + np.array([_overlap(q_terms, tokenize(s)) for s in sentences]) * 0.1
    # passages earlier in the ranking are more likely to answer: favour them gently
    return np.asarray(scores - np.array([0.01 * i for i, _ in candidates]), dtype=np.float64)


def _floor(scores: np.ndarray) -> float:
    """The score under which a sentence is filler: close to the best one, on the scale of this question's scores
    (each embedder's cosines live on their own scale)."""
    best, median = float(scores.max()), float(np.median(scores))
    return best - max(FLOOR_SHARE * (best - median), NEAR_TIE)


def _with_context(units: list[Unit], k: int) -> set[int] | None:
    """The sentence and those it needs to be read alone; None when what it needs is not in the passage."""
    needed = {k}
    n = k
    for _ in range(3):
        unit = units[n]
        if unit.in_list:
            if unit.lead_in is None:
                break
            needed.add(unit.lead_in)
            n = unit.lead_in
        elif leans_back(unit.text):
            if n == 0:
                return None
            n -= 1
            needed |= _list_run(units, n) if units[n].in_list else {n}
            n = min(needed)
        else:
            break
    if _introduces_list(units, k):
        needed |= _list_run(units, k + 1)
    return needed


def _introduces_list(units: list[Unit], k: int) -> bool:
    return k + 1 < len(units) and units[k + 1].lead_in == k


def _list_run(units: list[Unit], n: int) -> set[int]:
    """The whole list that sentence ``n`` belongs to, with its lead-in, while it stays short; else the item alone."""
    lead_in = units[n].lead_in
    run = {m for m, u in enumerate(units) if u.in_list and u.lead_in == lead_in}
    run |= {lead_in} if lead_in is not None else set()
    if sum(len(units[m].plain) for m in run) > _MAX_LIST_CHARS:
        return {n} | ({lead_in} if lead_in is not None else set())
    return run


def _render(units: list[Unit], picked: set[int]) -> str:
    """The picked sentences in reading order: one gap of a single sentence is filled, longer gaps show as "…", and
    list items go on their own lines."""
    indices = sorted(picked)
    indices = sorted(set(indices) | {n + 1 for n in indices if n + 2 in picked and n + 1 not in picked})
    out = ""
    for position, n in enumerate(indices):
        gap = position > 0 and n != indices[position - 1] + 1
        separator = "" if position == 0 else (" …" if gap else "")
        if units[n].list_item and position > 0:
            separator += "\n– "
        elif position > 0:
            separator += " "
        out += separator + units[n].plain
    return re.sub(r"\s*[,;:]$", " …", out)


def _overlap(q_terms: set[str], s_terms: list[str]) -> float:
    return len(q_terms & set(s_terms)) / len(q_terms) if q_terms else 0.0
