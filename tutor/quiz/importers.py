"""Import quiz items from Moodle GIFT and from CSV, with one clear error per bad question or line."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field

from tutor.quiz.items import Item, ItemText

_GIFT_ANSWERS = re.compile(r"(?<!\\)\{(.*?)(?<!\\)\}", re.DOTALL)
_TITLE = re.compile(r"^::(.*?)::")


@dataclass
class ImportResult:
    """Items read, and one message per question or line that could not be read."""

    items: list[Item] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Target:
    """Where imported items belong."""

    module_id: str
    section_id: str
    lang: str
    level: int


def _item_id(module_id: str, question: str) -> str:
    prefix = "-".join(module_id.split("-")[:2])
    return f"{prefix}-i{hashlib.sha1(question.encode()).hexdigest()[:10]}"


def _unescape(text: str) -> str:
    return re.sub(r"\\([~=#{}:])", r"\1", text).strip()


def _make(target: Target, kind: str, text: ItemText, difficulty: int = 1) -> Item:
    return Item(
        _item_id(target.module_id, text.question),
        target.module_id,
        target.section_id,
        kind,
        difficulty,
        target.level,
        {target.lang: text},
    )


def parse_gift(source: str, target: Target) -> ImportResult:
    """Multiple choice ({=right ~wrong}) and short answer ({=a =b}) questions; other GIFT types are reported."""
    result = ImportResult()
    line = 1
    for block in re.split(r"\n\s*\n", source):
        start = line
        line += block.count("\n") + 2
        lines = [raw for raw in block.splitlines() if not raw.strip().startswith("//")]
        body = "\n".join(lines).strip()
        if not body:
            continue
        try:
            result.items.append(_gift_question(body, target))
        except ValueError as exc:
            result.errors.append(f"line {start}: {exc}")
    return result


def _gift_question(body: str, target: Target) -> Item:
    match = _GIFT_ANSWERS.search(body)
    if match is None:
        raise ValueError("no answer block {...}")
    question = _unescape(_TITLE.sub("", body[: match.start()] + " " + body[match.end() :]).strip())
    if not question:
        raise ValueError("empty question")
    parts = re.findall(r"(?<!\\)([=~])((?:\\.|[^=~\\])*)", match.group(1))
    if not parts:
        raise ValueError("true/false, numeric, matching and essay questions are not supported")
    answers, explanation = [], ""
    for sign, raw in parts:
        text, _, feedback = raw.partition("#")
        answers.append((sign, _unescape(text)))
        if sign == "=" and feedback.strip():
            explanation = _unescape(feedback)[:200]
    right = [a for s, a in answers if s == "="]
    if any(s == "~" for s, _ in answers):
        if len(right) != 1 or not 3 <= len(answers) <= 5:
            raise ValueError("multiple choice needs exactly one right answer and 3 to 5 options")
        options = tuple(a for _, a in answers)
        return _make(target, "mcq", ItemText(question, explanation, options, options.index(right[0])))
    return _make(target, "short", ItemText(question, explanation, accepted=tuple(right)))


CSV_COLUMNS = ("module", "section", "lang", "type", "question", "options", "answer", "explanation", "difficulty")


def parse_csv(source: str, level_of: dict[str, int]) -> ImportResult:
    """One item per row; columns as in CSV_COLUMNS; options and accepted answers separated by '|'."""
    result = ImportResult()
    reader = csv.DictReader(io.StringIO(source))
    missing = set(CSV_COLUMNS[:7]) - set(reader.fieldnames or [])
    if missing:
        return ImportResult(errors=[f"line 1: missing columns {', '.join(sorted(missing))}"])
    for row in reader:
        try:
            result.items.append(_csv_row(row, level_of))
        except (ValueError, KeyError) as exc:
            result.errors.append(f"line {reader.line_num}: {exc}")
    return result


def _csv_row(row: dict[str, str], level_of: dict[str, int]) -> Item:
    module, lang, kind = row["module"].strip(), row["lang"].strip(), row["type"].strip()
    if module not in level_of:
        raise ValueError(f"unknown module '{module}'")
    if lang not in ("fr", "en") or kind not in ("mcq", "short"):
        raise ValueError("lang must be fr or en, type mcq or short")
    question, explanation = row["question"].strip(), (row.get("explanation") or "").strip()
    if not question or len(explanation) > 200:
        raise ValueError("question is empty or explanation longer than 200 characters")
    difficulty = int(row.get("difficulty") or 1)
    target = Target(module, row["section"].strip(), lang, level_of[module])
    values = [v.strip() for v in row["options"].split("|") if v.strip()] if row.get("options") else []
    if kind == "short":
        accepted = tuple(a.strip() for a in row["answer"].split("|") if a.strip())
        if not accepted:
            raise ValueError("a short answer needs accepted answers")
        return _make(target, "short", ItemText(question, explanation, accepted=accepted), difficulty)
    answer = row["answer"].strip().upper()
    index = "ABCDE".index(answer) if answer in tuple("ABCDE") else int(answer) if answer.isdigit() else -1
    if not 3 <= len(values) <= 5 or not 0 <= index < len(values):
        raise ValueError("multiple choice needs 3 to 5 options and the index or letter of the right one")
    return _make(target, "mcq", ItemText(question, explanation, tuple(values), index), difficulty)
