"""The review's tables on SQLite and PostgreSQL: concurrent drains never claim the same push; erasure cascades."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from tutor.review.values import NewFlag
from tutor.store import models as orm
from tutor.store.db import make_engine, migrate, session_factory
from tutor.store.learners import LearnerStore
from tutor.store.review import ActionStore, FlagStore, OutboxStore, TeamStore

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


def test_two_processes_draining_at_once_claim_each_push_once(engine: Engine) -> None:
    sessions = session_factory(engine)
    learners = LearnerStore(sessions)
    outbox = OutboxStore(sessions)
    for n in range(40):
        learner = learners.get_or_create("telegram", str(n), "fr", 1, NOW)
        outbox.add(learner.id, "telegram", f"message {n}", NOW)

    def drain(name: str) -> list[int]:
        return [c.id for c in outbox.claim(NOW, ("telegram",), 40, name, NOW - timedelta(minutes=5))]

    with ThreadPoolExecutor(4) as pool:
        claims = list(pool.map(drain, ["p1", "p2", "p3", "p4"]))
    every = [msg for claim in claims for msg in claim]
    assert len(every) == len(set(every)) == 40


def test_erasing_a_learner_erases_their_flags_notes_feedback_and_pushes(engine: Engine) -> None:
    sessions = session_factory(engine)
    learners, flags, team = LearnerStore(sessions), FlagStore(sessions), TeamStore(sessions)
    learner = learners.get_or_create("telegram", "42", "fr", 1, NOW)
    other = learners.get_or_create("telegram", "43", "fr", 1, NOW)
    learners.log(learner.id, "assistant", "une réponse", NOW, kind="answer")
    log_id = flags.log_id_of_last(learner.id)
    assert log_id is not None
    flag_id = flags.add(NewFlag(learner.id, None, "thumbs_down", question="q", answer="a", log_id=log_id), NOW)
    flags.add(NewFlag(other.id, None, "learner"), NOW)
    flags.save_feedback(learner.id, log_id, False, "", NOW)
    tutor_id = team.add_tutor("amy", "Amy", "x", "admin", NOW)
    ActionStore(sessions).add(flag_id, tutor_id, "note", "privé", NOW)
    OutboxStore(sessions).add(learner.id, "telegram", "bonjour", NOW, flag_id=flag_id)

    learners.forget(learner.id)
    with sessions() as s:
        for table in (orm.Flag, orm.AnswerFeedback, orm.OutboxMessage):
            assert s.scalar(select(func.count()).select_from(table).where(table.learner_id == learner.id)) == 0
        assert s.scalar(select(func.count()).select_from(orm.TutorAction)) == 0
        assert s.scalar(select(func.count()).select_from(orm.Flag)) == 1  # the other learner's
        assert s.scalar(select(func.count()).select_from(orm.Tutor)) == 1
