"""What the tutor must not say while a quiz question waits for the learner's answer: that question's answer.

The answer is known, in each language of the item, by the stems (and figures) of the right option or of the accepted
short answers that neither the question nor a wrong option uses: "Le biais d'automatisation" among "Le biais de
confirmation" and "L'effet ELIZA" is given away by "automatisation", not by "biais". A text names the answer when it
has one of two such stems, or half of a longer set ("Le tester sur des cas dont vous connaissez déjà la réponse" is
not given away by "réponse" alone); when the right option has no word of its own ("Les femmes à peau foncée" among "Les
hommes à peau foncée"...), by all of its words together."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tutor.quiz.items import Item
from tutor.retrieval.lexical import Tokenizer

_TOKENIZERS = {"fr": Tokenizer("fr"), "en": Tokenizer("en")}
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
MIN_STEM = 4  # shorter stems are mostly small words ("her", "cas"): too common to give an answer away


def _terms(texts: Iterable[str], langs: Iterable[str]) -> set[str]:
    """Stems (of 4 letters or more) in the given languages, and figures as '#digits' ("1,5 %" and "1.5%" are '#15')."""
    tokenizers = [_TOKENIZERS.get(lang, _TOKENIZERS["en"]) for lang in langs]
    terms: set[str] = set()
    for text in texts:
        terms |= {"#" + re.sub(r"\D", "", m) for m in _FIGURE.findall(text)}
        for tokenize in tokenizers:
            terms |= {s for s in tokenize(text) if len(s) >= MIN_STEM and not s.isdigit()}
    return terms


@dataclass(frozen=True)
class Clue:
    """Terms of the answer in one language, and how many of them in a text name it."""

    terms: frozenset[str]
    needed: int


@dataclass(frozen=True)
class Withheld:
    """What names the open question's answer."""

    clues: tuple[Clue, ...]

    @classmethod
    def of(cls, item: Item) -> Withheld:
        """What gives away the answer of ``item``, in each of its languages."""
        clues = []
        for lang, text in item.texts.items():
            if text.answer is not None:
                right = [text.options[text.answer]]
                wrong = [o for n, o in enumerate(text.options) if n != text.answer]
            else:
                right, wrong = list(text.accepted), []
            own = _terms(right, [lang]) - _terms([text.question, *wrong], [lang])
            if own:
                clues.append(Clue(frozenset(own), 1 if len(own) <= 2 else (len(own) + 1) // 2))
            elif all_terms := _terms(right, [lang]):
                clues.append(Clue(frozenset(all_terms), len(all_terms)))
        return cls(tuple(clues))

    def names(self, text: str) -> bool:
        """Whether a text, in either language, names the answer."""
        terms = _terms([text], _TOKENIZERS)
        return any(len(clue.terms & terms) >= clue.needed for clue in self.clues)
