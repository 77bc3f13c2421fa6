"""Import quiz items from Moodle GIFT and from CSV, with one clear error per bad question or line."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from tutor.quiz.items import Item, ItemText

_GIFT_ANSWERS = re.compile(r"(?<!\\)\{(.*?)(?<!\\)\}", re.DOTALL)
_TITLE = re.compile(r"^::(.*?)::")


# module id, section id -> whether the course has that section (None: not checked)
SectionCheck = Callable[[str, str], bool] | None
MAX_FIELD_CHARS = 10_000  # a quiz question or option longer than this is a mistake, not a question


@dataclass
class ImportResult:
    """Items read, and one message per question or line that could not be read."""

    items: list[Item] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _where: dict[str, str] = field(default_factory=dict)  # item id -> where it was read first

    def add(self, item: Item, where: str) -> None:
        """Keep the item, or report it as a repeat of one read earlier (the same question twice)."""
        if item.id in self._where:
            self.errors.append(f"{where}: the same question as {self._where[item.id]}, skipped")
            return
        self._where[item.id] = where
        self.items.append(item)


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


def _without_bom(source: str) -> str:
    return source[1:] if source.startswith("\ufeff") else source  # Excel's "CSV UTF-8" starts with a BOM


def parse_gift(source: str, target: Target, known_section: SectionCheck = None) -> ImportResult:
    """Multiple choice ({=right ~wrong}) and short answer ({=a =b}) questions; other GIFT types are reported."""
    result = ImportResult()
    if known_section is not None and not known_section(target.module_id, target.section_id):
        return ImportResult(errors=[f"unknown section '{target.section_id}' in {target.module_id}"])
    source = _without_bom(source)
    line = 1
    for block in re.split(r"\n\s*\n", source):
        start = line
        line += block.count("\n") + 2
        lines = [raw for raw in block.splitlines() if not raw.strip().startswith("//")]
        body = "\n".join(lines).strip()
        if not body:
            continue
        try:
            result.add(_gift_question(body, target), f"line {start}")
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
    if any("->" in a for _, a in answers):
        raise ValueError("matching questions are not supported")
    if any(len(a) > MAX_FIELD_CHARS for _, a in answers) or len(question) > MAX_FIELD_CHARS:
        raise ValueError(f"a question or answer longer than {MAX_FIELD_CHARS} characters")
    if any(s == "~" for s, _ in answers):
        if len(right) != 1 or not 3 <= len(answers) <= 5:
            raise ValueError("multiple choice needs exactly one right answer and 3 to 5 options")
        options = tuple(a for _, a in answers)
        return _make(target, "mcq", ItemText(question, explanation, options, options.index(right[0])))
    return _make(target, "short", ItemText(question, explanation, accepted=tuple(right)))


CSV_COLUMNS = ("module", "section", "lang", "type", "question", "options", "answer", "explanation", "difficulty")


def parse_csv(source: str, level_of: dict[str, int], known_section: SectionCheck = None) -> ImportResult:
    """One item per row; columns as in CSV_COLUMNS; options and accepted answers separated by '|'."""
    result = ImportResult()
    reader = csv.DictReader(io.StringIO(_without_bom(source)), strict=True)
    try:
        missing = set(CSV_COLUMNS[:7]) - {name.strip() for name in reader.fieldnames or []}
        if missing:
            return ImportResult(errors=[f"line 1: missing columns {', '.join(sorted(missing))}"])
        reader.fieldnames = [name.strip() for name in reader.fieldnames or []]
        for row in reader:
            try:
                result.add(_csv_row(row, level_of, known_section), f"line {reader.line_num}")
            except (ValueError, KeyError, AttributeError) as exc:
                result.errors.append(f"line {reader.line_num}: {exc}")
    except csv.Error as exc:  # a field over the csv module's limit, an unbalanced quote: the rest cannot be read
        result.errors.append(f"line {reader.line_num}: unreadable CSV from here on ({exc})")
    return result


def _csv_row(row: dict[str, str], level_of: dict[str, int], known_section: SectionCheck) -> Item:
    module, lang, kind = row["module"].strip(), row["lang"].strip(), row["type"].strip()
    if module not in level_of:
        raise ValueError(f"unknown module '{module}'")
    if lang not in ("fr", "en") or kind not in ("mcq", "short"):
        raise ValueError("lang must be fr or en, type mcq or short")
    question, explanation = row["question"].strip(), (row.get("explanation") or "").strip()
    if not question or len(explanation) > 200:
        raise ValueError("question is empty or explanation longer than 200 characters")
    if None in row or any(len(v or "") > MAX_FIELD_CHARS for v in row.values() if isinstance(v, str)):
        raise ValueError(f"more fields than columns, or a field longer than {MAX_FIELD_CHARS} characters")
    raw_difficulty = (row.get("difficulty") or "1").strip()
    if raw_difficulty not in ("1", "2", "3"):
        raise ValueError("difficulty must be 1, 2 or 3")
    difficulty = int(raw_difficulty)
    section = row["section"].strip()
    if known_section is not None and not known_section(module, section):
        raise ValueError(f"unknown section '{section}' in {module}")
    target = Target(module, section, lang, level_of[module])
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
