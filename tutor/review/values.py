"""Values of the tutors' review: flags and their reasons, tutors and who may see what, cohorts, deliveries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from tutor.domain import Citation, Recipient

Reason = Literal["abstained", "thumbs_down", "leech", "distress", "abuse", "rules", "learner"]
REASONS: tuple[Reason, ...] = ("abstained", "thumbs_down", "leech", "distress", "abuse", "rules", "learner")
Status = Literal["open", "answered", "resolved"]
STATUSES: tuple[Status, ...] = ("open", "answered", "resolved")
ActionKind = Literal["reply", "note", "resolve", "reopen", "mark_wrong", "todo"]
Role = Literal["tutor", "admin"]
ROLES: tuple[Role, ...] = ("tutor", "admin")
# Flags raised again while one of the same reason is still open for the learner update that one instead.
ONE_OPEN_PER_LEARNER: frozenset[str] = frozenset({"distress", "abuse", "rules", "leech"})


@dataclass(frozen=True)
class NewFlag:
    """A flag to raise: the learner, why, and the exchange it is about (``log_id``: the assistant's turn)."""

    learner_id: int
    cohort: str | None
    reason: Reason
    detail: str = ""
    question: str = ""
    answer: str = ""
    citations: tuple[Citation, ...] = ()
    confidence: float | None = None
    log_id: int | None = None


@dataclass(frozen=True)
class Flag:
    """A flag as stored."""

    id: int
    learner_id: int
    cohort: str | None
    reason: str
    status: str
    detail: str
    question: str
    answer: str
    citations: tuple[Citation, ...]
    confidence: float | None
    log_id: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class TranscriptTurn:
    """One turn of a learner's conversation as tutors read it."""

    id: int
    role: str
    text: str
    kind: str
    created_at: datetime
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class ActionRecord:
    """What a tutor did on a flag, who and when."""

    kind: str
    text: str
    tutor: str
    created_at: datetime


@dataclass(frozen=True)
class OutboxRecord:
    """Where a push written for a learner stands."""

    id: int
    status: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class Claimed:
    """A push this process claimed and must now send."""

    id: int
    learner_id: int
    recipient: Recipient
    text: str
    attempts: int


@dataclass(frozen=True)
class TutorRecord:
    """A dashboard account, with the cohorts it follows."""

    id: int
    username: str
    display_name: str
    password_hash: str
    role: str
    active: bool
    cohorts: frozenset[str]


@dataclass(frozen=True)
class Viewer:
    """Who is looking at the dashboard: an admin sees every cohort, a tutor only their own."""

    tutor_id: int
    username: str
    name: str
    role: str
    cohorts: frozenset[str]

    @property
    def is_admin(self) -> bool:
        """Whether this viewer sees everything."""
        return self.role == "admin"

    def can_see(self, cohort: str | None) -> bool:
        """Whether the flags and learners of this cohort (None: no cohort) are this viewer's to see."""
        return self.is_admin or (cohort is not None and cohort in self.cohorts)

    @property
    def visible(self) -> frozenset[str] | None:
        """The cohorts this viewer sees, or None for all (and learners without a cohort)."""
        return None if self.is_admin else self.cohorts


@dataclass(frozen=True)
class CohortInfo:
    """A cohort, its join codes and its tutors."""

    id: int
    key: str
    name: str
    level: int
    codes: tuple[str, ...] = ()
    tutors: tuple[str, ...] = ()


@dataclass(frozen=True)
class LearnerInfo:
    """What tutors see of a learner's profile (never their platform id)."""

    id: int
    platform: str
    lang: str
    level: int
    cohort: str | None
    created_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class ModuleState:
    """A learner's quiz state in one module."""

    module_id: str
    items: int
    answers: int
    correct: int
    lapses: int
    leeches: int

    @property
    def accuracy(self) -> float | None:
        """Share of right answers, or None before any."""
        return self.correct / self.answers if self.answers else None
