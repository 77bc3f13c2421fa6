"""The default mode: the learner asks, the assistant answers from the course or says honestly that it cannot."""

from __future__ import annotations

from tutor.answering.answerer import Answer
from tutor.buttons import Payload
from tutor.domain import ASSISTANT, Learner, ModeState, Reply, ReplyKind
from tutor.messages import t
from tutor.modes.base import ASK, Turn
from tutor.store.learners import LearnerStore


class AskMode:
    """Questions and answers; every text is a question, answered before the turn's unit of work and recorded in it."""

    name = ASK

    def __init__(self, learners: LearnerStore) -> None:
        self.learners = learners

    def enter(self, turn: Turn, arg: str) -> list[Reply]:
        """Back to questions."""
        turn.switch(ASK)
        return []

    def leave(self, turn: Turn) -> list[Reply]:
        """Nothing to stop."""
        return [Reply(t("nothing_to_cancel", turn.lang))]

    def takes_text(self, learner: Learner, state: ModeState, text: str) -> bool:
        """Never: a text in this mode is a question, which the router answers."""
        return False

    def on_text(self, turn: Turn, text: str) -> list[Reply]:
        """Not reached (see ``takes_text``)."""
        return []

    def on_button(self, turn: Turn, payload: Payload) -> list[Reply]:
        """This mode has no buttons of its own."""
        return [Reply(t("unknown_button", turn.lang), kind="error")]

    def on_poll(self, turn: Turn, poll_id: str, option: int) -> list[Reply]:
        """No polls here."""
        return [Reply(t("quiz_stale", turn.lang), kind="error")]

    def answered(self, turn: Turn, question: str, answer: Answer) -> Reply:
        """Record the question and the answer (and an unanswered question for the teaching team); the reply."""
        learner, now = turn.learner, turn.now
        kind: ReplyKind = "abstention" if answer.abstained else "answer"
        self.learners.log(learner.id, "learner", question, now)
        if answer.abstained:
            self.learners.record_unanswered(learner.id, question, learner.lang, answer.confidence, now)
        self.learners.log(learner.id, ASSISTANT, answer.text, now, kind=kind, citations=answer.citations)
        return Reply(answer.text, citations=answer.citations, kind=kind)
