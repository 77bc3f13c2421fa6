"""What a sentence does in its passage: whether it leans on the one before, only points elsewhere, or is a fragment.

A quotation must stand on its own: "C'est l'essai contrôlé randomisé." means nothing without the sentence it follows,
"Voir le module sur les biais." answers nothing, and a list item cut from its lead-in is half a sentence."""

from __future__ import annotations

import re

from tutor.answering.plain_text import markdown_to_plain

_OPENING = r"^[\s\"'«“‘(\[*_]*"
# "Ce module", "Cette section", "This chapter": the document speaking of itself, not of the sentence before.
_SELF = r"(?!\s+(?:section|module|chapitre|partie|document|cours|page|guide|fiche|chapter|part|course|unit)s?\b)"
_IMPERSONAL_IL = r"(?!\s+(?:faut|existe|suffit|reste|arrive|importe|vaut|y\s+a|est\s+[\w-]+\s+(?:de|d['’]|que|qu['’])))"
_LEANING_OPENINGS = [
    # French: demonstratives and pronouns standing for what was just said, ordinals, linking adverbs
    r"C['’]est|C['’]était|Cela|Ça|Ceci",
    r"Ce(?!\s+(?:qui|que|dont)\b|\s+qu['’])" + _SELF,
    r"Cet|Cette" + _SELF,
    r"Ces|Celui|Celle|Celles|Ceux|Ils|Elles|Elle",
    r"Il" + _IMPERSONAL_IL,
    r"(?:La|Le|Les)\s+(?:premi[eè]re?s?|secondes?|deuxi[eè]mes?|derni[eè]re?s?)|L['’](?:un|une|autre)\b|Les\s+deux",
    r"Pourtant|Cependant|Toutefois|Mais|Donc|Ainsi|Aussi,|En\s+revanche|Par\s+contre|De\s+même|Par\s+exemple",
    r"Autrement\s+dit|En\s+effet|D['’]où|Sinon|Dans\s+ce\s+cas|À\s+l['’]inverse|Au\s+contraire|Pour\s+autant",
    # English
    r"This" + _SELF,
    r"That|These|Those|Its|They|Their|Them|He|She|Such|Both",
    r"It(?!\s+(?:is|was|'s)\s+[\w-]+\s+(?:to|that)\b|\s+takes\b)",
    r"The\s+(?:first|second|third|last|former|latter|two)",
    r"However|But|So|Thus|Therefore|Hence|Yet|Still|Instead|Otherwise|Likewise|Similarly|Indeed",
    r"For\s+(?:example|instance)|In\s+(?:other\s+words|that\s+case|this\s+case)|On\s+the\s+other\s+hand",
]
_BACK_REFERENCE = re.compile(_OPENING + "(?:" + "|".join(_LEANING_OPENINGS) + r")(?![\w-])")
_POINTER_VERB = re.compile(
    r"\b(?:voir|voyez|cf\.?|consultez|reportez-vous|se\s+reporter|lisez|relisez|présenté|détaillé|expliqué|traité"
    r"|développé|abordé|décrit|repris|détaille|explique|présente|décrit"
    r"|see|refer|read|covered|presented|detailed|explained|developed|discussed|described|taken\s+up|details"
    r"|explains|presents|describes|covers)(?:e?s)?\b",
    re.IGNORECASE,
)
_POINTER_TARGET = re.compile(
    r"⟦|\b(?:section|module|chapitre|chapter|partie|part|page|annexe|appendix|fiche|unit[ée])s?\b", re.IGNORECASE
)
_CLAUSE = re.compile(r"\s*[;:]\s+")
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^()]*\))*\)")
_PARENTHESES = re.compile(r"\s*\((?:[^()]|\([^()]*\))*\)")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")
_TERMINAL = re.compile(r"[.!?…:;»\"”)\]]$")


def leans_back(sentence: str) -> bool:
    """Whether the sentence opens by referring to what comes before it ("C'est", "Cela", "This", "La première")."""
    return bool(_BACK_REFERENCE.match(_LIST_MARKER.sub("", sentence)))


def only_points_elsewhere(sentence: str) -> bool:
    """Whether every clause of the sentence that says something only sends the reader to another section or page
    ("Voir le module sur les biais.", "Bias is covered in depth in [the module on bias](...)")."""
    marked = _LINK.sub(r"⟦\1⟧", sentence.strip())
    outside = _PARENTHESES.sub("", marked)  # an aside "(voir ...)" does not make a sentence a pointer
    if len(markdown_to_plain(outside).split()) < 4:
        outside = marked
    pointers = 0
    for clause in _CLAUSE.split(outside):
        pointing = bool(_POINTER_VERB.search(clause) and _POINTER_TARGET.search(clause))
        pointers += pointing
        if not pointing and len(markdown_to_plain(clause).split()) >= 4:
            return False
    return pointers > 0


def is_fragment(sentence: str) -> bool:
    """Whether the text starts in the middle of a sentence (lower case) or is a bare title with no punctuation."""
    plain = markdown_to_plain(_LIST_MARKER.sub("", sentence)).strip().strip("*_ ")
    start = re.sub(r"^[\"'«“‘(\[\s]+", "", plain)
    if not start or start[0].islower():
        return True
    return not _TERMINAL.search(plain.rstrip("*_ ")) and len(plain) < 80
