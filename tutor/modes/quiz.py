"""The quiz mode: a run of spaced-repetition questions; other texts meanwhile are questions for the course."""

from __future__ import annotations

from datetime import datetime

from tutor.buttons import Payload, QuizNext, QuizOption, QuizStart
from tutor.domain import Learner, ModeState, Reply
from tutor.messages import t
from tutor.modes.base import ASK, Turn
from tutor.quiz.service import Asked, QuizService

QUIZ = "quiz"


class QuizMode:
    """Asks, grades and schedules; the run lives in the quiz store, the mode only says a run is going."""

    name = QUIZ
    command = "quiz"
    payloads: tuple[type, ...] = (QuizOption, QuizNext, QuizStart)

    def __init__(self, quiz: QuizService) -> None:
        self.quiz = quiz

    def enter(self, turn: Turn, arg: str) -> list[Reply]:
        """/quiz [module]: a new run."""
        return self._step(turn, self.quiz.start(turn.learner, arg, turn.now))

    def leave(self, turn: Turn) -> list[Reply]:
        """/cancel: the run ends; what was answered stays recorded."""
        self.quiz.stop(turn.learner)
        turn.switch(ASK)
        return [Reply(t("quiz_stopped", turn.lang))]

    def takes_text(self, learner: Learner, state: ModeState, text: str) -> bool:
        """A letter for a multiple-choice question, a short non-question for a short-answer one."""
        return self.quiz.takes_text(learner, text)

    def on_text(self, turn: Turn, text: str) -> list[Reply]:
        """Grade the typed answer to the open question."""
        return self._step(turn, self.quiz.answer_text(turn.learner, text, turn.now))

    def on_button(self, turn: Turn, payload: Payload) -> list[Reply]:
        """An option, the next question, or a new run (the reminder's button)."""
        if isinstance(payload, QuizOption):
            return self._step(turn, self.quiz.answer_option(turn.learner, payload.token, payload.option, turn.now))
        if isinstance(payload, QuizNext):
            return self._step(turn, self.quiz.next(turn.learner, turn.now))
        if isinstance(payload, QuizStart):
            return self._step(turn, self.quiz.start(turn.learner, "", turn.now))
        return [Reply(t("unknown_button", turn.lang), kind="error")]

    def on_poll(self, turn: Turn, poll_id: str, option: int) -> list[Reply]:
        """An option chosen in a native quiz poll."""
        return self._step(turn, self.quiz.answer_poll(turn.learner, poll_id, option, turn.now))

    def progress(self, learner: Learner, now: datetime) -> str | None:
        """Cards seen and due, module by module."""
        return self.quiz.progress(learner, now).text

    def question_still_open(self, learner: Learner) -> bool:
        """Whether the learner has a quiz question to answer."""
        return self.quiz.open_question(learner) is not None

    @staticmethod
    def _step(turn: Turn, asked: Asked) -> list[Reply]:
        running = asked.running
        if running is None:
            return asked.replies
        if running and turn.state.mode != QUIZ:
            turn.switch(QUIZ)
        elif not running and turn.state.mode == QUIZ:
            turn.switch(ASK)
        return asked.replies
