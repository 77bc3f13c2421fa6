"""Values that cross the boundary between the core and the adapters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

Platform = Literal["terminal", "telegram", "discord", "test"]
ReplyKind = Literal["message", "answer", "abstention", "error"]
# Who said a turn: the learner, the bot (the "assistant", in code, logs and messages), or a human tutor.
Role = Literal["learner", "assistant", "tutor"]
ASSISTANT: Role = "assistant"


@dataclass(frozen=True)
class Incoming:
    """One thing a learner did: a text typed, a button pressed, or an option chosen in a native quiz poll."""

    platform: Platform
    learner_id: str
    chat_id: str
    text: str = ""
    button: str | None = None
    locale: str | None = None
    poll_id: str | None = None
    poll_option: int | None = None
    group: bool = False  # said in a group chat, where other people read the replies


@dataclass(frozen=True)
class Button:
    """A choice offered to the learner; ``data`` (at most 48 ASCII bytes) comes back as ``Incoming.button``."""

    label: str
    data: str


@dataclass(frozen=True)
class Citation:
    """Where a passage of an answer comes from."""

    module_id: str
    module_title: str
    section_id: str
    section_title: str
    source: str

    def label(self) -> str:
        """Short human-readable form: module, section and path or link."""
        return f"{self.module_title} — {self.section_title} ({self.source})"


@dataclass(frozen=True)
class QuizPoll:
    """A multiple-choice question that a platform may show natively (a Telegram quiz poll).

    ``token`` identifies the asked question in the core; the adapter reports the platform's poll id for it with
    ``Assistant.poll_sent`` so that the answer can come back as ``Incoming(poll_id=..., poll_option=...)``.
    """

    question: str
    options: tuple[str, ...]
    correct_option: int
    explanation: str
    token: str


@dataclass(frozen=True)
class Recipient:
    """Where a push goes: a learner on a platform, in a chat."""

    platform: Platform
    learner_id: str
    chat_id: str


class Delivery(StrEnum):
    """What the platform said about a push."""

    SENT = "sent"
    UNREACHABLE = "unreachable"  # the learner blocked the bot or left: stop pushing until they come back
    FAILED = "failed"  # a transient failure: the push may be tried again


@dataclass(frozen=True)
class Reply:
    """What the core answers; adapters render it within their platform's limits."""

    text: str
    buttons: tuple[Button, ...] = ()
    citations: tuple[Citation, ...] = ()
    kind: ReplyKind = "message"
    poll: QuizPoll | None = None
    private: bool = False  # for the learner's eyes only: an adapter never shows it in a group


@dataclass(frozen=True)
class Passage:
    """A chunk of course material as retrieval returns it."""

    chunk_id: str
    text: str
    module_id: str
    module_title: str
    section_id: str
    section_title: str
    lang: str
    level: int
    source: str
    score: float = 0.0
    dense_score: float = 0.0
    scores: dict[str, float] = field(default_factory=dict, compare=False)

    def citation(self) -> Citation:
        """The citation that points at this passage."""
        return Citation(self.module_id, self.module_title, self.section_id, self.section_title, self.source)


@dataclass(frozen=True)
class Learner:
    """A learner's profile as the core sees it."""

    id: int
    platform: str
    platform_user_id: str
    lang: str
    level: int
    created_at: datetime
    cohort: str | None = None
    chat_id: str | None = None
    timezone: str | None = None
    reminder_time: str | None = None
    reminders_paused_until: date | None = None
    unreachable: bool = False


@dataclass(frozen=True)
class LoggedTurn:
    """One turn of a learner's conversation log."""

    role: Role
    text: str
    kind: str
    created_at: datetime
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class UnansweredQuestion:
    """A question the course did not answer well enough, kept for tutors and course authors."""

    learner_id: int | None
    text: str
    lang: str
    best_score: float
    created_at: datetime


@dataclass(frozen=True)
class ModeState:
    """The learner's active conversation mode and the little it needs to remember between messages."""

    mode: str = "ask"
    data: dict[str, object] = field(default_factory=dict, hash=False)
