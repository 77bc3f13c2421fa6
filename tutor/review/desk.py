"""The tutors' desk: the flag queue, a flag and a learner as tutors read them, and what tutors do about a flag.

Every read and action takes the viewer and checks that the flag or learner is of one of their cohorts (admins see
all): anything else is NotFound, the same as an id that does not exist. Each action is one unit of work: the action
recorded with who and when, the flag's new status, and for a reply the learner's push in the durable outbox and the
reply in their conversation log, all committed together."""

from __future__ import annotations

from dataclasses import dataclass

from tutor.domain import Citation
from tutor.messages import t
from tutor.ports import Clock
from tutor.quiz.progress import LEECH_LAPSES
from tutor.review.values import (
    REASONS,
    STATUSES,
    ActionRecord,
    CohortInfo,
    Flag,
    LearnerInfo,
    ModuleState,
    OutboxRecord,
    TranscriptTurn,
    Viewer,
)
from tutor.store.learners import LearnerStore
from tutor.store.review import ActionStore, FlagStore, OutboxStore, TeamStore
from tutor.store.unit_of_work import SqlUnitOfWork

MAX_REPLY_CHARS = 3500
MAX_NOTE_CHARS = 2000


class NotFound(Exception):
    """No such flag or learner, or not one of the viewer's cohorts."""


@dataclass(frozen=True)
class Queue:
    """The flags to review, with how many there are of each reason."""

    flags: list[Flag]
    counts: dict[str, int]
    cohorts: list[CohortInfo]


@dataclass(frozen=True)
class FlagPage:
    """Everything a tutor needs to handle a flag."""

    flag: Flag
    learner: LearnerInfo
    transcript: list[TranscriptTurn]
    passages: list[tuple[Citation, str]]
    quiz: list[ModuleState]
    actions: list[ActionRecord]
    deliveries: list[OutboxRecord]


@dataclass(frozen=True)
class LearnerPage:
    """A learner's profile, quiz state, flags and recent conversation."""

    learner: LearnerInfo
    quiz: list[ModuleState]
    flags: list[Flag]
    transcript: list[TranscriptTurn]


@dataclass(frozen=True)
class Stores:
    """The repositories the desk works with."""

    flags: FlagStore
    actions: ActionStore
    outbox: OutboxStore
    team: TeamStore
    learners: LearnerStore


class ReviewDesk:
    """Reads and actions of the dashboard, permission-checked."""

    def __init__(self, stores: Stores, unit_of_work: SqlUnitOfWork, clock: Clock) -> None:
        self.s = stores
        self.unit_of_work = unit_of_work
        self.clock = clock

    def queue(self, viewer: Viewer, cohort: str = "", reason: str = "", status: str = "open") -> Queue:
        """The visible flags, oldest first, filtered by cohort, reason and status (unknown filters are ignored)."""
        cohort = cohort if cohort and viewer.can_see(cohort) else ""
        reason = reason if reason in REASONS else ""
        status = status if status in STATUSES else ""
        flags = self.s.flags.queue(viewer.visible, cohort or None, reason or None, status or None)
        counts = self.s.flags.counts(viewer.visible, cohort or None, status or None)
        return Queue(flags, counts, self.s.team.cohorts(viewer.visible))

    def flag(self, viewer: Viewer, flag_id: int) -> FlagPage:
        """A flag with the turns around it, the passages its answer cited, the learner's level and quiz state."""
        with self.unit_of_work():
            flag = self._flag(viewer, flag_id)
            learner = self.s.flags.learner(flag.learner_id)
            assert learner is not None  # a flag goes with its learner (foreign key, cascade)
            return FlagPage(
                flag,
                learner,
                self.s.flags.around(flag.learner_id, flag.log_id, flag.created_at),
                self.s.flags.passages(flag.citations, learner.lang),
                self.s.flags.quiz_state(flag.learner_id, LEECH_LAPSES),
                self.s.actions.of_flag(flag.id),
                self.s.outbox.of_flag(flag.id),
            )

    def learner(self, viewer: Viewer, learner_id: int) -> LearnerPage:
        """A learner of one of the viewer's cohorts."""
        with self.unit_of_work():
            learner = self.s.flags.learner(learner_id)
            if learner is None or not viewer.can_see(learner.cohort):
                raise NotFound(learner_id)
            return LearnerPage(
                learner,
                self.s.flags.quiz_state(learner_id, LEECH_LAPSES),
                self.s.flags.of_learner(learner_id),
                self.s.flags.recent_turns(learner_id),
            )

    def reply(self, viewer: Viewer, flag_id: int, text: str) -> None:
        """Answer the learner: delivered on their own platform as a message from their tutor (through the durable
        outbox, in this same transaction); the flag is then answered."""
        text = text.strip()
        if not text or len(text) > MAX_REPLY_CHARS:
            raise ValueError(f"a reply has 1 to {MAX_REPLY_CHARS} characters")
        now = self.clock.now()
        with self.unit_of_work():
            flag = self._flag(viewer, flag_id)
            learner = self.s.flags.learner(flag.learner_id)
            assert learner is not None
            message = t("tutor_reply", learner.lang, name=viewer.name, text=text)
            self.s.outbox.add(learner.id, learner.platform, message, now, flag_id=flag.id)
            self.s.learners.log(learner.id, "tutor", text, now)
            self.s.actions.add(flag.id, viewer.tutor_id, "reply", text, now)
            self.s.flags.touch(flag.id, now, status="answered" if flag.status == "open" else None)

    def note(self, viewer: Viewer, flag_id: int, text: str) -> None:
        """A private note for the other tutors; kept as long as the flag."""
        text = text.strip()
        if not text or len(text) > MAX_NOTE_CHARS:
            raise ValueError(f"a note has 1 to {MAX_NOTE_CHARS} characters")
        self._act(viewer, flag_id, "note", text)

    def resolve(self, viewer: Viewer, flag_id: int) -> None:
        """Nothing more to do about this flag."""
        self._act(viewer, flag_id, "resolve", status="resolved")

    def reopen(self, viewer: Viewer, flag_id: int) -> None:
        """Back in the queue."""
        self._act(viewer, flag_id, "reopen", status="open")

    def mark_wrong(self, viewer: Viewer, flag_id: int) -> None:
        """The answer given was wrong: its question and answer are kept for the evaluation set."""
        self._act(viewer, flag_id, "mark_wrong", keep="wrong_answer")

    def add_todo(self, viewer: Viewer, flag_id: int) -> None:
        """The course should answer this question: onto the course's to-do list."""
        self._act(viewer, flag_id, "todo", keep="todo")

    def cohorts(self, viewer: Viewer) -> list[CohortInfo]:
        """The viewer's cohorts (every cohort for an admin)."""
        return self.s.team.cohorts(viewer.visible)

    def course_notes(self, viewer: Viewer, kind: str) -> list[tuple[str, str, str | None, object]]:
        """The questions kept for the course (``todo`` or ``wrong_answer``) in the viewer's cohorts."""
        return list(self.s.actions.course_notes(kind, viewer.visible))

    def _act(
        self,
        viewer: Viewer,
        flag_id: int,
        kind: str,
        text: str = "",
        status: str | None = None,
        keep: str | None = None,
    ) -> None:
        now = self.clock.now()
        with self.unit_of_work():
            flag = self._flag(viewer, flag_id)
            if keep is not None:
                learner = self.s.flags.learner(flag.learner_id)
                self.s.actions.keep_for_course(keep, flag, learner.lang if learner else "fr", viewer.tutor_id, now)
            self.s.actions.add(flag.id, viewer.tutor_id, kind, text, now)
            self.s.flags.touch(flag.id, now, status=status)

    def _flag(self, viewer: Viewer, flag_id: int) -> Flag:
        flag = self.s.flags.get(flag_id)
        if flag is None or not viewer.can_see(flag.cohort):
            raise NotFound(flag_id)
        return flag
