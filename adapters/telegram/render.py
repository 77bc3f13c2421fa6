"""``Reply`` -> what Telegram can show: HTML messages of at most 4096 characters, inline keyboards, quiz polls.

Pure functions; sending is done elsewhere. Lengths are counted on the visible text (Telegram's limits apply after
entity parsing), in UTF-16 code units, which is never less than the number of characters.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit, PollLimit

from adapters.telegram.signing import CallbackSigner
from tutor.domain import Button, QuizPoll, Reply

log = logging.getLogger(__name__)

MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH  # 4096
MAX_ROW_BUTTONS = 3
MAX_ROW_LABEL_CHARS = 30


@dataclass(frozen=True)
class TextMessage:
    """One sendMessage call: HTML text and, on the last part of a reply, its keyboard."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class QuizMessage:
    """One sendPoll call (a quiz); ``token`` is reported to the core with the poll id once sent."""

    question: str
    options: tuple[str, ...]
    correct_option: int
    explanation: str
    token: str


Outgoing = TextMessage | QuizMessage


@dataclass(frozen=True)
class _Line:
    """A line as shown (``plain``, whose length counts) and as sent (``html``)."""

    plain: str
    html: str


def render(reply: Reply, signer: CallbackSigner, user_id: int, quiz_mode: str = "buttons") -> list[Outgoing]:
    """The messages that show one reply; a native quiz poll replaces text and buttons only in poll mode."""
    if quiz_mode == "poll" and reply.poll is not None and poll_fits(reply.poll):
        poll = reply.poll
        quiz = QuizMessage(poll.question, poll.options, poll.correct_option, explanation(poll.explanation), poll.token)
        return [quiz]
    parts = split_html(_paragraphs(reply))
    keyboard = inline_keyboard(reply.buttons, signer, user_id)
    return [TextMessage(part, keyboard if n == len(parts) - 1 else None) for n, part in enumerate(parts)]


def _paragraphs(reply: Reply) -> list[list[_Line]]:
    blocks = re.split(r"\n[ \t]*\n", reply.text.strip())
    paragraphs = [[_plain_line(line) for line in block.strip("\n").split("\n")] for block in blocks if block.strip()]
    if reply.citations:
        sources = [_Line("Sources", "<b>Sources</b>")]
        sources += [_plain_line(f"[{n}] {c.label()}") for n, c in enumerate(reply.citations, start=1)]
        paragraphs.append(sources)
    return paragraphs or [[_plain_line("…")]]


def _plain_line(text: str) -> _Line:
    return _Line(text, html.escape(text, quote=False))


def visible_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def split_html(paragraphs: list[list[_Line]], limit: int = MAX_TEXT) -> list[str]:
    """Pack paragraphs into messages of at most ``limit`` visible characters: whole paragraphs when they fit,
    else whole lines, else the line cut at a space or, failing that, anywhere."""
    units: list[tuple[list[_Line], str]] = []  # (lines, separator before it)
    for paragraph in paragraphs:
        lines = [piece for line in paragraph for piece in _cut_line(line, limit)]
        if _size(lines) <= limit:
            units.append((lines, "\n\n"))
        else:
            units.extend(([line], "\n\n" if i == 0 else "\n") for i, line in enumerate(lines))
    messages: list[list[tuple[_Line, str]]] = []
    size = 0
    for lines, separator in units:
        added = _size(lines)
        if messages and size + visible_length(separator) + added <= limit:
            messages[-1].extend((line, separator if i == 0 else "\n") for i, line in enumerate(lines))
            size += visible_length(separator) + added
        else:
            messages.append([(line, "\n") for line in lines])
            size = added
    return [_join(message) for message in messages]


def _size(lines: Sequence[_Line]) -> int:
    return sum(visible_length(line.plain) for line in lines) + max(len(lines) - 1, 0)


def _join(message: list[tuple[_Line, str]]) -> str:
    return "".join((separator if i else "") + line.html for i, (line, separator) in enumerate(message)).strip()


def _cut_line(line: _Line, limit: int) -> list[_Line]:
    """A line longer than the limit, cut at the last space that fits, else hard; formatting is lost (body lines
    carry none)."""
    if visible_length(line.plain) <= limit:
        return [line]
    pieces: list[_Line] = []
    rest = line.plain
    while visible_length(rest) > limit:
        cut = _fitting_prefix(rest, limit)
        space = rest.rfind(" ", 0, cut + 1)
        if space > cut // 2:
            cut = space
        pieces.append(_plain_line(rest[:cut].rstrip()))
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(_plain_line(rest))
    return pieces


def _fitting_prefix(text: str, limit: int) -> int:
    """The number of characters of ``text`` whose UTF-16 length is at most ``limit``."""
    units = 0
    for i, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return i
    return len(text)


def inline_keyboard(buttons: Sequence[Button], signer: CallbackSigner, user_id: int) -> InlineKeyboardMarkup | None:
    """Buttons in rows: a new row for a new kind of choice (the part of the data before ':'), or when full."""
    rows: list[list[InlineKeyboardButton]] = []
    last_kind, width = None, 0
    for button in buttons:
        try:
            data = signer.sign(user_id, button.data)
        except ValueError:
            log.warning("dropped a button whose data does not fit in Telegram's 64 bytes: %r", button.data)
            continue
        kind = button.data.partition(":")[0]
        full = rows and (len(rows[-1]) == MAX_ROW_BUTTONS or width + len(button.label) > MAX_ROW_LABEL_CHARS)
        if not rows or kind != last_kind or full:
            rows.append([])
            width = 0
        rows[-1].append(InlineKeyboardButton(button.label, callback_data=data))
        last_kind, width = kind, width + len(button.label)
    return InlineKeyboardMarkup(rows) if rows else None


def poll_fits(poll: QuizPoll) -> bool:
    """Whether a native quiz can show this question unchanged (else the buttons are used)."""
    return (
        PollLimit.MIN_QUESTION_LENGTH <= visible_length(poll.question) <= PollLimit.MAX_QUESTION_LENGTH
        and 2 <= len(poll.options) <= PollLimit.MAX_OPTION_NUMBER
        and all(PollLimit.MIN_OPTION_LENGTH <= visible_length(o) <= PollLimit.MAX_OPTION_LENGTH for o in poll.options)
        and 0 <= poll.correct_option < len(poll.options)
    )


def explanation(text: str) -> str:
    """A quiz explanation within Telegram's 200 characters and 2 line feeds."""
    head, *rest = text.strip().split("\n")
    lines = [head, *rest[:2]]
    if rest[2:]:
        lines[-1] = " ".join([lines[-1], *rest[2:]])
    short = "\n".join(lines)
    limit = PollLimit.MAX_EXPLANATION_LENGTH
    return short if visible_length(short) <= limit else short[: _fitting_prefix(short, limit - 1)].rstrip() + "…"
