"""Quiz runs: what to ask next, how answers are graded and what the learner sees after each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tutor.buttons import Cancel, Explain, QuizNext, QuizOption, encode
from tutor.domain import Button, Citation, Learner, QuizPoll, Reply
from tutor.localtime import local_day_start, zone
from tutor.messages import t
from tutor.quiz.answer_shape import LETTERS, chosen_letter, looks_like_answer, seeks_answer
from tutor.quiz.grading import is_correct
from tutor.quiz.items import Item
from tutor.quiz.progress import LEECH_LAPSES, progress_reply
from tutor.quiz.values import AskedQuestion, Outcome
from tutor.store.quiz import QuizStore


@dataclass(frozen=True)
class QuizRules:
    """Deployment choices for quizzes."""

    new_per_day: int = 10
    session_length: int = 10
    default_timezone: str = "Europe/Paris"


@dataclass(frozen=True)
class Asked:
    """The replies of a quiz step, and whether the run is still going (a question is open or a next one waits)."""

    replies: list[Reply]
    running: bool | None  # None: nothing changed (a refused or stale answer, a bad module name)


class QuizService:
    """Runs quiz runs for learners; returns replies, never raises on bad input."""

    def __init__(self, store: QuizStore, rules: QuizRules) -> None:
        self.store = store
        self.rules = rules

    def modules(self) -> list[str]:
        """Module ids that have active items."""
        return sorted({m for m, *_ in self.store.all_items()})

    def start(self, learner: Learner, module_arg: str, now: datetime) -> Asked:
        """Begin a run, on one module if asked."""
        module_id = None
        if module_arg:
            module_id = self._match_module(module_arg)
            if module_id is None:
                modules = ", ".join(m[:5] for m in self.modules())
                text = t("quiz_unknown_module", learner.lang, module=module_arg[:40], modules=modules)
                return Asked([Reply(text, kind="error")], running=None)
        run = self.store.open_session(learner.id, module_id, self.rules.session_length, now)
        return self._ask_next(learner, run.id, module_id, 0, now)

    def next(self, learner: Learner, now: datetime) -> Asked:
        """The next question of the running run, or a new run."""
        run = self.store.current_session(learner.id)
        if run is None:
            return self.start(learner, "", now)
        return self._ask_next(learner, run.id, run.module_id, run.asked, now)

    def stop(self, learner: Learner) -> bool:
        """End the learner's running run, its open question unanswered; whether one was running."""
        run = self.store.current_session(learner.id)
        if run is not None:
            self.store.close_session(run.id)
        return run is not None

    def open_question(self, learner: Learner) -> AskedQuestion | None:
        """The question the learner has yet to answer, if any."""
        return self.store.open_question(learner.id)

    def open_item(self, learner: Learner) -> Item | None:
        """The item of the question the learner has yet to answer, if any."""
        asked = self.store.open_question(learner.id)
        return self.store.item(asked.item_id) if asked is not None else None

    def takes_text(self, learner: Learner, text: str) -> bool:
        """Whether a typed text is an answer to the open question (else it is a question or a remark)."""
        asked = self.store.open_question(learner.id)
        item = self.store.item(asked.item_id) if asked is not None else None
        return item is not None and looks_like_answer(text, item, learner.lang)

    def seeks_open_answer(self, learner: Learner, text: str) -> bool:
        """Whether a text asks for the answer of the question the learner has yet to answer."""
        asked = self.store.open_question(learner.id)
        item = self.store.item(asked.item_id) if asked is not None else None
        return item is not None and seeks_answer(text, item)

    def explain_text(self, learner: Learner, item_id: str) -> str | None:
        """The question and right answer of an item the learner has answered, to ask the course about; None before."""
        item = self.store.item(item_id)
        if item is None or not self.store.has_card(learner.id, item_id):
            return None
        text = item.text(learner.lang)
        return f"{text.question} {text.correct_text()}"

    def attach_poll(self, token: str, poll_id: str) -> None:
        """Remember which platform poll shows a question, so that its answer finds the question."""
        self.store.attach_poll(token, poll_id)

    def progress(self, learner: Learner, now: datetime) -> Reply:
        """The learner's progress, module by module."""
        return progress_reply(self.store, learner, now, self.rules.default_timezone)

    def reviews(self, learner: Learner) -> list[tuple[datetime, str, bool]]:
        """(when, item id, correct) of every answer of the learner, for their data export."""
        return self.store.reviews(learner.id)

    def leeches(self) -> list[tuple[str, int]]:
        """(item id, learners for whom it is a leech), most troublesome first: for tutors."""
        return self.store.leech_counts(LEECH_LAPSES)

    def _match_module(self, arg: str) -> str | None:
        arg = arg.strip().lower()
        return next((m for m in self.modules() if m == arg or m.startswith(arg + "-") or m.startswith(arg)), None)

    def pick(self, learner: Learner, run_id: int | None, module_id: str | None, now: datetime) -> str | None:
        """Due items first (lowest retrievability first), then new items within the daily limit."""
        asked = self.store.asked_in_session(run_id) if run_id else set()
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

    def _ask_next(self, learner: Learner, run_id: int, module_id: str | None, asked: int, now: datetime) -> Asked:
        item_id = self.pick(learner, run_id, module_id, now) if asked < self.rules.session_length else None
        item = self.store.item(item_id) if item_id else None
        if item is None:
            self.store.close_session(run_id)
            return Asked([Reply(t("quiz_nothing", learner.lang))], running=False)
        token = self.store.ask(learner.id, run_id, item.id, learner.lang, now)
        return Asked([self._question(item, token, learner.lang, asked + 1)], running=True)

    def _question(self, item: Item, token: str, lang: str, n: int) -> Reply:
        text = item.text(lang)
        cite = self.store.section_citation(item.module_id, item.section_id, lang)
        header = t(
            "quiz_header", lang, n=n, total=self.rules.session_length, module=cite[0] if cite else item.module_id
        )
        stop = Button(t("quiz_stop", lang), encode(Cancel()))
        if item.kind == "mcq":
            lines = [f"{LETTERS[i]}) {o}" for i, o in enumerate(text.options)]
            options = tuple(Button(LETTERS[i], encode(QuizOption(token, i))) for i in range(len(text.options)))
            poll = QuizPoll(text.question, text.options, text.answer or 0, text.explanation, token)
            body = "\n\n".join([header, text.question, "\n".join(lines)])
            return Reply(body, buttons=(*options, stop), poll=poll)
        return Reply("\n\n".join([header, text.question, t("quiz_type_answer", lang)]), buttons=(stop,))

    def answer_option(self, learner: Learner, token: str, option: int, now: datetime) -> Asked:
        """Grade a multiple-choice answer given by button or poll."""
        outcome = self.store.answer(learner.id, token, lambda item: item.text(learner.lang).answer == option, now)
        return self._after(learner, outcome)

    def answer_text(self, learner: Learner, typed: str, now: datetime) -> Asked:
        """Grade a typed answer to the open question."""
        asked = self.store.open_question(learner.id)
        if asked is None:
            return Asked([Reply(t("quiz_no_open", learner.lang), kind="error")], running=None)

        def grade(item: Item) -> bool:
            text = item.text(learner.lang)
            if item.kind == "mcq":
                return chosen_letter(typed) == text.answer
            return is_correct(typed, text.accepted)

        return self._after(learner, self.store.answer(learner.id, asked.token, grade, now))

    def answer_poll(self, learner: Learner, poll_id: str, option: int, now: datetime) -> Asked:
        """Grade the option chosen in a native poll."""
        token = self.store.token_for_poll(poll_id)
        if token is None:
            return Asked([Reply(t("quiz_stale", learner.lang), kind="error")], running=None)
        return self.answer_option(learner, token, option, now)

    def _after(self, learner: Learner, outcome: Outcome) -> Asked:
        lang = learner.lang
        if outcome.status != "recorded" or outcome.item is None or outcome.run is None:
            key = {"not_yours": "quiz_not_yours", "already_answered": "quiz_already", "removed": "quiz_removed"}
            return Asked([Reply(t(key.get(outcome.status, "quiz_stale"), lang), kind="error")], running=None)
        item, run = outcome.item, outcome.run
        text = item.text(lang)
        verdict = t("quiz_correct", lang) if outcome.correct else t("quiz_wrong", lang, answer=text.correct_text())
        cite = self.store.section_citation(item.module_id, item.section_id, lang)
        citation = Citation(item.module_id, cite[0], item.section_id, cite[1], cite[2]) if cite else None
        parts = [verdict, text.explanation]
        if outcome.lapses >= LEECH_LAPSES and not outcome.correct:
            parts.append(t("leech", lang, lapses=outcome.lapses, section=cite[1] if cite else item.section_id))
        buttons = [Button(t("quiz_explain", lang), encode(Explain(item.id)))]
        running = run.asked < run.length
        if running:
            buttons.append(Button(t("quiz_next", lang), encode(QuizNext())))
        else:
            self.store.close_session(run.id)
            parts.append(t("quiz_done", lang, correct=run.correct, asked=run.asked))
        reply = Reply("\n\n".join(parts), buttons=tuple(buttons), citations=(citation,) if citation else ())
        return Asked([reply], running=running)
