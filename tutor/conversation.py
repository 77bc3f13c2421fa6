"""The core's one entry point for learner traffic: ``Assistant.handle(Incoming) -> list[Reply]``.

A message is handled in three steps: it is routed with reads only (to a command, a button's owner, the active mode,
or the course as a question); a question is answered with no transaction open (retrieval and the optional chat
model may be slow); then one unit of work applies it, so that all it changes is committed together.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from tutor.account import Account
from tutor.answering.answerer import Answer, Answerer
from tutor.buttons import (
    Cancel,
    ConfirmDelete,
    Explain,
    KeepData,
    Payload,
    QuizNext,
    QuizOption,
    QuizStart,
    SetLang,
    SetLevel,
    decode,
)
from tutor.commands import COMMANDS
from tutor.domain import Incoming, Learner, ModeState, Reply, ReplyKind
from tutor.language import detect_language
from tutor.messages import t
from tutor.modes.ask import AskMode
from tutor.modes.base import ASK, Mode, Turn
from tutor.modes.quiz import QUIZ, QuizMode
from tutor.ports import Clock
from tutor.quiz.answer_shape import chosen_letter
from tutor.quiz.service import QuizService
from tutor.reminders.preferences import ReminderPreferences
from tutor.retrieval.hybrid import Filters
from tutor.store.export import LearnerExport
from tutor.store.learners import LearnerStore
from tutor.store.unit_of_work import SqlUnitOfWork
from tutor.text_input import clean, has_words

log = logging.getLogger(__name__)
Handler = Callable[[Turn, str], list[Reply]]


@dataclass(frozen=True)
class Defaults:
    """What a new learner starts with, and the input limit."""

    lang: str = "fr"
    level: int = 1
    max_message_chars: int = 2000


@dataclass(frozen=True)
class Route:
    """Where a message goes. ``question`` is set when the course must answer it (before the unit of work)."""

    kind: str  # replies | command | button | poll | mode_text | question
    replies: tuple[Reply, ...] = ()
    name: str = ""
    arg: str = ""
    payload: Payload | None = None
    question: str | None = None
    filters: Filters | None = None


class Assistant:
    """The bot: routes each learner action to the mode or command that owns it; knows nothing of any platform."""

    def __init__(
        self,
        learners: LearnerStore,
        answerer: Answerer,
        clock: Clock,
        defaults: Defaults,
        quiz: QuizService,
        reminders: ReminderPreferences,
        unit_of_work: SqlUnitOfWork,
        export_data: LearnerExport,
    ) -> None:
        self.learners = learners
        self.answerer = answerer
        self.clock = clock
        self.defaults = defaults
        self.quiz = quiz
        self.reminders = reminders
        self.unit_of_work = unit_of_work
        self.ask = AskMode(learners)
        self.quiz_mode = QuizMode(quiz)
        self.modes: dict[str, Mode] = {ASK: self.ask, QUIZ: self.quiz_mode}
        self.account = Account(learners, quiz, export_data)
        self.commands = self._command_handlers()

    def _command_handlers(self) -> dict[str, Handler]:
        account, prefs = self.account, self.reminders
        handlers: dict[str, Handler] = {
            "start": account.start,
            "help": account.help,
            "lang": account.lang,
            "level": account.level,
            "quiz": self.quiz_mode.enter,
            "progress": lambda turn, _: [self.quiz.progress(turn.learner, turn.now)],
            "reminder": lambda turn, arg: [prefs.reminder(turn.learner, arg.lower(), turn.now)],
            "timezone": lambda turn, arg: [prefs.timezone(turn.learner, arg, turn.now)],
            "cancel": lambda turn, _: self.modes[turn.state.mode].leave(turn),
            "export": account.export,
            "delete": account.delete,
        }
        assert set(handlers) == {c.name for c in COMMANDS}, "every registered command has one handler"
        return handlers

    async def poll_sent(self, platform: str, poll_id: str, learner_id: str, token: str) -> None:
        """An adapter showed a quiz question as a native poll: remember it, so that its answer finds the question."""
        if await asyncio.to_thread(self.learners.find, platform, learner_id) is not None:
            await asyncio.to_thread(self.quiz.attach_poll, token, poll_id)

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Replies to one learner action; never raises."""
        try:
            route = await asyncio.to_thread(self._route, incoming)
            answer = None
            if route.question is not None and route.filters is not None:
                query_lang = detect_language(route.question)
                answer = await self.answerer.answer(route.question, route.filters, query_lang=query_lang)
            replies, lang = await asyncio.to_thread(self._apply, incoming, route, answer)
            return in_group(replies, lang) if incoming.group else replies
        except Exception:
            log.exception("failed to handle a message on %s", incoming.platform)
            lang = _locale_lang(incoming.locale) or self.defaults.lang
            return [Reply(t("internal_error", lang), kind="error")]

    def _route(self, incoming: Incoming) -> Route:
        """Decide where the message goes, reading only."""
        learner = self.learners.find(incoming.platform, incoming.learner_id)
        lang = learner.lang if learner else _locale_lang(incoming.locale) or self.defaults.lang
        if incoming.poll_id is not None:
            return Route("poll")
        if incoming.button is not None:
            return self._route_button(learner, lang, incoming.button)
        return self._route_text(learner, lang, incoming.text)

    def _route_button(self, learner: Learner | None, lang: str, data: str) -> Route:
        payload = decode(data)
        if payload is None:
            return Route("replies", (Reply(t("unknown_button", lang), kind="error"),))
        if isinstance(payload, Explain):
            question = self.quiz.explain_text(learner, payload.item_id) if learner else None
            if question is None or learner is None:
                return Route("replies", (Reply(t("quiz_stale", lang), kind="error"),))
            return Route("question", question=question, filters=_filters(learner))
        return Route("button", payload=payload)

    def _route_text(self, learner: Learner | None, lang: str, raw: str) -> Route:
        limit = self.defaults.max_message_chars
        if len(raw) > limit:
            return Route("replies", (Reply(t("too_long", lang, length=len(raw), limit=limit), kind="error"),))
        text = clean(raw)
        if not text:
            return Route("replies", (Reply(t("empty", lang), kind="error"),))
        if text.startswith("/"):
            head, _, arg = text[1:].partition(" ")
            return Route("command", name=head.split("@", 1)[0].lower(), arg=arg.strip())
        if not has_words(text):
            return Route("replies", (Reply(t("no_words", lang), kind="error"),))
        state = self.learners.mode(learner.id) if learner else ModeState()
        mode = self.modes.get(state.mode, self.ask)  # a mode this version does not know: back to questions
        if learner is not None and mode.takes_text(learner, state, text):
            return Route("mode_text", arg=text)
        if len(text) == 1 and (chosen_letter(text) is not None or text in "12345"):
            return Route("replies", (Reply(t("quiz_no_open", lang), kind="error"),))
        filters = _filters(learner) if learner else Filters(lang=lang)
        return Route("question", question=text, filters=filters)

    def _apply(self, incoming: Incoming, route: Route, answer: Answer | None) -> tuple[list[Reply], str]:
        """The unit of work of one message: the learner seen, the routed action, the mode kept."""
        with self.unit_of_work():
            turn = self._turn(incoming)
            replies = self._dispatch(turn, incoming, route, answer)
            if turn.changed and not turn.forgotten:
                self.learners.set_mode(turn.learner.id, turn.state, turn.now)
            return replies, turn.lang

    def _turn(self, incoming: Incoming) -> Turn:
        now = self.clock.now()
        lang = _locale_lang(incoming.locale) or self.defaults.lang
        learner = self.learners.get_or_create(incoming.platform, incoming.learner_id, lang, self.defaults.level, now)
        seen: dict[str, object] = {"last_seen_at": now, "unreachable": False}
        if not incoming.group:  # reminders go to the learner's own chat, never to a group's
            seen["chat_id"] = incoming.chat_id
        learner = self.learners.update(learner.id, **seen) or learner
        state = self.learners.mode(learner.id)
        if state.mode not in self.modes:  # a mode of a newer version, or one since removed
            state = ModeState()
        return Turn(learner, state, now, incoming.group)

    def _dispatch(self, turn: Turn, incoming: Incoming, route: Route, answer: Answer | None) -> list[Reply]:
        if route.kind == "replies":
            return list(route.replies)
        if route.kind == "command":
            handler = self.commands.get(route.name)
            if handler is None:
                return [Reply(t("unknown_command", turn.lang, command="/" + route.name[:32]), kind="error")]
            return handler(turn, route.arg)
        if route.kind == "poll":
            option = incoming.poll_option if incoming.poll_option is not None else -1
            return self.quiz_mode.on_poll(turn, incoming.poll_id or "", option)
        if route.kind == "button" and route.payload is not None:
            return self._button(turn, route.payload)
        if route.kind == "mode_text":
            return self.modes[turn.state.mode].on_text(turn, route.arg)
        assert route.question is not None and answer is not None
        return self._answered(turn, route.question, answer)

    def _button(self, turn: Turn, payload: Payload) -> list[Reply]:
        if isinstance(payload, QuizOption | QuizNext | QuizStart):
            return self.quiz_mode.on_button(turn, payload)
        if isinstance(payload, SetLang):
            return self.account.lang(turn, payload.lang)
        if isinstance(payload, SetLevel):
            return self.account.level(turn, str(payload.level))
        if isinstance(payload, ConfirmDelete):
            return self.account.forget(turn, payload.nonce)
        if isinstance(payload, KeepData):
            return self.account.keep(turn)
        if isinstance(payload, Cancel):
            return self.modes[turn.state.mode].leave(turn)
        return self.modes[turn.state.mode].on_button(turn, payload)

    def _answered(self, turn: Turn, question: str, answer: Answer) -> list[Reply]:
        replies = [self.ask.answered(turn, question, answer)]
        if turn.state.mode == QUIZ and not turn.group and self.quiz_mode.question_still_open(turn.learner):
            replies.append(Reply(t("quiz_still_open", turn.lang)))
        return replies


def _filters(learner: Learner) -> Filters:
    return Filters(lang=learner.lang, cohort=learner.cohort)


def _locale_lang(locale: str | None) -> str | None:
    if locale and locale[:2].lower() in ("fr", "en"):
        return locale[:2].lower()
    return None


PUBLIC_IN_GROUP: frozenset[ReplyKind] = frozenset({"answer", "abstention", "error"})


def in_group(replies: list[Reply], lang: str) -> list[Reply]:
    """In a group, answers about the course stay public; quizzes, progress and settings go to the learner privately."""
    if all(reply.kind in PUBLIC_IN_GROUP for reply in replies):
        return replies
    return [Reply(t("sent_in_private", lang))] + [replace(reply, private=True) for reply in replies]


__all__ = ["COMMANDS", "Assistant", "Defaults"]
