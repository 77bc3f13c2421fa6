"""``Reply`` -> what Discord can show: messages of at most 2,000 characters with Markdown escaped, citations for an
embed, buttons in rows (a long list of one kind of choice becomes a select menu).

Pure functions; views are built in ``components`` and messages sent in ``sender``. Lengths are counted in UTF-16
code units, which is never less than the number of characters Discord counts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from discord.utils import escape_markdown

from tutor.domain import Button, Reply

log = logging.getLogger(__name__)

MAX_CONTENT = 2000
MAX_ROWS = 5
MAX_ROW_BUTTONS = 5
MAX_SELECT_OPTIONS = 25
MAX_BUTTON_LABEL = 80
MAX_OPTION_LABEL = 100
MAX_EMBED_DESCRIPTION = 4096


@dataclass(frozen=True)
class Part:
    """One message: escaped Markdown text and, on the last part of a reply, its sources and buttons."""

    content: str
    sources: tuple[str, ...] = ()
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Row:
    """One action row: buttons side by side, or (``select``) one select menu listing them as options."""

    buttons: tuple[Button, ...]
    select: bool = False


def render(reply: Reply, limit: int = MAX_CONTENT) -> list[Part]:
    """The messages that show one reply: its text escaped and split, the sources and buttons on the last one."""
    parts = split_text(escape_markdown(reply.text.strip()) or "…", limit)
    sources, last = citation_lines(reply), len(parts) - 1
    return [
        Part(text, sources if n == last else (), reply.buttons if n == last else ()) for n, text in enumerate(parts)
    ]


def citation_lines(reply: Reply) -> tuple[str, ...]:
    """``[n] module — section (source)`` for each citation, escaped, within an embed's description."""
    lines: list[str] = []
    size = 0
    for n, citation in enumerate(reply.citations, start=1):
        line = escape_markdown(f"[{n}] {citation.label()}")
        size += units(line) + 1
        if size > MAX_EMBED_DESCRIPTION:
            log.warning("left out %d citation(s) that do not fit in an embed", len(reply.citations) - n + 1)
            break
        lines.append(line)
    return tuple(lines)


def units(text: str) -> int:
    """Length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_CONTENT) -> list[str]:
    """Pack paragraphs into messages of at most ``limit`` units: whole paragraphs when they fit, else whole lines,
    else the line cut at a space or, failing that, anywhere (never between an escaping backslash and its character)."""
    pieces: list[tuple[str, str]] = []  # (separator before it, text)
    for paragraph in (p.strip("\n") for p in re.split(r"\n[ \t]*\n", text) if p.strip()):
        if units(paragraph) <= limit:
            pieces.append(("\n\n", paragraph))
            continue
        for i, line in enumerate(paragraph.split("\n")):
            for j, cut in enumerate(cut_line(line, limit)):
                pieces.append(("\n\n" if i == j == 0 else "\n", cut))
    messages: list[str] = []
    for separator, piece in pieces:
        if messages and units(messages[-1]) + units(separator) + units(piece) <= limit:
            messages[-1] += separator + piece
        else:
            messages.append(piece)
    return messages or ["…"]


def cut_line(line: str, limit: int) -> list[str]:
    """A line in pieces of at most ``limit`` units, cut at the last space that fits when there is one."""
    pieces: list[str] = []
    rest = line
    while units(rest) > limit:
        cut = _fitting_prefix(rest, limit)
        space = rest.rfind(" ", 0, cut + 1)
        if space > cut // 2:
            cut = space
        else:
            while cut > 1 and _odd_backslashes(rest[:cut]):
                cut -= 1
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def _fitting_prefix(text: str, limit: int) -> int:
    total = 0
    for i, char in enumerate(text):
        total += 2 if ord(char) > 0xFFFF else 1
        if total > limit:
            return i
    return len(text)


def _odd_backslashes(text: str) -> bool:
    return (len(text) - len(text.rstrip("\\"))) % 2 == 1


def layout(buttons: Sequence[Button]) -> list[Row]:
    """Buttons in rows, one row per kind of choice (the part of the data before ':'); a kind with more choices than a
    row holds becomes a select menu. Discord shows at most 5 rows: the rest is left out, with a warning."""
    rows: list[Row] = []
    for _, group in groupby(buttons, key=lambda b: b.data.partition(":")[0]):
        choices = tuple(group)
        if len(choices) <= MAX_ROW_BUTTONS:
            rows.append(Row(choices))
        else:
            if len(choices) > MAX_SELECT_OPTIONS:
                log.warning("left out %d choice(s) over a select menu's 25", len(choices) - MAX_SELECT_OPTIONS)
            rows.append(Row(choices[:MAX_SELECT_OPTIONS], select=True))
    if len(rows) > MAX_ROWS:
        log.warning("left out %d row(s) of buttons over Discord's 5", len(rows) - MAX_ROWS)
    return rows[:MAX_ROWS]


def clip(label: str, limit: int) -> str:
    """A label within ``limit`` characters (Discord refuses longer ones)."""
    label = label.strip() or "…"
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"
