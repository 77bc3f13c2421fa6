"""The default mode: the learner asks, the assistant answers from the course or says honestly that it cannot."""

from __future__ import annotations

from datetime import datetime

from tutor.answering.answerer import Answer
from tutor.buttons import Payload, SetLang, encode
from tutor.domain import ASSISTANT, Button, Learner, ModeState, Reply, ReplyKind
from tutor.messages import t
from tutor.modes.base import ASK, Turn
from tutor.review.flagging import Flagging
from tutor.store.learners import LearnerStore


class AskMode:
    """Questions and answers; every text is a question, answered before the turn's unit of work and recorded in it."""

    name = ASK
    command = ""
    payloads: tuple[type, ...] = ()

    def __init__(self, learners: LearnerStore, flags: Flagging) -> None:
        self.learners = learners
        self.flags = flags

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

    def progress(self, learner: Learner, now: datetime) -> str | None:
        """Questions are not progress."""
        return None

    def answered(self, turn: Turn, question: str, answer: Answer) -> Reply:
        """Record the question and the answer (and an unanswered question for the teaching team); the reply."""
        learner, now = turn.learner, turn.now
        kind: ReplyKind = "abstention" if answer.abstained else "answer"
        self.learners.log(learner.id, "learner", question, now)
        if answer.abstained:
            self.learners.record_unanswered(learner.id, question, learner.lang, answer.confidence, now)
        self.learners.log(learner.id, ASSISTANT, answer.text, now, kind=kind, citations=answer.citations)
        buttons = self.flags.after_answer(turn, question, answer)  # an abstention is flagged; an answer gets thumbs
        text = answer.text
        offer = language_offer(turn, answer)
        if offer is not None:
            text, buttons = f"{text}\n\n{t('lang_offer', answer.lang)}", (*buttons, offer)
        return Reply(text, buttons=buttons, citations=answer.citations, kind=kind)


LANG_OFFERED = "lang_offered"  # in the learner's state: the switch to the question's language was offered once


def language_offer(turn: Turn, answer: Answer) -> Button | None:
    """Once, when the tutor answered in the question's language rather than the learner's: a button that switches
    to it, as ``/lang`` does (remembered in the learner's state, so that it is not offered again)."""
    if not answer.lang or answer.lang == turn.lang or turn.state.data.get(LANG_OFFERED):
        return None
    turn.remember(LANG_OFFERED, True)
    return Button(t("lang_offer_button", answer.lang), encode(SetLang(answer.lang)))
