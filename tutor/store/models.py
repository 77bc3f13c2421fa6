"""Tables of the tutor. Change them only together with a new Alembic revision."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import DateTime, TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use UTC-aware datetimes")
        return value

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:

        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    pass


class Learner(Base):
    __tablename__ = "learners"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id", name="uq_learner_platform_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    platform_user_id: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(2))
    level: Mapped[int] = mapped_column(Integer, default=1)
    cohort: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    chat_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reminder_time: Mapped[str | None] = mapped_column(String(5), nullable=True)
    reminders_paused_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)


class LogEntry(Base):
    """One turn of a conversation; ``role``: learner, assistant (the bot) or tutor (a human tutor)."""

    __tablename__ = "conversation_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="message")
    citations: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConversationState(Base):
    """The learner's active conversation mode (ask, quiz, ...) and its state as JSON."""

    __tablename__ = "conversation_states"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16))
    data: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UnansweredQuestion(Base):
    """A question the course did not answer well enough: material for tutors and authors."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(2))
    best_score: Mapped[float] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Document(Base):
    """A course file as ingested: path, content hash and what its front matter says."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(512), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    module_id: Mapped[str] = mapped_column(String(128), index=True)
    title: Mapped[str] = mapped_column(String(256))
    lang: Mapped[str] = mapped_column(String(2))
    level: Mapped[int] = mapped_column(Integer)
    cohort: Mapped[str] = mapped_column(String(64), default="")
    source_url: Mapped[str] = mapped_column(String(512), default="")
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    chunks: Mapped[list[Chunk]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True, order_by="Chunk.ordinal"
    )


class Chunk(Base):
    """A passage of a document, as embedded and indexed."""

    __tablename__ = "chunks"

    id: Mapped[str] = mapped_column(String(256), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    section_id: Mapped[str] = mapped_column(String(128))
    section_title: Mapped[str] = mapped_column(String(256))
    text: Mapped[str] = mapped_column(Text)
    document: Mapped[Document] = relationship(back_populates="chunks")


class QuizItem(Base):
    """A quiz item from a bank or an import; its texts in both languages are kept as JSON."""

    __tablename__ = "quiz_items"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    module_id: Mapped[str] = mapped_column(String(128), index=True)
    section_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(8))
    difficulty: Mapped[int] = mapped_column(Integer, default=1)
    level: Mapped[int] = mapped_column(Integer, index=True)
    body: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Card(Base):
    """The FSRS card of one learner for one quiz item."""

    __tablename__ = "cards"
    __table_args__ = (
        UniqueConstraint("learner_id", "item_id", name="uq_card_learner_item"),
        Index("ix_cards_learner_due", "learner_id", "due"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(ForeignKey("quiz_items.id", ondelete="CASCADE"), index=True)
    fsrs: Mapped[str] = mapped_column(Text)
    due: Mapped[datetime] = mapped_column(UTCDateTime())
    reps: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReviewLog(Base):
    """One graded answer; the unique question token makes a double click record nothing twice."""

    __tablename__ = "review_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(16), unique=True)
    rating: Mapped[int] = mapped_column(Integer)
    correct: Mapped[bool] = mapped_column(Boolean)
    fsrs_log: Mapped[str] = mapped_column(Text)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AskedQuestion(Base):
    """A question put to a learner in a quiz session; answered once at most."""

    __tablename__ = "asked_questions"

    token: Mapped[str] = mapped_column(String(16), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[int] = mapped_column(ForeignKey("quiz_sessions.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(2))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    poll_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)


class QuizSession(Base):
    """A run of questions started by /quiz."""

    __tablename__ = "quiz_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    asked: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    length: Mapped[int] = mapped_column(Integer)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)


class ReminderSend(Base):
    """A learner's reminder for one local date: claimed before the send, so that nobody gets two."""

    __tablename__ = "reminder_sends"
    __table_args__ = (UniqueConstraint("learner_id", "local_date", name="uq_reminder_learner_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), index=True)
    claimed_by: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class QueryAdapter(Base):
    """The query map fitted on the quiz questions for one embedder (see tutor.retrieval.query_adapter)."""

    __tablename__ = "query_adapters"

    embedder: Mapped[str] = mapped_column(String(256), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    dim: Mapped[int] = mapped_column(Integer)
    matrix: Mapped[bytes] = mapped_column(LargeBinary)  # float32, row-major, dim × dim
    questions: Mapped[int] = mapped_column(Integer)
    fitted_at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- scenarios ---------------------------------------------------------------------------------------------------


class ScenarioRun(Base):
    """A learner's play of a scenario: where they are (``node_id``), or the ending reached once finished."""

    __tablename__ = "scenario_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    scenario_id: Mapped[str] = mapped_column(String(64), index=True)
    node_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    ending_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    abandoned: Mapped[bool] = mapped_column(Boolean, default=False)


class ScenarioChoice(Base):
    """One choice made in a run; a node is answered once per run."""

    __tablename__ = "scenario_choices"
    __table_args__ = (UniqueConstraint("run_id", "node_id", name="uq_scenario_choice_run_node"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scenario_runs.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    scenario_id: Mapped[str] = mapped_column(String(64), index=True)
    node_id: Mapped[str] = mapped_column(String(40))
    choice: Mapped[int] = mapped_column(Integer)
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime())


# --- tutors' review: cohorts, tutors, flags, answer feedback, tutors' actions, course notes, the durable outbox ----


class Cohort(Base):
    """A group of learners followed by its tutors; ``key`` is what ``learners.cohort`` and ``documents.cohort`` hold."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    level: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CohortCode(Base):
    """A join code of a cohort (``/join CODE``, or a Telegram deep link ``?start=CODE``)."""

    __tablename__ = "cohort_codes"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Tutor(Base):
    """A person of the teaching team with a dashboard account; ``role``: tutor or admin. Deactivated, never deleted."""

    __tablename__ = "tutors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CohortTutor(Base):
    """Which tutors follow which cohorts."""

    __tablename__ = "cohort_tutors"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    tutor_id: Mapped[int] = mapped_column(ForeignKey("tutors.id", ondelete="CASCADE"), primary_key=True)


class Flag(Base):
    """Something for a tutor to look at: why, in what state, about which exchange (``log_id``: the assistant's turn)."""

    __tablename__ = "flags"
    __table_args__ = (Index("ix_flags_queue", "status", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    cohort: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    reason: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(10))
    detail: Mapped[str] = mapped_column(Text, default="")
    question: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    citations: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float | None] = mapped_column(nullable=True)
    log_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation_log.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AnswerFeedback(Base):
    """A learner's thumbs up or down on one answer, with the passages the answer cited."""

    __tablename__ = "answer_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    log_id: Mapped[int] = mapped_column(ForeignKey("conversation_log.id", ondelete="CASCADE"), unique=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    citations: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TutorAction(Base):
    """What a tutor did on a flag, and when: reply, note (private), resolve, reopen, mark_wrong, todo."""

    __tablename__ = "tutor_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flags.id", ondelete="CASCADE"), index=True)
    tutor_id: Mapped[int] = mapped_column(ForeignKey("tutors.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CourseNote(Base):
    """A question tutors kept for the course, with no link to the learner: ``todo`` for the authors, or
    ``wrong_answer`` (the answer given, kept for the evaluation set)."""

    __tablename__ = "course_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    citations: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(2))
    cohort: Mapped[str | None] = mapped_column(String(64), nullable=True)
    tutor_id: Mapped[int] = mapped_column(ForeignKey("tutors.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutboxMessage(Base):
    """A push written in the same transaction as what caused it (a tutor's reply), sent by a bot process that serves
    the learner's platform: pending -> claimed -> sending -> sent | unreachable; a failure goes back to pending."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    flag_id: Mapped[int | None] = mapped_column(ForeignKey("flags.id", ondelete="SET NULL"), nullable=True, index=True)
    platform: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


# --- the lab (/lab): a learner's run of a lab task and the examples they labelled; models are retrained on demand ---


class LabRun(Base):
    """A learner's run of a lab task: the stage reached and the figures shown; ``nonce`` is carried by the run's
    buttons, so that a button of an earlier run of the same task is refused."""

    __tablename__ = "lab_runs"
    __table_args__ = (UniqueConstraint("learner_id", "task_id", name="uq_lab_run_learner_task"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    task_id: Mapped[str] = mapped_column(String(24))
    nonce: Mapped[str] = mapped_column(String(12))
    stage: Mapped[str] = mapped_column(String(16))  # labelling, trained, fixed, done
    fix: Mapped[str | None] = mapped_column(String(16), nullable=True)
    accuracy: Mapped[float | None] = mapped_column(Float, nullable=True)
    fixed_accuracy: Mapped[float | None] = mapped_column(Float, nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LabLabel(Base):
    """A label the learner gave to an example of a lab task's pool; at most one per learner, task and example."""

    __tablename__ = "lab_labels"
    __table_args__ = (UniqueConstraint("learner_id", "task_id", "example_id", name="uq_lab_label_example"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    task_id: Mapped[str] = mapped_column(String(24))
    example_id: Mapped[str] = mapped_column(String(8))
    label: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
