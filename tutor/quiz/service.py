"""Quiz sessions: what to ask next, how answers are graded and what the learner sees after each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tutor.domain import Button, Citation, QuizPoll, Reply
from tutor.localtime import local_day_start, zone
from tutor.messages import t
from tutor.quiz.grading import is_correct
from tutor.quiz.items import Item
from tutor.quiz.store import Outcome, QuizStore
from tutor.store.models import AskedQuestion, Learner

LETTERS = "ABCDE"
LEECH_LAPSES = 8


@dataclass(frozen=True)
class QuizRules:
    """Deployment choices for quizzes."""

    new_per_day: int = 10
    session_length: int = 10
    default_timezone: str = "Europe/Paris"


class QuizService:
    """Runs quiz sessions for learners; returns replies, never raises on bad input."""

    def __init__(self, store: QuizStore, rules: QuizRules) -> None:
        self.store = store
        self.rules = rules

    def modules(self) -> list[str]:
        """Module ids that have active items."""
        return sorted({m for m, *_ in self.store.all_items()})

    def start(self, learner: Learner, module_arg: str, now: datetime) -> list[Reply]:
        """Begin a session, on one module if asked."""
        module_id = None
        if module_arg:
            module_id = self._match_module(module_arg)
            if module_id is None:
                return [
                    Reply(
                        t(
                            "quiz_unknown_module",
                            learner.lang,
                            module=module_arg[:40],
                            modules=", ".join(m[:5] for m in self.modules()),
                        ),
                        kind="error",
                    )
                ]
        session = self.store.open_session(learner.id, module_id, self.rules.session_length, now)
        return self._ask_next(learner, session.id, module_id, 0, now)

    def next(self, learner: Learner, now: datetime) -> list[Reply]:
        """The next question of the running session, or a new session."""
        session = self.store.current_session(learner.id)
        if session is None:
            return self.start(learner, "", now)
        return self._ask_next(learner, session.id, session.module_id, session.asked, now)

    def _match_module(self, arg: str) -> str | None:
        arg = arg.strip().lower()
        return next((m for m in self.modules() if m == arg or m.startswith(arg + "-") or m.startswith(arg)), None)

    def pick(self, learner: Learner, session_id: int | None, module_id: str | None, now: datetime) -> str | None:
        """Due items first (lowest retrievability first), then new items within the daily limit."""
        asked = self.store.asked_in_session(session_id) if session_id else set()
        due = [(i, c) for i, c in self.store.due_cards(learner.id, now, module_id) if i not in asked]
        if due:
            return min(due, key=lambda ic: self.store.srs.retrievability(ic[1], now))[0]
        start = local_day_start(now, zone(learner.timezone, self.rules.default_timezone))
        if self.store.new_cards_since(learner.id, start) >= self.rules.new_per_day:
            return None
        fresh = [
            i for i in self.store.new_items(learner.id, learner.level, module_id, len(asked) + 1) if i not in asked
        ]
        return fresh[0] if fresh else None

    def _ask_next(
        self, learner: Learner, session_id: int, module_id: str | None, asked: int, now: datetime
    ) -> list[Reply]:
        item_id = self.pick(learner, session_id, module_id, now) if asked < self.rules.session_length else None
        item = self.store.item(item_id) if item_id else None
        if item is None:
            self.store.close_session(session_id)
            return [Reply(t("quiz_nothing", learner.lang))]
        token = self.store.ask(learner.id, session_id, item.id, learner.lang, now)
        return [self._question(item, token, learner.lang, asked + 1)]

    def _question(self, item: Item, token: str, lang: str, n: int) -> Reply:
        text = item.text(lang)
        cite = self.store.section_citation(item.module_id, item.section_id, lang)
        header = t(
            "quiz_header", lang, n=n, total=self.rules.session_length, module=cite[0] if cite else item.module_id
        )
        if item.kind == "mcq":
            lines = [f"{LETTERS[i]}) {o}" for i, o in enumerate(text.options)]
            buttons = tuple(Button(LETTERS[i], f"q:{token}:{i}") for i in range(len(text.options)))
            poll = QuizPoll(text.question, text.options, text.answer or 0, text.explanation, token)
            return Reply("\n\n".join([header, text.question, "\n".join(lines)]), buttons=buttons, poll=poll)
        return Reply("\n\n".join([header, text.question, t("quiz_type_answer", lang)]))

    def answer_option(self, learner: Learner, token: str, option: int, now: datetime) -> list[Reply]:
        """Grade a multiple-choice answer given by button or poll."""
        outcome = self.store.answer(learner.id, token, lambda item: item.text(learner.lang).answer == option, now)
        return self._after(learner, outcome, now)

    def answer_text(self, learner: Learner, asked: AskedQuestion, typed: str, now: datetime) -> list[Reply]:
        """Grade a typed answer to the open question."""

        def grade(item: Item) -> bool:
            text = item.text(learner.lang)
            if item.kind == "mcq":
                choice = typed.strip().upper().rstrip(").")
                return choice in LETTERS and LETTERS.index(choice) == text.answer
            return is_correct(typed, text.accepted)

        return self._after(learner, self.store.answer(learner.id, asked.token, grade, now), now)

    def answer_poll(self, learner: Learner, poll_id: str, option: int, now: datetime) -> list[Reply]:
        """Grade the option chosen in a native poll."""
        token = self.store.token_for_poll(poll_id)
        if token is None:
            return [Reply(t("quiz_stale", learner.lang), kind="error")]
        return self.answer_option(learner, token, option, now)

    def _after(self, learner: Learner, outcome: Outcome, now: datetime) -> list[Reply]:
        lang = learner.lang
        if outcome.status != "recorded" or outcome.item is None or outcome.session is None:
            key = {"not_yours": "quiz_not_yours", "already_answered": "quiz_already", "removed": "quiz_removed"}
            return [Reply(t(key.get(outcome.status, "quiz_stale"), lang), kind="error")]
        item, session = outcome.item, outcome.session
        text = item.text(lang)
        verdict = t("quiz_correct", lang) if outcome.correct else t("quiz_wrong", lang, answer=text.correct_text())
        cite = self.store.section_citation(item.module_id, item.section_id, lang)
        citation = Citation(item.module_id, cite[0], item.section_id, cite[1], cite[2]) if cite else None
        parts = [verdict, text.explanation]
        if outcome.lapses >= LEECH_LAPSES and not outcome.correct:
            parts.append(t("leech", lang, lapses=outcome.lapses, section=cite[1] if cite else item.section_id))
        buttons = [Button(t("quiz_ask_tutor", lang), f"ask:{item.id}")]
        if session.asked >= session.length:
            self.store.close_session(session.id)
            parts.append(t("quiz_done", lang, correct=session.correct, asked=session.asked))
        else:
            buttons.append(Button(t("quiz_next", lang), "quiz:next"))
        return [Reply("\n\n".join(parts), buttons=tuple(buttons), citations=(citation,) if citation else ())]
