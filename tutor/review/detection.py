"""What a learner's message may be, besides a question: distress or talk of harm, abuse, or an attempt to get quiz
answers or make the assistant break its rules.

A short list of patterns in French and English, on the text lowercased with accents folded. Why patterns and not a
classifier: no labelled data exists for this audience, the list is small enough to review line by line, and every
pattern is pinned by a test of what it catches and what it misses. The patterns are deliberately narrow (first
person, directed at someone, imperative): talking *about* suicide, harassment or jailbreaks is course material, and a
learner asking about it must be answered, not redirected. What they miss (indirect distress, irony, misspellings) is
listed in tests/test_review_detection.py; tutors' flags and the learner's own /flag remain the safety net.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

ConcernKind = Literal["distress", "abuse", "rules"]


@dataclass(frozen=True)
class Concern:
    """What was recognised: the kind (which decides the reply and the flag's reason) and which rule matched."""

    kind: ConcernKind
    label: str


def _rules(*pairs: tuple[str, str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((label, re.compile(pattern)) for label, pattern in pairs)


_ME = r"(?:me |m')"
_FAMILY = r"(?:pere|mere|beau-pere|belle-mere|parents?|oncle|tante|frere|soeur|copain|copine|mari|femme)"
_EN_FAMILY = r"(?:dad|father|mom|mum|mother|stepfather|stepdad|stepmother|parents?|uncle|brother|boyfriend|husband)"

DISTRESS = _rules(
    ("suicide", rf"\b{_ME}(?:suicid\w*|tuer|foutre en l'air)\b"),
    ("suicide", r"\b(?:envie|veux|voudrais|vais|pense|besoin) (?:de |d'|a )?(?:mourir|en finir)\b"),
    ("suicide", r"\ben finir avec (?:la|ma) vie\b"),
    ("suicide", r"\b(?:je ne veux plus|je veux plus|plus envie de) vivre\b"),
    ("suicide", r"\b(?:je pense|je pense souvent|j'ai pense) au suicide\b"),
    ("suicide", r"\bidees (?:noires|suicidaires)\b"),
    ("self-harm", rf"\b{_ME}(?:faire du mal|scarifier|mutiler|blesser expres)\b"),
    ("self-harm", r"\bje me (?:scarifie|mutile|coupe les (?:bras|poignets))\b"),
    (
        "child at risk",
        rf"\b(?:mon|ma|mes) {_FAMILY} {_ME}(?:frappe|frappent|bat|battent|touche|touchent|viole|menace)\b",
    ),
    ("child at risk", r"\bon me (?:frappe|bat|viole|touche) (?:a la maison|chez moi)\b"),
    ("child at risk", r"\bje (?:suis|me fais) (?:battue?|frappee?|violee?|harcelee?)\b"),
    ("harm to others", r"\bje vais (?:le|la|les|lui) (?:tuer|buter|egorger)\b"),
    ("suicide", r"\b(?:kill|hurt|harm|cut) myself\b"),
    ("suicide", r"\b(?:i'm|im|i am|feel|feeling) suicidal\b"),
    ("suicide", r"\bi (?:want|wanna|am going|'m going) to die\b"),
    ("suicide", r"\b(?:end my life|end it all)\b"),
    ("suicide", r"\b(?:i don't|i dont|i no longer) want to (?:live|be alive)\b"),
    ("suicide", r"\bi(?:'m| am| keep) thinking (?:about|of) (?:suicide|killing myself)\b"),
    ("child at risk", rf"\bmy {_EN_FAMILY} (?:hits|beats|abuses|touches|hurts|rapes) me\b"),
    ("child at risk", r"\bi(?:'m| am) being (?:abused|beaten|raped)\b"),
    ("harm to others", r"\bi(?:'m| am)? (?:going to|gonna) (?:kill|hurt|stab|shoot) (?:him|her|them|someone)\b"),
)

ABUSE = _rules(
    ("insult", r"\b(?:connard|connasse|salope|encule|fils de pute|sale con|pauvre con)\b"),
    ("insult", r"\b(?:ta gueule|ferme[- ]la|va te faire foutre|nique ta)\b"),
    ("insult", r"\b(?:tu es|t'es|t es) (?:nul|nulle|con|conne|debile|stupide|idiot|idiote|inutile)\b"),
    ("threat", r"\bje vais te (?:tuer|buter|frapper|detruire)\b"),
    ("insult", r"\b(?:fuck you|fuck off|go to hell|piece of shit|son of a bitch)\b"),
    ("insult", r"\b(?:you are|you're|youre|ur) (?:an? )?(?:stupid|idiot|moron|useless|dumb|worthless)\b"),
    ("insult", r"\b(?:stupid|dumb|useless) (?:bot|machine|ai)\b"),
    ("threat", r"\bi(?:'ll| will) (?:kill|hurt|destroy) you\b"),
)

RULES = _rules(
    (
        "quiz answers",
        r"\b(?:donne|donnez|dis|dites|envoie)[- ]?(?:moi|nous) (?:toutes )?(?:les|la) (?:bonnes? )?reponses?\b",
    ),
    ("quiz answers", r"\breponses? (?:du|des|au|aux) (?:quiz|questionnaires?|tests?)\b"),
    ("quiz answers", r"\bquelle est la (?:bonne )?reponse (?:a|de) (?:la )?question\b"),
    (
        "rule breaking",
        r"\b(?:ignore|oublie|ignorez|oubliez) (?:toutes )?(?:tes|vos|les|ces) (?:instructions|consignes|regles)\b",
    ),
    (
        "rule breaking",
        r"\b(?:active|passe en|tu es (?:maintenant )?en) mode (?:developpeur|dan|sans filtre|sans limites?)\b",
    ),
    (
        "rule breaking",
        r"\b(?:montre|affiche|revele|donne)[- ]?(?:moi )?(?:ton|tes) (?:prompt|instructions|consignes)\b",
    ),
    ("quiz answers", r"\b(?:give|send|tell|show) (?:me|us) (?:all )?the (?:quiz|test) answers\b"),
    ("quiz answers", r"\banswers? (?:to|for|of) (?:the|this) (?:quiz|test)\b"),
    (
        "rule breaking",
        r"\b(?:ignore|forget|disregard) (?:all )?(?:your|the|previous|prior|above) (?:instructions|rules)\b",
    ),
    ("rule breaking", r"\b(?:enable|enter|switch to) (?:developer|dan|unrestricted) mode\b"),
    ("rule breaking", r"\b(?:show|reveal|print|repeat) (?:me )?your (?:system )?(?:prompt|instructions)\b"),
    ("rule breaking", r"\byou are now (?:dan|free|unrestricted|jailbroken)\b"),
)

_ORDER: tuple[tuple[ConcernKind, tuple[tuple[str, re.Pattern[str]], ...]], ...] = (
    ("distress", DISTRESS),
    ("abuse", ABUSE),
    ("rules", RULES),
)


def normalise(text: str) -> str:
    """Lowercase, accents folded, typographic apostrophes and dashes made plain, spaces collapsed."""
    folded = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    plain = plain.replace("\u2019", "'").replace("\u2018", "'").replace("\u2011", "-").replace("\u2013", "-")
    return re.sub(r"\s+", " ", plain).strip()


def concern(text: str) -> Concern | None:
    """The first concern a message shows (distress before abuse before rule breaking), or None."""
    plain = normalise(text)
    for kind, rules in _ORDER:
        for label, pattern in rules:
            if pattern.search(plain):
                return Concern(kind, label)
    return None
