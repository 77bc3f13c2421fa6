"""The course glossary as part of answering: query expansion of terms and acronyms in both languages, and the
definition a learner asks for when the question is "what is <term>?".

A term such as "grand modèle de langage (LLM)" is found in a question under any of its forms: the term itself, the
part in brackets when that is not another entry's name ("LLM"), the other language's term, and the entry's
``aliases`` ("ML", "IA gen"). Matching folds case and accents, ignores a plural "s" and forgives one typo in a long
word, since learners type fast on a phone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tutor import yamlfile

LANGS = ("fr", "en")
_TOKEN = re.compile(r"[a-z0-9]+")
# Forms too short or too common to expand a query with: nearly every question about the course holds them.
_NO_EXPANSION = {"ia", "ai", "ml"}
_ASKS_WHAT = re.compile(
    r"^(?:(?:mais|et|alors|du coup|bon|ok|euh|hey|so|and|ok so)\s+)*"
    r"(?:c\s*est\s+quoi|c\s+quoi|c\s+koi|ces\s+quoi|cest\s+quoi|c\s*est\s+koi|qu\s*est\s+ce\s+qu\s*(?:e|c\s*est|un|une)?"
    r"|que\s+(?:veut\s+dire|signifie)|ca\s+veut\s+dire\s+quoi|kesako|definition(?:\s+d[eu]s?)?|def(?:\s+d[eu])?"
    r"|explique(?:\s+moi)?|expliquez(?:\s+moi)?|definis|definissez|peux\s+tu\s+(?:definir|expliquer)"
    r"|what\s+(?:is|are|s|does)|whats|what\s+s|define|definition\s+of|meaning\s+of|explain|tell\s+me\s+what\s+is)"
    r"\s+(?P<rest>.+)$"
)
_IS_WHAT = re.compile(
    r"^(?P<rest>.+?)\s+(?:c\s*est\s+quoi|c\s+quoi|c\s+koi|ca\s+veut\s+dire\s+quoi|ca\s+signifie\s+quoi|definition"
    r"|def|kesako|meaning|means\s+what|mean|is\s+what)$"
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DEFINITION_WORDS = {"def", "definition", "officielle", "exacte", "sens", "signification", "meaning"}
_ARTICLES = {"un", "une", "le", "la", "les", "l", "du", "des", "d", "de", "a", "an", "the", "ce", "cette", "ces"}
_FILLERS = _words(
    "exactement au juste en fait concretement stp svp gros bref vraiment donc exactly actually please pls "
    "plz again really simply simplement ia ai ml dans in l merci thanks quoi mean means veut dire what"
)


def fold(text: str) -> str:
    """Lower case, no accents, curly apostrophes straightened: the form every comparison here uses."""
    if text.isascii():  # most words: nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text.lower().replace("’", "'"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def tokens(text: str) -> list[str]:
    """Folded words and numbers, a plural "s" dropped from longer words."""
    return [_singular(w) for w in _TOKEN.findall(fold(text))]


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _deletions(word: str) -> set[str]:
    """The word and, from six letters on (where ``_close`` allows a typo), the word with one letter dropped."""
    return {word} | ({word[:i] + word[i + 1 :] for i in range(len(word))} if len(word) >= 6 else set())


def _close(a: str, b: str) -> bool:
    """Equal, or one edit apart for words of six letters or more (a typo)."""
    if a == b:
        return True
    if min(len(a), len(b)) < 6 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@dataclass(frozen=True)
class Entry:
    """One glossary term: its names in both languages, definitions, and the module section that teaches it
    (``section`` may be empty: the definition then cites the section where the term appears)."""

    term: dict[str, str]
    definition: dict[str, str]
    module: str
    section: str = ""
    aliases: tuple[str, ...] = ()

    def names(self) -> frozenset[str]:
        """The entry's names without what is in brackets, and its aliases (folded)."""
        bases = {fold(re.sub(r"\s*\([^)]*\)", "", self.term[lang]).strip()) for lang in LANGS}
        return frozenset(bases | {fold(a) for a in self.aliases})

    def forms(self, others: frozenset[str] = frozenset()) -> list[str]:
        """Every name the term goes by; a bracketed part that names another entry ("fournisseur (AI Act)") is a
        qualifier, not a synonym."""
        out: list[str] = []
        for lang in LANGS:
            name = self.term[lang].replace("«", " ").replace("»", " ")
            for part in re.split(r"\s+/\s+", name):
                base = re.sub(r"\s*\([^)]*\)", "", part).strip()
                out.append(base)
                out.extend(b.strip() for b in re.findall(r"\(([^)]*)\)", part) if fold(b.strip()) not in others)
            out.extend(re.findall(r"«\s*([^»]+?)\s*»", self.term[lang]))
        out.extend(self.aliases)
        return list(dict.fromkeys(f for f in out if f))


@dataclass(frozen=True)
class Match:
    """A glossary entry found in a question, and where: ``start`` is its first token's position."""

    entry: Entry
    start: int
    length: int
    form: str = ""


class Glossary:
    """The glossary's entries, matched in questions by any of their forms."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = list(entries)
        own = [e.names() for e in self.entries]
        everyone: dict[str, int] = {}
        for names in own:
            for n in names:
                everyone[n] = everyone.get(n, 0) + 1
        self._others = [frozenset(n for n in everyone if n not in names) for names in own]
        self._forms = [
            (e, tuple(tokens(f))) for e, others in zip(self.entries, self._others, strict=True) for f in e.forms(others)
        ]
        self._forms = [(e, f) for e, f in self._forms if f]
        # Forms by first word, and first words by themselves and their one-letter deletions: a question's word finds
        # the forms that may start there (exactly or one typo away) without comparing it with every form.
        self._by_first: dict[str, list[int]] = {}
        self._first_keys: dict[str, set[str]] = {}
        for position, (_, form) in enumerate(self._forms):
            self._by_first.setdefault(form[0], []).append(position)
            for key in _deletions(form[0]):
                self._first_keys.setdefault(key, set()).add(form[0])
        self._by_entry = {id(e): others for e, others in zip(self.entries, self._others, strict=True)}

    @classmethod
    def load(cls, folder: Path) -> Glossary:
        """Every ``*.yaml`` file of the glossary folder (none: an empty glossary)."""
        entries = []
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            for item in yamlfile.safe_load(path.read_text(encoding="utf-8")) or []:
                entries.append(
                    Entry(
                        dict(item["term"]),
                        dict(item["definition"]),
                        str(item["module"]),
                        str(item.get("section") or ""),
                        tuple(str(a) for a in item.get("aliases") or ()),
                    )
                )
        return cls(entries)

    def find(self, question: str) -> list[Match]:
        """The entries a question names, in the order they appear; where two forms overlap, the longer wins."""
        words = tokens(question)
        found: list[tuple[int, Match]] = []
        for i, word in enumerate(words):
            for n in self._starting_at(word):
                entry, form = self._forms[n]
                tail = words[i : i + len(form)]
                if len(tail) == len(form) and all(_close(w, f) for w, f in zip(tail, form, strict=True)):
                    found.append((n, Match(entry, i, len(form), " ".join(form))))
        kept: list[Match] = []
        for _, m in sorted(found, key=lambda nm: (-nm[1].length, nm[1].start, nm[0])):
            overlaps = any(m.start < k.start + k.length and k.start < m.start + m.length for k in kept)
            if not overlaps and all(k.entry is not m.entry for k in kept):
                kept.append(m)
        return sorted(kept, key=lambda m: m.start)

    def _starting_at(self, word: str) -> list[int]:
        """The forms whose first word is the word or one typo away from it."""
        firsts = {f for key in _deletions(word) for f in self._first_keys.get(key, ())}
        return [n for first in firsts if _close(word, first) for n in self._by_first[first]]

    def expand(self, question: str) -> str:
        """The question followed by the other names of the terms it holds, in both languages, so that BM25 finds
        "grand modèle de langage" for "LLM" and "RGPD" for "GDPR"."""
        present = set(tokens(question))
        extra = [
            name
            for m in self.find(question)
            if m.form not in _NO_EXPANSION  # "IA" alone says nothing BM25 can use
            for name in m.entry.forms(self._by_entry[id(m.entry)])
            if fold(name) not in _NO_EXPANSION and not set(tokens(name)) <= present
        ]
        return question if not extra else f"{question} ({'; '.join(dict.fromkeys(extra))})"

    def asked_definition(self, question: str) -> Entry | None:
        """The entry a question asks to define ("c'est quoi un LLM ?", "RAG ?", "what's a DPIA", "biais
        d'automatisation définition"), when the term comes first in what is asked."""
        words = _TOKEN.findall(fold(question))
        while words and words[-1] in _FILLERS - {"ia", "ai", "ml", "quoi", "what"}:
            words.pop()  # "... stp", "... please"
        text = " ".join(words)
        asked = _ASKS_WHAT.match(text)
        tail = _IS_WHAT.match(asked.group("rest") if asked else text)
        found = tail or asked
        rest = found.group("rest").split() if found is not None else words
        while rest and rest[0] in _ARTICLES | _DEFINITION_WORDS:
            rest = rest[1:]  # "c'est quoi la définition de ..."
        matches = [m for m in self.find(" ".join(rest)) if m.start == 0]
        if not matches:
            return None
        best = max(matches, key=lambda m: m.length)
        left = [w for w in rest[best.length :] if w not in _FILLERS | _ARTICLES]
        if asked is None and tail is None and left:  # a bare term is a definition request only when it is alone
            return None
        return best.entry
