"""Flags raised in the conversation: by the assistant (it abstained, a thumbs down, a leech, distress, abuse, repeated
attempts to break its rules) and by the learner (/flag, the "ask a human tutor" button). Runs inside the turn's
unit of work, so a flag is committed with the message that raised it, or not at all."""

from __future__ import annotations

from datetime import timedelta

from tutor.answering.answerer import Answer
from tutor.buttons import AskTutor, Payload, Thumb, encode
from tutor.domain import ASSISTANT, Button, Reply
from tutor.messages import t
from tutor.modes.base import Turn
from tutor.quiz.progress import LEECH_LAPSES
from tutor.review.detection import concern
from tutor.review.values import ONE_OPEN_PER_LEARNER, NewFlag, TranscriptTurn
from tutor.store.learners import LearnerStore
from tutor.store.quiz import QuizStore
from tutor.store.review import FlagStore, citations_json

REPLY_OF_CONCERN = {"distress": "distress_help", "abuse": "abuse_reply", "rules": "rules_reply"}
RULES_WINDOW = timedelta(hours=24)
RULES_ATTEMPTS = 2  # a second attempt within the window is flagged: one can be curiosity
MAX_DETAIL = 500


class Flagging:
    """What the conversation asks of the review: checks before answering, buttons under answers, flags."""

    payloads = (Thumb, AskTutor)

    def __init__(self, flags: FlagStore, learners: LearnerStore, quiz: QuizStore) -> None:
        self.flags = flags
        self.learners = learners
        self.quiz = quiz

    def concern(self, text: str) -> str | None:
        """The kind of concern a message shows (distress, abuse, rules), checked before it is answered; reads only."""
        found = concern(text)
        return found.kind if found else None

    def on_concern(self, turn: Turn, text: str) -> list[Reply]:
        """Reply to a concerning message at once (help lines for distress, whatever the tutors' availability), log
        it, and flag it for tutors (rule breaking only when repeated)."""
        found = concern(text)
        if found is None:
            return []
        reply = t(REPLY_OF_CONCERN[found.kind], turn.lang)
        self.learners.log(turn.learner.id, "learner", text, turn.now)
        self.learners.log(turn.learner.id, ASSISTANT, reply, turn.now)
        if found.kind != "rules" or self._attempts(turn) >= RULES_ATTEMPTS:
            log_id = self.flags.log_id_of_last(turn.learner.id)
            self._raise(
                turn, NewFlag(turn.learner.id, turn.learner.cohort, found.kind, found.label, text, reply, log_id=log_id)
            )
        return [Reply(reply)]

    def _attempts(self, turn: Turn) -> int:
        texts = self.flags.learner_texts_since(turn.learner.id, turn.now - RULES_WINDOW)
        return sum(1 for text in texts if (c := concern(text)) is not None and c.kind == "rules")

    def after_answer(self, turn: Turn, question: str, answer: Answer) -> tuple[Button, ...]:
        """Just after an answer is logged: an abstention is flagged; an answer gets thumbs and an "ask a tutor"."""
        log_id = self.flags.log_id_of_last(turn.learner.id)
        if log_id is None:
            return ()
        if answer.abstained:
            flag = NewFlag(
                turn.learner.id,
                turn.learner.cohort,
                "abstained",
                "",
                question,
                answer.text,
                answer.citations,
                answer.confidence,
                log_id,
            )
            self._raise(turn, flag)
            return ()
        ref = str(log_id)
        return (
            Button(t("thumb_up", turn.lang), encode(Thumb("up", ref))),
            Button(t("thumb_down", turn.lang), encode(Thumb("down", ref))),
            Button(t("ask_tutor", turn.lang), encode(AskTutor(ref))),
        )

    def on_button(self, turn: Turn, payload: Payload) -> list[Reply]:
        """A thumb or an "ask a tutor" under one of the learner's answers."""
        ref = payload.answer if isinstance(payload, Thumb | AskTutor) else ""
        said = self.flags.turn(turn.learner.id, int(ref)) if ref.isdigit() and len(ref) < 19 else None
        if said is None or said.role != ASSISTANT:
            return [Reply(t("flag_stale", turn.lang), kind="error")]
        if isinstance(payload, AskTutor):
            return self._learner_flag(turn, said, "")
        if not isinstance(payload, Thumb) or payload.vote not in ("up", "down"):
            return [Reply(t("unknown_button", turn.lang), kind="error")]
        down = payload.vote == "down"
        self.flags.save_feedback(turn.learner.id, said.id, not down, citations_json(said.citations), turn.now)
        if not down:
            return [Reply(t("thumb_thanks", turn.lang))]
        if self.flags.about(said.id, "thumbs_down") is None:
            question = self.flags.question_before(turn.learner.id, said.id)
            flag = NewFlag(
                turn.learner.id,
                turn.learner.cohort,
                "thumbs_down",
                "",
                question,
                said.text,
                said.citations,
                None,
                said.id,
            )
            self._raise(turn, flag)
        return [Reply(t("thumb_flagged", turn.lang))]

    def flag_command(self, turn: Turn, arg: str) -> list[Reply]:
        """/flag [why]: the learner asks a human tutor about their last exchange (or about anything)."""
        if self.concern(arg) == "distress":
            return self.on_concern(turn, arg)
        return self._learner_flag(turn, self.flags.last_answer(turn.learner.id), arg.strip())

    def _learner_flag(self, turn: Turn, said: TranscriptTurn | None, why: str) -> list[Reply]:
        question = self.flags.question_before(turn.learner.id, said.id) if said else ""
        if said is None or self.flags.about(said.id, "learner") is None or why:
            flag = NewFlag(
                turn.learner.id,
                turn.learner.cohort,
                "learner",
                why[:MAX_DETAIL],
                question,
                said.text if said else "",
                said.citations if said else (),
                None,
                said.id if said else None,
            )
            self._raise(turn, flag)
        return [Reply(t("flag_raised", turn.lang))]

    def leeches(self, turn: Turn) -> None:
        """After a quiz answer: a quiz item that keeps slipping away from the learner is flagged once."""
        if turn.forgotten:
            return
        flagged = self.flags.flagged_details(turn.learner.id, "leech")
        for item_id, lapses in self.flags.leech_items(turn.learner.id, LEECH_LAPSES):
            if item_id in flagged:
                continue
            item = self.quiz.item(item_id)
            text = item.text(turn.lang) if item else None
            detail = item_id
            question = f"{text.question} ({lapses} lapses)" if text else f"{item_id} ({lapses} lapses)"
            answer = text.correct_text() if text else ""
            self._raise(turn, NewFlag(turn.learner.id, turn.learner.cohort, "leech", detail, question, answer))

    def _raise(self, turn: Turn, flag: NewFlag) -> None:
        """Raise a flag, or for reasons kept one at a time, bring the open one back up the queue."""
        if flag.reason in ONE_OPEN_PER_LEARNER:
            detail = flag.detail if flag.reason == "leech" else None
            existing = self.flags.still_open(flag.learner_id, flag.reason, detail)
            if existing is not None:
                self.flags.touch(existing, turn.now, status="open")
                return
        self.flags.add(flag, turn.now)
