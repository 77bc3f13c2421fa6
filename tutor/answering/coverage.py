"""What the course covers, from its own words: finding, in a question, the thing it names that the course does not
cover although it sits close to it (another country's law, another EU act, a product's technical figure, a
programming how-to), so that the tutor says so instead of answering with the nearest passage as if it were the answer.

The course's vocabulary is read from its passages (and the glossary) when they are loaded: its words and their stems,
the names it writes with capitals and its acronyms, the "... Act" names it cites, the numbers it cites, and the places
it mentions. A question names something the course does not cover when it holds:
- a law or act whose name or qualifier the course does not know ("la loi du Colorado", "Data Act", "directive NIS2");
- a place the course never mentions, asked about in legal terms ("les règles en Chine");
- an unknown acronym asked about in legal terms ("le DSA impose quoi");
- a product: a model-like name mixing letters and digits ("gpt-4o", "h100"), or an unknown name next to a technical
  figure ("combien de paramètres a mistral");
- an unknown tool in a how-to ("comment coder ... avec pytorch", a code identifier such as ``train_test_split``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

from tutor.answering.glossary import fold
from tutor.answering.places import PLACES

_RAW_TOKEN = re.compile(r"[^\W_]+(?:_[^\W_]+)+|[^\W_]+", re.UNICODE)  # words, and code identifiers with underscores
_STEM = {"fr": Stemmer.Stemmer("french"), "en": Stemmer.Stemmer("english")}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOP = {fold(w) for w in [*STOPWORDS_FRENCH, *STOPWORDS_EN]}
# Question words and chat abbreviations learners type; they are words, not names.
_CHAT = _words(
    "combien comment pourquoi quand quel quelle quels quelles lequel laquelle how many much what which why when "
    "pk pq tjr tjrs qqch qqn koi stp svp jsp bcp dc ds tt ptet ya cc slt ok lol pls plz thx ur ppl convo "
    "diff def perso infos info taf boulot boite truc trucs bidon bidons hey hi yo wtf btw imo ie eg"
)
_LAW_WORDS = _words("loi lois law laws directive reglement regulation decret decree ordonnance bill acte statute order")
_LEGAL_CONTEXT = _LAW_WORDS | _words(
    "act regle regles rules rule reglementation regulations regulate legal legale illegal interdit "
    "interdite banned ban autorise autorisee allowed obligation obligations impose imposent oblige "
    "obligent applique appliquent apply applies adopte adoptee adopted vigueur force binding contraignant "
    "cover covers couvre concerne concernent amende amendes fine fines sanction sanctions encadre "
    "encadrement conformite compliance juridique droit"
)
_FIGURE_WORDS = _words(
    "parametre parametres parameter parameters token tokens jeton jetons contexte context prix cout coute "
    "coutent cost costs price pricing tarif tarifs abonnement subscription benchmark benchmarks score "
    "scores taille size memoire memory vram upload limite limit version versions specs specifications "
    "vitesse speed gpu gpus carte graphique fenetre window"
)
_HOW_TO = re.compile(r"^(?:comment|how)\b|\bhow (?:do|can|to|should|would) \b|\bcomment (?:on|je|faire|coder)\b")
_INSTRUMENT = _words("avec with using via utiliser use installer install sous librairie library")
_COORDINATION = {"et", "and", "ou", "or", "puis", "then"}
_OF = _words("de du d des sur of on pour for from")
_ACT_STOP = _words("the le la les l du de des d of a an un une this that s en in sur on et and to for pour")
_UNIT = re.compile(r"^\d+(?:h\d*|min|mn|s|k|m|ms|er|re|e|eme|st|nd|rd|th|x|%|go|gb|mo|mb|ko|kb|ans?)$")
_VERSION = re.compile(r"\b[^\W\d_]+-\d+(?:\.\d+)?[^\W\d_]*\b")  # "GPT-4", "gpt-4o", "Llama-3.1"
_MIXED = re.compile(r"^(?=.*[a-z])(?=.*\d)[a-z0-9]+$")
_STARTS = re.compile(r"[.!?:\n«\"“(]")  # what may stand before a word that starts a sentence, a line or an item
_PLACES_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _place in PLACES:  # looked up by first word: a text's places are found in one pass over its words
    _PLACES_BY_FIRST.setdefault(_place[0], []).append(_place)


@dataclass(frozen=True)
class Mention:
    """Something a question names that the course does not cover: as the learner wrote it, and what kind it is
    (``law``, ``place``, ``acronym``, ``product`` or ``tool``)."""

    text: str
    kind: str


@dataclass(frozen=True)
class Vocabulary:
    """The words, names, acts, numbers and places of the course (folded: lower case, no accents)."""

    words: frozenset[str]
    stems: frozenset[str]
    names: frozenset[str]
    acts: frozenset[tuple[str, ...]]
    numbers: frozenset[str]
    places: frozenset[tuple[str, ...]]
    typos: frozenset[str]  # each course word of five letters or more with one letter dropped
    versions: frozenset[str] = frozenset()  # names with a version number: "gpt-4", "gpt-3.5"

    @classmethod
    def of(cls, texts: Iterable[str], extra_names: Iterable[str] = ()) -> Vocabulary:
        """Read the vocabulary from the course's texts (passages, glossary terms); ``extra_names`` are names to
        treat as the course's own (glossary forms and aliases)."""
        words: set[str] = set()
        names: set[str] = {fold(n) for name in extra_names for n in _RAW_TOKEN.findall(name)}
        acts: set[tuple[str, ...]] = set()
        places: set[tuple[str, ...]] = set()
        versions: set[str] = set()
        for text in texts:
            text = text.replace("’", "'")
            raw = _RAW_TOKEN.findall(text)
            folded = [fold(w) for w in raw]
            words.update(folded)
            names.update(_names_in(text))
            acts.update(tuple(folded[i : j + 1]) for i, j in _acts(folded))
            places.update(_places_in(folded))
            versions.update(fold(v) for v in _VERSION.findall(text))
        numbers = {w for w in words if w.isdigit()}
        return cls(
            frozenset(words),
            frozenset(_stems(words)),
            frozenset(names),
            frozenset(acts),
            frozenset(numbers),
            frozenset(places),
            frozenset(w[:i] + w[i + 1 :] for w in words if len(w) >= 5 for i in range(len(w))),
            frozenset(versions),
        )

    def knows(self, word: str) -> bool:
        """Whether the course uses the word (or its stem, or it is one typo away from a word of the course)."""
        if word in self.words or word in _STOP or word in _CHAT or any(s in self.stems for s in _word_stems(word)):
            return True
        if len(word) < 6:
            return False
        deletions = {word[:i] + word[i + 1 :] for i in range(len(word))}
        return bool(word in self.typos or deletions & self.words or deletions & self.typos)


def _names_in(text: str) -> list[str]:
    """The words written with a capital that is not there because they start a sentence, a line or a list item, and
    the acronyms (folded)."""
    out, end = [], 0
    for m in _RAW_TOKEN.finditer(text):
        word = m.group()
        if (len(word) > 1 and word.isupper()) or (
            word[:1].isupper() and end != 0 and not _STARTS.search(text, end, m.start())
        ):
            out.append(fold(word))
        end = m.end()
    return out


def _stems(words: Iterable[str]) -> set[str]:
    return {s for w in words for s in _word_stems(w)}


def _word_stems(word: str) -> tuple[str, str]:
    return _STEM["fr"].stemWord(word), _STEM["en"].stemWord(word)


def _acts(folded: list[str]) -> list[tuple[int, int]]:
    """Where the names written before "act" are ("ai act", "data governance act"): (first, last) token positions,
    as many words before "act" as are not articles or prepositions, four at most."""
    out = []
    for i, w in enumerate(folded):
        if w == "act" and i > 0:
            j = i
            while j > 0 and i - j < 4 and folded[j - 1] not in _ACT_STOP and not folded[j - 1].isdigit():
                j -= 1
            if j < i:
                out.append((j, i))
    return out


def _places_at(words: list[str]) -> list[tuple[int, int]]:
    """Where the places of ``PLACES`` are in the words: (first, last) token positions."""
    out = []
    for i, word in enumerate(words):
        for place in _PLACES_BY_FIRST.get(word, ()):
            if tuple(words[i : i + len(place)]) == place:
                out.append((i, i + len(place) - 1))
    return out


def _places_in(words: list[str]) -> list[tuple[str, ...]]:
    """The places of ``PLACES`` the words name, as whole words."""
    return [tuple(words[i : j + 1]) for i, j in _places_at(words)]


@dataclass(frozen=True)
class _Question:
    """A question's words as typed and folded, with where each one is in the text."""

    text: str
    raw: list[str]
    words: list[str]
    spans: list[tuple[int, int]]

    @classmethod
    def of(cls, text: str) -> _Question:
        text = text.replace("’", "'")
        found = list(_RAW_TOKEN.finditer(text))
        return cls(text, [m.group() for m in found], [fold(m.group()) for m in found], [m.span() for m in found])

    def mention(self, first: int, last: int, kind: str) -> tuple[int, int, Mention]:
        return first, last, Mention(self.text[self.spans[first][0] : self.spans[last][1]], kind)


Found = tuple[int, int, Mention]


class Coverage:
    """Finds what a question names that the course does not cover."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary

    def not_covered(self, question: str) -> list[Mention]:
        """The things the question names that the course does not cover, in the order they appear (none:
        nothing); a thing inside another (the place of a law) is named once, with it."""
        q = _Question.of(question)
        legal = bool(set(q.words) & _LEGAL_CONTEXT)
        found = [
            *self._acts(q),
            *self._laws(q),
            *(self._places(q) if legal else []),
            *(self._acronyms(q) if legal else []),
            *self._products(q),
            *(self._tools(q) if _HOW_TO.search(" ".join(q.words)) else []),
        ]
        kept: list[Found] = []
        for first, last, mention in sorted(found, key=lambda f: (f[0], -f[1])):
            if not any(a <= first and last <= b for a, b, _ in kept):
                kept.append((first, last, mention))
        return [m for _, _, m in kept]

    def _unknown(self, word: str) -> bool:
        return len(word) >= 3 and not word.isdigit() and not self.vocabulary.knows(word)

    def _new_places(self, words: list[str]) -> list[tuple[int, int]]:
        return [(i, j) for i, j in _places_at(words) if tuple(words[i : j + 1]) not in self.vocabulary.places]

    def _acts(self, q: _Question) -> list[Found]:
        known = self.vocabulary.acts
        out = []
        for first, last in _acts(q.words):
            name = tuple(q.words[first : last + 1])
            if not any(name[len(name) - len(k) :] == k for k in known if len(k) <= len(name)):
                out.append(q.mention(first, last, "law"))
        return out

    def _laws(self, q: _Question) -> list[Found]:
        """A law word ("loi", "directive", "law"...) with, in the next six words, a number, acronym or place the
        course does not know, or an unknown word after "de", "of", "sur"... ("l'executive order de biden"); or just
        before it a place the course does not mention ("Colorado law")."""
        out = []
        for i, w in enumerate(q.words):
            if w not in _LAW_WORDS:
                continue
            after = range(i + 1, min(len(q.words), i + 7))
            odd = [
                k
                for k in after
                if (q.words[k].isdigit() and q.words[k] not in self.vocabulary.numbers)
                or (self._unknown(q.words[k]) and (q.raw[k].isupper() or q.words[k - 1] in _OF))
                or _MIXED.match(q.words[k])
            ]
            places = [(a, b) for a, b in self._new_places(q.words) if i - 3 <= a and b <= i + 6]
            ends = [*odd, *(b for a, b in places if a > i)]
            starts = [a for a, b in places if b < i]
            if ends:
                out.append(q.mention(i, min(ends), "law"))
            elif starts:
                out.append(q.mention(max(starts), i, "law"))
        return out

    def _places(self, q: _Question) -> list[Found]:
        return [q.mention(a, b, "place") for a, b in self._new_places(q.words)]

    def _acronyms(self, q: _Question) -> list[Found]:
        return [
            q.mention(k, k, "acronym")
            for k, (r, w) in enumerate(zip(q.raw, q.words, strict=True))
            if 2 <= len(r) <= 6 and r.isupper() and r.isalnum() and w not in self.vocabulary.names
        ]

    def _products(self, q: _Question) -> list[Found]:
        """A model-like name mixing letters and digits ("gpt-4o", "h100"), or, next to a technical figure ("how many
        parameters", "price", "context window"), a name the course does not know."""
        words = q.words
        out = [q.mention(k, k, "product") for k, w in enumerate(words) if _MIXED.match(w) and not _UNIT.match(w)]
        for m in _VERSION.finditer(q.text):
            if fold(m.group()) not in self.vocabulary.versions:  # "GPT-5" where the course knows GPT-4
                first = next(k for k, (a, b) in enumerate(q.spans) if b > m.start())
                last = max(k for k, (a, b) in enumerate(q.spans) if a < m.end())
                out.append(q.mention(first, last, "product"))
        near_figure = {j for i, w in enumerate(words) if w in _FIGURE_WORDS for j in range(i - 3, i + 4)}
        for k, (r, w) in enumerate(zip(q.raw, words, strict=True)):
            name = self._unknown(w) or (k > 0 and r[:1].isupper() and w not in self.vocabulary.names)
            if k in near_figure and name and w not in _FIGURE_WORDS and w not in _STOP:
                out.append(q.mention(k, k, "product"))
        return out

    def _tools(self, q: _Question) -> list[Found]:
        """In a how-to, a code identifier (``train_test_split``), or unknown names after "with", "using", "install"."""
        out = [q.mention(k, k, "tool") for k, r in enumerate(q.raw) if "_" in r]
        words = q.words
        for i, w in enumerate(words):
            if w not in _INSTRUMENT:
                continue
            j = i + 1
            while j < len(words) and words[j] in _ACT_STOP:
                j += 1
            while j < len(words) and self._unknown(words[j]):
                out.append(q.mention(j, j, "tool"))
                j += 2 if j + 1 < len(words) and words[j + 1] in _COORDINATION else 1
        return out
