"""Freshness of course modules: a ``reviewed:`` date, not too old, and no sentence whose tense contradicts it.

The tense check is deliberately narrow: it looks at a full date ("2 août 2027", "2 August 2027", "August 2, 2027",
"2027-08-02") or a month and year ("août 2027", "August 2027"), and at the tense markers of the clause the date sits
in. A date after ``reviewed:`` spoken of as already past ("est entré en vigueur le 2 août 2027", "since 2 August
2027"), or a date before ``reviewed:`` spoken of in the future tense ("s'appliquera à partir du 2 août 2026", "will
apply from 2 August 2026"), gives a warning. A clause with both past and future markers, or neither, is left alone:
missing a case is better than a false alarm.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

STALE_AFTER_DAYS = 183  # six months

MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE = re.compile(
    rf"\b(?:(?P<day>1er|\d{{1,2}})\s+)?(?P<month>{_MONTH})\s+(?P<year>\d{{4}})\b"
    rf"|\b(?P<month2>{_MONTH})\s+(?P<day2>\d{{1,2}}),\s+(?P<year2>\d{{4}})\b"
    r"|\b(?P<iso>\d{4}-\d{2}-\d{2})\b",
    re.IGNORECASE,
)
# Markers of a clause that speaks of its date as already past.
PAST = re.compile(
    r"\bdepuis\b|\bentr[ée]e?s?\s+en\s+vigueur\b|\b(?:a|ont|avait|avaient)\s+(?:été|pris\s+effet|eu\s+lieu)\b"
    r"|\b(?:a|ont|avait|avaient)\s+\w+é(?:e|s|es)?\b|\bs'appliquai(?:t|ent)\b|\bétai(?:t|ent)\b"
    r"|\bsince\b|\btook\s+effect\b|\b(?:entered|came)\s+into\s+(?:force|effect)\b|\bapplied\s+from\b"
    r"|\b(?:has|have|had)\s+(?:been|applied|\w+ed)\b|\b(?:was|were)\b|\bbecame\b",
    re.IGNORECASE,
)
# Past participles alone: past unless the clause is in the future tense ("sera publié le", "will be published on").
PARTICIPLE = re.compile(
    r"\b(?:lancée?s?|publiée?s?|annoncée?s?|adoptée?s?|finalisée?s?)\b"
    r"|\b(?:launched|published|announced|adopted|released|signed|finali[sz]ed)\b",
    re.IGNORECASE,
)
# Markers of a clause that speaks of its date in the future tense.
FUTURE = re.compile(
    r"\b(?:ser|s'appliquer|entrer|deviendr|prendr|devr|aur|s'imposer)(?:a|ont)\b|\b(?:va|vont)\s+(?:s'|se\s+)?\w+(?:er|ir)\b"
    r"|\bwill\b|\bshall\b|\b(?:is|are)\s+(?:due|expected|scheduled|set)\s+to\b|\bgoing\s+to\b",
    re.IGNORECASE,
)
# Where a clause starts: the tense of another clause says nothing about this date.
_CLAUSE_START = re.compile(r"[;:()«»\"]|,\s|\s(?:et|mais|que|qui|and|but|that|which|who)\s|\squ'", re.IGNORECASE)
# The date must be the time of an event ("le", "depuis le", "on", "since", "from"...), not a target ("reporté au 2
# décembre 2027", "postponed to") nor a name ("l'arrêt du 12 juin 2018", "the judgment of").
_INTRO = r"(?:\b(?:le|en|depuis(?:\s+le)?|dès(?:\s+le)?|à\s+partir\s+du|à\s+compter\s+du|on|in|since|from|as\s+of)\s+)"
_INTRODUCED = re.compile(rf"{_INTRO}(?:\*\*|_)?$", re.IGNORECASE)
# A date at the head of its clause ("Le 2 août 2027, ...", "- **2 August 2027**: ..."): the tense follows it.
_LEAD_IN = re.compile(rf"^[\W_]*{_INTRO}?(?:\*\*|_)?$", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀÂÉÈÊÎÔÛÇ«\"*(\[-])")
_MAX_CLAUSE = 90


@dataclass(frozen=True)
class TenseIssue:
    line: int  # 1-based, within the text given
    sentence: str
    when: date
    tense: str  # "past" (a later date spoken of as past) or "future" (an earlier one spoken of as to come)


def parse_date(match: re.Match[str]) -> tuple[date, date] | None:
    """The first and last day a DATE match can mean (a month and year spans the month)."""
    try:
        if match.group("iso"):
            d = date.fromisoformat(match.group("iso"))
            return d, d
        month = MONTHS[(match.group("month") or match.group("month2")).lower()]
        year = int(match.group("year") or match.group("year2"))
        day = match.group("day") or match.group("day2")
        if day:
            d = date(year, month, 1 if day.lower() == "1er" else int(day))
            return d, d
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        return None


def _clause_before(sentence: str, start: int) -> str:
    head = sentence[:start]
    cut = max((m.end() for m in _CLAUSE_START.finditer(head)), default=0)
    return head[max(cut, start - _MAX_CLAUSE) :]


def _clause_after(sentence: str, end: int) -> str:
    tail = sentence[end:]
    tail = tail.lstrip(" ,:*_")
    found = _CLAUSE_START.search(tail)
    return tail[: found.start() if found else _MAX_CLAUSE][:_MAX_CLAUSE]


def clause_tense(sentence: str, match: re.Match[str]) -> str | None:
    """ "past", "future" or None (no marker, or both) for the clause a date sits in."""
    clause = _clause_before(sentence, match.start())
    if _LEAD_IN.match(clause):
        clause += " " + _clause_after(sentence, match.end())
    elif not _INTRODUCED.search(clause):
        return None
    past, future = bool(PAST.search(clause)), bool(FUTURE.search(clause))
    if not past and not future and PARTICIPLE.search(clause):
        past = True
    if past == future:
        return None
    return "past" if past else "future"


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """(line number, sentence) for each sentence of a Markdown text, outside code blocks."""
    fenced = False
    for n, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced or not line.strip():
            continue
        for sentence in _SENTENCE.split(line.strip()):
            yield n, sentence


def tense_issues(text: str, reviewed: date) -> list[TenseIssue]:
    """Sentences that speak of a date after ``reviewed`` as past, or of one before it as future."""
    issues = []
    for n, sentence in sentences(text):
        for match in DATE.finditer(sentence):
            span = parse_date(match)
            if span is None:
                continue
            tense = clause_tense(sentence, match)
            if tense == "past" and span[0] > reviewed:
                issues.append(TenseIssue(n, sentence, span[0], tense))
            elif tense == "future" and span[1] < reviewed:
                issues.append(TenseIssue(n, sentence, span[1], tense))
    return issues


def shorten(sentence: str, width: int = 140) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= width else sentence[: width - 1].rstrip() + "…"


def freshness_warnings(path: object, body: str, body_line: int, reviewed: date | None, today: date) -> list[str]:
    """Warnings for one module: no ``reviewed:`` date, a review older than six months, tense contradictions.

    ``body_line`` is the file line the body starts on, so that warnings point at the file's own lines.
    """
    if reviewed is None:
        return [f"{path}: no 'reviewed:' date in the front matter"]
    warnings = []
    age = (today - reviewed).days
    if age > STALE_AFTER_DAYS:
        warnings.append(f"{path}: reviewed {reviewed.isoformat()}, {age} days ago (more than {STALE_AFTER_DAYS})")
    for issue in tense_issues(body, reviewed):
        said = "as already past" if issue.tense == "past" else "in the future tense"
        warnings.append(
            f"{path}:{body_line + issue.line - 1}: speaks of {issue.when.isoformat()} {said} "
            f"(reviewed {reviewed.isoformat()}): {shorten(issue.sentence)}"
        )
    return warnings
