"""Quiz persistence: items, cards, asked questions, runs and review logs; domain values in and out."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from tutor.quiz.items import Item, texts_from_json
from tutor.quiz.srs import SpacedRepetition
from tutor.quiz.values import AskedQuestion, CardState, Outcome, QuizRun
from tutor.store.models import AskedQuestion as AskedRow
from tutor.store.models import Card, Chunk, Document, QuizItem, QuizSession, ReviewLog
from tutor.store.unit_of_work import reading, transaction

GradeFn = Callable[[Item], bool]
BANK_ID = re.compile(r"^l\d-\d\d-q\d+$")


def to_item(row: QuizItem) -> Item:
    """The core's view of a stored item."""
    return Item(row.id, row.module_id, row.section_id, row.kind, row.difficulty, row.level, texts_from_json(row.body))


def to_run(row: QuizSession) -> QuizRun:
    """The core's view of a stored quiz session."""
    return QuizRun(row.id, row.module_id, row.asked, row.correct, row.length, row.closed)


def to_asked(row: AskedRow) -> AskedQuestion:
    """The core's view of an asked question."""
    return AskedQuestion(
        row.token, row.learner_id, row.item_id, row.session_id, row.lang, row.asked_at, row.answered_at
    )


class QuizStore:
    """Reads and writes quiz state; every answer is recorded in one transaction, at most once."""

    def __init__(self, sessions: sessionmaker[Session], srs: SpacedRepetition) -> None:
        self._sessions = sessions
        self.srs = srs

    def sync_items(self, items: list[Item], banks: bool = True) -> tuple[int, int]:
        """Insert or update items; with ``banks``, bank items no longer present are deactivated (never deleted)."""
        ids = {i.id for i in items}
        with transaction(self._sessions) as s:
            existing = {r.id: r for r in s.scalars(select(QuizItem))}
            for it in items:
                row = existing.get(it.id) or QuizItem(id=it.id)
                row.module_id, row.section_id, row.kind = it.module_id, it.section_id, it.kind
                row.difficulty, row.level, row.body, row.active = it.difficulty, it.level, it.body_json(), True
                s.add(row)
            removed = [r for r in existing.values() if banks and r.id not in ids and BANK_ID.match(r.id)]
            for row in removed:
                row.active = False
        return len(items), len(removed)

    def all_items(self) -> list[tuple[str, str]]:
        """(module id, item id) of every active item."""
        with reading(self._sessions) as s:
            return [
                (r[0], r[1])
                for r in s.execute(select(QuizItem.module_id, QuizItem.id).where(QuizItem.active.is_(True)))
            ]

    def active_items(self) -> list[Item]:
        """Every active item, with its texts."""
        with reading(self._sessions) as s:
            return [to_item(row) for row in s.scalars(select(QuizItem).where(QuizItem.active.is_(True)))]

    def item(self, item_id: str) -> Item | None:
        """An active item by id."""
        with reading(self._sessions) as s:
            row = s.get(QuizItem, item_id)
            return to_item(row) if row is not None and row.active else None

    def open_session(self, learner_id: int, module_id: str | None, length: int, now: datetime) -> QuizRun:
        """Close any running session and start a new one."""
        with transaction(self._sessions) as s:
            s.execute(update(QuizSession).where(QuizSession.learner_id == learner_id).values(closed=True))
            session = QuizSession(
                learner_id=learner_id,
                module_id=module_id,
                started_at=now,
                length=length,
                asked=0,
                correct=0,
                closed=False,
            )
            s.add(session)
            s.flush()
            return to_run(session)

    def current_session(self, learner_id: int) -> QuizRun | None:
        """The learner's running session, if any."""
        with reading(self._sessions) as s:
            row = s.scalar(
                select(QuizSession)
                .where(QuizSession.learner_id == learner_id, QuizSession.closed.is_(False))
                .order_by(QuizSession.id.desc())
                .limit(1)
            )
            return to_run(row) if row is not None else None

    def asked_in_session(self, session_id: int) -> set[str]:
        """Items already asked in a session."""
        with reading(self._sessions) as s:
            return set(s.scalars(select(AskedRow.item_id).where(AskedRow.session_id == session_id)))

    def due_cards(self, learner_id: int, now: datetime, module_id: str | None) -> list[tuple[str, str]]:
        """(item id, card JSON) of the learner's due cards on active items."""
        q = (
            select(Card.item_id, Card.fsrs)
            .join(QuizItem, QuizItem.id == Card.item_id)
            .where(Card.learner_id == learner_id, Card.due <= now, QuizItem.active.is_(True))
        )
        if module_id:
            q = q.where(QuizItem.module_id == module_id)
        with reading(self._sessions) as s:
            return [(r[0], r[1]) for r in s.execute(q.order_by(Card.due).limit(500))]

    def new_items(self, learner_id: int, level: int, module_id: str | None, limit: int) -> list[str]:
        """Active items the learner has never answered, in course order."""
        seen = select(Card.item_id).where(Card.learner_id == learner_id)
        q = select(QuizItem.id).where(QuizItem.active.is_(True), QuizItem.id.not_in(seen))
        q = q.where(QuizItem.module_id == module_id) if module_id else q.where(QuizItem.level == level)
        with reading(self._sessions) as s:
            return list(s.scalars(q.order_by(QuizItem.module_id, QuizItem.id).limit(limit)))

    def new_cards_since(self, learner_id: int, since: datetime) -> int:
        """How many items the learner met for the first time since a moment (the start of their day)."""
        with reading(self._sessions) as s:
            return int(
                s.scalar(select(func.count(Card.id)).where(Card.learner_id == learner_id, Card.created_at >= since))
                or 0
            )

    def ask(self, learner_id: int, session_id: int, item_id: str, lang: str, now: datetime) -> str:
        """Record that a question is put to the learner; returns its token."""
        token = secrets.token_urlsafe(6)
        with transaction(self._sessions) as s:
            s.add(
                AskedRow(
                    token=token, learner_id=learner_id, item_id=item_id, session_id=session_id, lang=lang, asked_at=now
                )
            )
            s.execute(update(QuizSession).where(QuizSession.id == session_id).values(asked=QuizSession.asked + 1))
        return token

    def open_question(self, learner_id: int) -> AskedQuestion | None:
        """The latest unanswered question of the learner's running session."""
        with reading(self._sessions) as s:
            row = s.scalar(
                select(AskedRow)
                .join(QuizSession, QuizSession.id == AskedRow.session_id)
                .where(
                    AskedRow.learner_id == learner_id,
                    AskedRow.answered_at.is_(None),
                    QuizSession.closed.is_(False),
                )
                .order_by(AskedRow.asked_at.desc())
                .limit(1)
            )
            return to_asked(row) if row is not None else None

    def attach_poll(self, token: str, poll_id: str) -> None:
        """Remember which platform poll shows a question."""
        with transaction(self._sessions) as s:
            s.execute(update(AskedRow).where(AskedRow.token == token).values(poll_id=poll_id))

    def token_for_poll(self, poll_id: str) -> str | None:
        """The question a platform poll shows."""
        with reading(self._sessions) as s:
            return s.scalar(select(AskedRow.token).where(AskedRow.poll_id == poll_id))

    def answer(self, learner_id: int, token: str, grade: GradeFn, now: datetime) -> Outcome:
        """Grade and record an answer once: the question is claimed, the card reviewed, the review logged."""
        with transaction(self._sessions) as s:
            asked = s.get(AskedRow, token)
            if asked is None:
                return Outcome("unknown")
            if asked.learner_id != learner_id:
                return Outcome("not_yours")
            run = s.get(QuizSession, asked.session_id)
            if asked.answered_at is None and (run is None or run.closed):  # stopped, or replaced by a newer run
                return Outcome("stale")
            row = s.get(QuizItem, asked.item_id)
            if row is None or not row.active:
                return Outcome("removed")
            claimed = s.execute(
                update(AskedRow).where(AskedRow.token == token, AskedRow.answered_at.is_(None)).values(answered_at=now)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                return Outcome("already_answered")
            item = to_item(row)
            correct = grade(item)
            card = self._card(s, learner_id, item.id, now)
            reviewed = self.srs.review(card.fsrs, correct, now)
            card.fsrs, card.due, card.reps = reviewed.card_json, reviewed.due, card.reps + 1
            card.lapses += int(reviewed.lapse)
            s.add(
                ReviewLog(
                    card_id=card.id,
                    learner_id=learner_id,
                    token=token,
                    rating=reviewed.rating,
                    correct=correct,
                    fsrs_log=reviewed.log_json,
                    reviewed_at=now,
                )
            )
            session = s.get(QuizSession, asked.session_id)
            assert session is not None
            session.correct += int(correct)
            s.flush()
            return Outcome("recorded", item, correct, card.lapses, to_run(session))

    def _card(self, s: Session, learner_id: int, item_id: str, now: datetime) -> Card:
        card = s.scalar(select(Card).where(Card.learner_id == learner_id, Card.item_id == item_id))
        if card is None:
            card = Card(learner_id=learner_id, item_id=item_id, fsrs="", due=now, created_at=now)
            s.add(card)
            s.flush()  # the row id is the FSRS card_id
            card.fsrs = self.srs.new_card(card.id, now)
        return card

    def has_card(self, learner_id: int, item_id: str) -> bool:
        """Whether the learner has answered the item at least once."""
        with reading(self._sessions) as s:
            return s.scalar(select(Card.id).where(Card.learner_id == learner_id, Card.item_id == item_id)) is not None

    def close_session(self, session_id: int) -> None:
        """Mark a session finished."""
        with transaction(self._sessions) as s:
            s.execute(update(QuizSession).where(QuizSession.id == session_id).values(closed=True))

    def section_citation(self, module_id: str, section_id: str, lang: str) -> tuple[str, str, str] | None:
        """(module title, section title, source) of the section an item comes from."""
        with reading(self._sessions) as s:
            row = s.execute(
                select(Document.title, Chunk.section_title, Document.path, Document.source_url)
                .join(Chunk, Chunk.document_id == Document.id)
                .where(Document.module_id == module_id, Document.lang == lang, Chunk.section_id == section_id)
                .limit(1)
            ).first()
        if row is None:
            return None
        return row[0], row[1], row[3] or f"{row[2]}#{section_id}"

    def cards(self, learner_id: int) -> list[CardState]:
        """(module id, item id, card JSON, lapses) of every card of the learner."""
        with reading(self._sessions) as s:
            rows = s.execute(
                select(QuizItem.module_id, Card.item_id, Card.fsrs, Card.lapses)
                .join(QuizItem, QuizItem.id == Card.item_id)
                .where(Card.learner_id == learner_id)
            )
            return [CardState(r[0], r[1], r[2], r[3]) for r in rows]

    def review_times(self, learner_id: int) -> list[datetime]:
        """When the learner answered, oldest first."""
        with reading(self._sessions) as s:
            return list(
                s.scalars(
                    select(ReviewLog.reviewed_at)
                    .where(ReviewLog.learner_id == learner_id)
                    .order_by(ReviewLog.reviewed_at)
                )
            )

    def reviews(self, learner_id: int) -> list[tuple[datetime, str, bool]]:
        """(when, item id, correct) of every answer of the learner, oldest first."""
        with reading(self._sessions) as s:
            rows = s.execute(
                select(ReviewLog.reviewed_at, Card.item_id, ReviewLog.correct)
                .join(Card, Card.id == ReviewLog.card_id)
                .where(ReviewLog.learner_id == learner_id)
                .order_by(ReviewLog.reviewed_at, ReviewLog.id)
            )
            return [(r[0], r[1], r[2]) for r in rows]

    def leech_counts(self, min_lapses: int) -> list[tuple[str, int]]:
        """(item id, number of learners for whom it is a leech), most troublesome first: for tutors."""
        with reading(self._sessions) as s:
            rows = s.execute(
                select(Card.item_id, func.count(Card.id))
                .where(Card.lapses >= min_lapses)
                .group_by(Card.item_id)
                .order_by(func.count(Card.id).desc())
            )
            return [(r[0], r[1]) for r in rows]

    def review_count(self, learner_id: int) -> int:
        """How many answers of the learner were recorded."""
        with reading(self._sessions) as s:
            return int(s.scalar(select(func.count(ReviewLog.id)).where(ReviewLog.learner_id == learner_id)) or 0)
