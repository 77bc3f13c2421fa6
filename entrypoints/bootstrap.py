"""The one place where the ports are wired to real pieces, from the settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tutor.answering.answerer import Answerer
from tutor.answering.course_terms import CourseTerms
from tutor.answering.generative import build_chat_model
from tutor.answering.glossary import Glossary
from tutor.answering.thresholds import thresholds_for
from tutor.clock import SystemClock
from tutor.conversation import Assistant, Defaults
from tutor.lab.tasks import LabTasks
from tutor.modes.lab import LabMode
from tutor.modes.scenario import ScenarioMode
from tutor.ports import ChatModel, Clock, Embedder, VectorIndex
from tutor.quiz.items import Item
from tutor.quiz.service import QuizRules, QuizService
from tutor.quiz.srs import SpacedRepetition
from tutor.reminders.preferences import ReminderPreferences, ReminderRules
from tutor.retrieval.adapter_training import refit
from tutor.retrieval.catalog import Catalog
from tutor.retrieval.embedders import CachingEmbedder, QueryBatcher, make_embedder
from tutor.retrieval.hybrid import HybridRetriever
from tutor.retrieval.question_keys import QuestionKeys
from tutor.retrieval.shipped import ShippedVectors, shipped_path
from tutor.retrieval.vector_index import ChromaIndex
from tutor.review import Review
from tutor.review.accounts import Accounts, PasswordHasher
from tutor.review.analytics import Analytics
from tutor.review.cohorts import Cohorts
from tutor.review.desk import ReviewDesk, Stores
from tutor.review.flagging import Flagging
from tutor.scenarios.catalog import load_scenarios
from tutor.scenarios.play import ScenarioPlayer
from tutor.settings import Settings
from tutor.store.course import CourseRepository
from tutor.store.db import make_engine, migrate, session_factory
from tutor.store.export import LearnerExport
from tutor.store.lab import LabStore
from tutor.store.learners import LearnerStore
from tutor.store.query_adapters import QueryAdapterRepository
from tutor.store.quiz import QuizStore
from tutor.store.review import ActionStore, AnalyticsStore, FlagStore, OutboxStore, TeamStore
from tutor.store.scenarios import ScenarioStore
from tutor.store.schema import at_head
from tutor.store.unit_of_work import SqlUnitOfWork

if TYPE_CHECKING:
    from tutor.ingest.pipeline import Ingestor


@dataclass
class App:
    """Everything the entry points need, built once."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    embedder: Embedder
    index: VectorIndex
    retriever: HybridRetriever
    assistant: Assistant
    sentences: VectorIndex
    questions: QuestionKeys
    learners: LearnerStore
    quiz_store: QuizStore
    review: Review

    @cached_property
    def ingestor(self) -> Ingestor:
        """The course ingestor, built on first use: a chat or a bot that never ingests does not import it."""
        from tutor.ingest.pipeline import Ingestor

        course = CourseRepository(self.sessions)
        return Ingestor(course, self.embedder, self.index, sentences=self.sentences)

    def sync_quizzes(self, items: list[Item], banks: bool = True) -> tuple[int, int]:
        """Quiz items into the store, their questions into the search index, then the query adapter refitted on them
        (when the course or the questions changed); (items, retired)."""
        result = self.quiz_store.sync_items(items, banks=banks)
        self.questions.sync(self.quiz_store.active_items())
        if self.settings.query_adapter:
            catalog, now = self.retriever.catalog, self.assistant.clock.now()
            refit(catalog.adapters, self.embedder.name, catalog, self.index, self.questions, now)
        return result


def scenario_player(settings: Settings, sessions: sessionmaker[Session], quiz_store: QuizStore) -> ScenarioPlayer:
    """The scenarios of the knowledge folder, played against the store."""
    loaded = load_scenarios(settings.knowledge_dir / "scenarios")
    return ScenarioPlayer(loaded.scenarios, ScenarioStore(sessions), quiz_store.section_citation)


def build(
    settings: Settings,
    embedder: Embedder | None = None,
    clock: Clock | None = None,
    chat_model: ChatModel | None = None,
    index_factory: Callable[[str], VectorIndex] | None = None,
) -> App:
    """Wire the tutor from settings; tests pass fakes for the embedder, clock and chat model, and may pass the vector
    indexes: ``index_factory(kind)`` for "chunks", "questions" and "quiz-queries" (Chroma by default)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url())
    if not at_head(engine):  # a migrated database starts without running Alembic
        migrate(engine)
    sessions = session_factory(engine)
    course = CourseRepository(sessions)
    if embedder is None:
        embedder = QueryBatcher(make_embedder(settings.embedder))  # learners asking at once: one encoder call
        shipped = shipped_path(settings.knowledge_dir, embedder.name)
        if settings.shipped_vectors and shipped.exists():  # the course's own vectors, made once by the project
            embedder = ShippedVectors(embedder, shipped)
    name, chroma_path, chroma_url = embedder.name, settings.chroma_path, settings.chroma_url
    make_index = index_factory or (lambda kind: ChromaIndex(name, path=chroma_path, url=chroma_url, kind=kind))
    index = make_index("chunks")
    sentences = make_index("sentences")  # the quotable sentences' vectors, computed at ingest (issue 17)
    questions = QuestionKeys(
        embedder, make_index("questions"), make_index("quiz-queries") if settings.query_adapter else None
    )
    glossary = Glossary.load(settings.knowledge_dir / "glossary")
    retriever = HybridRetriever(
        embedder,
        index,
        Catalog(course, QueryAdapterRepository(sessions), embedder=embedder.name, use_adapter=settings.query_adapter),
        settings.fusion_weight,
        settings.cross_lingual_fusion_weight,
        questions=questions,
        question_weight=settings.question_weight,
        expand=glossary.expand,
    )
    if chat_model is None and settings.llm:
        chat_model = build_chat_model(
            settings.llm, settings.llm_base_url, settings.llm_api_key, settings.llm_time_limit_s
        )
    answerer = Answerer(
        retriever,
        CachingEmbedder(embedder, store=sentences),
        thresholds_for(embedder.name, settings).same_language,
        settings.top_k,
        chat_model,
        thresholds_for(embedder.name, settings).cross_lingual,
        course_terms=CourseTerms(retriever.catalog, glossary),
        follow_question_language=True,  # answer in the language the question is written in (issue 13)
    )
    defaults = Defaults(
        settings.default_lang,
        settings.default_level,
        settings.max_message_chars,
        settings.reply_within_s,
        settings.messages_per_minute,
        settings.retention_days,
    )
    learners = LearnerStore(sessions)
    quiz_store = QuizStore(sessions, SpacedRepetition(settings.desired_retention))
    quiz = QuizService(
        quiz_store, QuizRules(settings.new_items_per_day, settings.quiz_session_length, settings.default_timezone)
    )
    prefs = ReminderPreferences(
        learners, ReminderRules(settings.default_timezone, settings.quiet_hours_start, settings.quiet_hours_end)
    )
    assistant = Assistant(
        learners,
        answerer,
        clock or SystemClock(),
        defaults,
        quiz,
        prefs,
        SqlUnitOfWork(sessions),
        LearnerExport(sessions),
        activities=(
            ScenarioMode(scenario_player(settings, sessions, quiz_store)),
            LabMode(LabTasks(settings.knowledge_dir / "lab"), LabStore(sessions)),
        ),
        review=review_hooks(sessions, learners, quiz_store),
    )
    return App(
        settings,
        engine,
        sessions,
        embedder,
        index,
        retriever,
        assistant,
        sentences,
        questions,
        learners,
        quiz_store,
        assistant.review,
    )


def review_hooks(sessions: sessionmaker[Session], learners: LearnerStore, quiz_store: QuizStore) -> Review:
    """What the conversation uses of the tutors' review: flags and cohort joins."""
    return Review(Flagging(FlagStore(sessions), learners, quiz_store), Cohorts(TeamStore(sessions), learners))


@dataclass(frozen=True)
class TutorsDesk:
    """What the tutors' dashboard and the admin commands use."""

    desk: ReviewDesk
    analytics: Analytics
    accounts: Accounts
    cohorts: Cohorts
    clock: Clock


def tutors_desk(app: App, hasher: PasswordHasher) -> TutorsDesk:
    """The tutors' side of the review, over the app's store and clock."""
    sessions, clock = app.sessions, app.assistant.clock
    team = TeamStore(sessions)
    stores = Stores(FlagStore(sessions), ActionStore(sessions), OutboxStore(sessions), team, app.learners)
    return TutorsDesk(
        ReviewDesk(stores, SqlUnitOfWork(sessions), clock),
        Analytics(AnalyticsStore(sessions), clock),
        Accounts(team, hasher),
        app.review.cohorts,
        clock,
    )
