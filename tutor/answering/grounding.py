"""Whether a generated answer says what the passages teach, rather than what a passage or the learner told the model.

The citation and figure checks (``generative.check``) cannot see a model that cites [1] and then follows an order
hidden in a passage, writes the learner's homework, recites its own instructions or agrees with a false premise. These
lexical checks refuse such an answer (the caller then quotes the course instead):
- each sentence shares words with the passages' teaching, that is the passages less the sentences that give orders
  to an assistant ("ignore your instructions", "reply only ...");
- no word of the answer comes only from such an order;
- nothing of the system prompt is recited, and the answer is in the language it was asked in;
- when the question presupposes something (why..., is it true that..., yes/no questions) with words no passage
  uses, the answer neither opens by agreeing nor repeats those words.
They are lexical: a model restating a falsehood in the course's own words passes them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tutor.language import detect_language
from tutor.retrieval.lexical import Tokenizer

_TOKENIZERS = {"fr": Tokenizer("fr"), "en": Tokenizer("en")}
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n\s*\n\s*|\n\s*(?=[-*•]\s|\d+[.)]\s)")  # not at a wrapped line
_LEAD = r"(?:^|[:;,.!?«\"“(]\s*|\b(?:and|et|then|puis|please|now|maintenant)\s+)"  # where an imperative starts
_ORDER = re.compile(
    _LEAD + r"(?:ignore[zs]?|oublie[zs]?|disregard|forget)\b.{0,60}?\b(?:instructions?|consignes?|r[èe]gles?|rules?"
    r"|prompts?|directives?|ce qui pr[ée]c[èe]de|previous|above)\b"
    r"|" + _LEAD + r"(?:r[ée]ponds|r[ée]pondez|reply|respond|answer|dis|dites|say|[ée]cris|[ée]crivez|write|output"
    r"|print|affiche[zs]?)\b.{0,60}?\b(?:seulement|uniquement|only|exactement|exactly)\b"
    r"|" + _LEAD + r"(?:r[ée]v[èe]le[zs]?|reveal|montre[zs]?|show|affiche[zs]?|print|repeat|r[ée]p[èe]te[zs]?)\b"
    r".{0,40}?\b(?:prompt|instructions?|consignes?)\b"
    r"|\b(?:tu es|vous [êe]tes|you are) (?:d[ée]sormais|maintenant|now)\b"
    r"|\b(?:from now on|[àa] partir de maintenant|d[ée]sormais),? (?:you|tu|vous)\b"
    r"|\b(?:note (?:to|for) the (?:ai|assistant|model)|note (?:[àa]|pour) l'(?:ia|assistant)"
    r"|if you are an? (?:ai|llm|language model|assistant)|si (?:tu es|vous [êe]tes) une? (?:ia|assistant|mod[èe]le))\b",
    re.IGNORECASE | re.DOTALL,
)
_PRESUPPOSES = re.compile(
    r"^\W*(?:pourquoi|why|how come|comment se fait|est[- ]ce qu\w*|n'?est[- ]il pas|is it|isn'?t it|is|are|does|do|did"
    r"|can|should|puisque|since|given that|[ée]tant donn[ée]|vu que)\b|(?:-t)?-(?:il|elle|ils|elles|on)\b"
    r"|\b(?:vrai que|true that|right that)\b",
    re.IGNORECASE,
)
_AGREES = re.compile(
    r"^\W*(?:oui|tout [àa] fait|exactement|effectivement|en effet|absolument|bien s[ûu]r|c'est vrai|c'est exact"
    r"|(?:vous avez|tu as) raison|yes|indeed|exactly|absolutely|of course|that'?s right|that'?s true"
    r"|(?:you'?re|you are) right|correct|true)\b",
    re.IGNORECASE,
)
_CITATION = re.compile(r"\[\d+\]")
MIN_SENTENCE = 4  # a sentence of this many words or more must share with the passages' teaching...
MIN_SHARED = 2  # ...this many words...
MIN_SHARE = 0.25  # ...and this share of its words; the answer as a whole too (short sentences count there)
_FRAME = "pourquoi comment vraiment vrai faux est-ce why how come really true false right"  # asking, not claiming
PROMPT_RUN = 5  # this many words in a row from the system prompt: it is being recited


def sentences(text: str) -> list[str]:
    """The sentences of a text, roughly: split after end punctuation, between paragraphs and before list items."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def is_order(sentence: str) -> bool:
    """Whether a sentence gives an order to an assistant ("ignore your instructions", "reply only ...")."""
    return bool(_ORDER.search(sentence))


def refusal(answer: str, question: str, passages: Sequence[str], lang: str, system_prompt: str) -> str | None:
    """Why a cited answer is not grounded in ``passages`` (texts as sent, titles included), or None when it is."""
    tokenize = _TOKENIZERS.get(lang, _TOKENIZERS["en"])
    said = sentences(_CITATION.sub(" ", answer))
    if _recites(" ".join(said), system_prompt):
        return "recites its instructions"
    if detect_language(" ".join(said)) not in (None, lang):
        return "in another language"
    teaching: set[str] = set()
    orders: set[str] = set()
    for passage in passages:
        for sentence in sentences(passage):
            (orders if is_order(sentence) else teaching).update(tokenize(sentence))
    everything: set[str] = set()
    for sentence in said:
        words = set(tokenize(sentence))
        everything |= words
        if words & (orders - teaching):
            return "follows an order found in a passage"
        if len(words) >= MIN_SENTENCE and not _supported(words, teaching):
            return "says what the passages do not"
    if not _supported(everything, teaching):
        return "says what the passages do not"
    premise = set(tokenize(question)) - teaching - orders - set(tokenize(_FRAME))
    if premise and _PRESUPPOSES.search(question.strip()) and _takes_up(said, premise, tokenize):
        return "takes up a premise the passages do not state"
    return None


def _takes_up(said: list[str], premise: set[str], tokenize: Tokenizer) -> bool:
    """Whether an answer opens by agreeing, or repeats a word of the question that no passage uses."""
    return bool(_AGREES.search(said[0] if said else "")) or any(premise & set(tokenize(s)) for s in said)


def _supported(words: set[str], teaching: set[str]) -> bool:
    shared = len(words & teaching)
    return shared >= min(MIN_SHARED, len(words)) and shared >= MIN_SHARE * len(words)


def _recites(text: str, prompt: str) -> bool:
    words = re.findall(r"\w+", prompt.lower())
    runs = {" ".join(words[i : i + PROMPT_RUN]) for i in range(len(words) - PROMPT_RUN + 1)}
    said = re.findall(r"\w+", text.lower())
    return any(" ".join(said[i : i + PROMPT_RUN]) in runs for i in range(len(said) - PROMPT_RUN + 1))
