"""The core's one entry point for learner traffic: ``Assistant.handle(Incoming) -> list[Reply]``.

A message is handled in three steps: it is routed with reads only (to a command, a button's owner, the active mode,
or the course as a question); a question is answered with no transaction open (retrieval and the optional chat
model may be slow); then one unit of work applies it, so that all it changes is committed together.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from tutor.account import Account
from tutor.answering.answerer import Answer, Answerer
from tutor.answering.withheld import Withheld
from tutor.buttons import (
    Cancel,
    ConfirmDelete,
    Explain,
    KeepData,
    Payload,
    SetLang,
    SetLevel,
    decode,
)
from tutor.commands import COMMANDS
from tutor.domain import Incoming, Learner, ModeState, Reply, ReplyKind
from tutor.flood import LearnerRateLimit, Verdict
from tutor.language import detect_language
from tutor.messages import t
from tutor.modes.ask import AskMode
from tutor.modes.base import Mode, Turn
from tutor.modes.quiz import QUIZ, QuizMode
from tutor.ports import Clock, IndexUnavailable
from tutor.quiz.answer_shape import chosen_letter
from tutor.quiz.service import QuizService
from tutor.reminders.preferences import ReminderPreferences
from tutor.retrieval.hybrid import Filters
from tutor.review import Review
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
    reply_within_s: float = 60.0  # past this, the learner hears that something is wrong instead of waiting forever
    messages_per_minute: int = 20  # per learner; 0: no limit
    retention_days: int = 365  # what /privacy tells learners (tutor.store.retention applies it)


@dataclass(frozen=True)
class Route:
    """Where a message goes. ``question`` is set when the course must answer it (before the unit of work)."""

    kind: str  # replies | command | button | poll | mode_text | concern | question
    replies: tuple[Reply, ...] = ()
    name: str = ""
    arg: str = ""
    payload: Payload | None = None
    question: str | None = None
    filters: Filters | None = None
    withheld: Withheld | None = None  # what the answer must not name: the open quiz question's answer


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
        activities: Sequence[Mode] = (),
        *,
        review: Review,
    ) -> None:
        self.learners = learners
        self.answerer = answerer
        self.clock = clock
        self.defaults = defaults
        self.quiz = quiz
        self.reminders = reminders
        self.unit_of_work = unit_of_work
        self.rate_limit = LearnerRateLimit(defaults.messages_per_minute)
        self._learner_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self.review = review
        self.ask = AskMode(learners, review.flags)
        self.quiz_mode = QuizMode(quiz)
        every: list[Mode] = [self.ask, self.quiz_mode, *activities]
        self.modes: dict[str, Mode] = {m.name: m for m in every}
        self.account = Account(learners, quiz, export_data)
        self.commands = self._command_handlers()

    def _command_handlers(self) -> dict[str, Handler]:
        account, prefs = self.account, self.reminders
        handlers: dict[str, Handler] = {
            "start": lambda turn, arg: self.review.cohorts.on_start(turn, arg) + account.start(turn, arg),
            "flag": self.review.flags.flag_command,
            "join": self.review.cohorts.join,
            "help": account.help,
            "lang": account.lang,
            "level": account.level,
            "progress": self._progress,
            "privacy": lambda turn, _: [Reply(t("privacy", turn.lang, days=self.defaults.retention_days))],
            "reminder": lambda turn, arg: [prefs.reminder(turn.learner, arg.lower(), turn.now)],
            "timezone": lambda turn, arg: [prefs.timezone(turn.learner, arg, turn.now)],
            "cancel": lambda turn, _: self.modes[turn.state.mode].leave(turn),
            "export": account.export,
            "delete": account.delete,
        }
        handlers.update({m.command: m.enter for m in self.modes.values() if m.command})
        assert set(handlers) == {c.name for c in COMMANDS}, "every registered command has one handler"
        return handlers

    async def poll_sent(self, platform: str, poll_id: str, learner_id: str, token: str) -> None:
        """An adapter showed a quiz question as a native poll: remember it, so that its answer finds the question."""
        if await asyncio.to_thread(self.learners.find, platform, learner_id) is not None:
            await asyncio.to_thread(self.quiz.attach_poll, token, poll_id)

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Replies to one learner action; never raises, and answers within ``reply_within_s``."""
        try:
            async with self._turn_of(f"{incoming.platform}:{incoming.learner_id}"):
                return await asyncio.wait_for(self._handle(incoming), timeout=self.defaults.reply_within_s)
        except TimeoutError:
            log.error(
                "no reply within %.0f s on %s (database or index unresponsive?)",
                self.defaults.reply_within_s,
                incoming.platform,
            )
            lang = _locale_lang(incoming.locale) or self.defaults.lang
            return [Reply(t("internal_error", lang), kind="error")]

    def _turn_of(self, learner: str) -> asyncio.Lock:
        """The learner's queue in this process: their messages are handled one at a time, in arrival order (asyncio
        locks are fair); other learners go on in parallel. Kept only while in use."""
        lock = self._learner_locks.get(learner)
        if lock is None:
            lock = self._learner_locks[learner] = asyncio.Lock()
        return lock

    async def _handle(self, incoming: Incoming) -> list[Reply]:
        now = self.clock.now()
        verdict = self.rate_limit.check(f"{incoming.platform}:{incoming.learner_id}", now)
        if verdict is not Verdict.HANDLE and self.review.flags.concern(incoming.text) is None:  # help is never held
            lang = _locale_lang(incoming.locale) or self.defaults.lang
            notice = Reply(t("slow_down", lang, limit=self.rate_limit.per_minute), kind="error")
            return [notice] if verdict is Verdict.NOTICE else []
        try:
            route = await asyncio.to_thread(self._route, incoming)
            answer = None
            if route.question is not None and route.filters is not None:
                query_lang = detect_language(route.question)
                answer = await self.answerer.answer(
                    route.question, route.filters, query_lang=query_lang, withheld=route.withheld
                )
            replies, lang = await asyncio.to_thread(self._apply, incoming, route, answer)
            return in_group(replies, lang) if incoming.group else replies
        except IndexUnavailable as exc:
            log.error("%s; run `tutor ingest` to rebuild it", exc)
            lang = _locale_lang(incoming.locale) or self.defaults.lang
            return [Reply(t("index_unavailable", lang), kind="error")]
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
        if (concern := self.review.flags.concern(text)) is not None:  # distress first: help before anything
            return Route("concern", name=concern, arg=text)
        state = self.learners.mode(learner.id) if learner else ModeState()
        mode = self.modes.get(state.mode, self.ask)  # a mode this version does not know: back to questions
        if learner is not None and mode.takes_text(learner, state, text):
            return Route("mode_text", arg=text)
        if learner is not None and state.mode == QUIZ and self.quiz.seeks_open_answer(learner, text):
            return Route("replies", (Reply(t("quiz_answer_first", lang)),))
        if len(text) == 1 and (chosen_letter(text) is not None or text in "12345"):
            return Route("replies", (Reply(t("quiz_no_open", lang), kind="error"),))
        filters = _filters(learner) if learner else Filters(lang=lang)
        item = self.quiz.open_item(learner) if learner is not None and state.mode == QUIZ else None
        return Route("question", question=text, filters=filters, withheld=Withheld.of(item) if item else None)

    def _apply(self, incoming: Incoming, route: Route, answer: Answer | None) -> tuple[list[Reply], str]:
        """The unit of work of one message: the learner seen, the routed action, the mode kept."""
        with self.unit_of_work():
            self.learners.hold(incoming.platform, incoming.learner_id)  # one message of a learner at a time, anywhere
            turn = self._turn(incoming)
            replies = self._dispatch(turn, incoming, route, answer)
            if route.kind in ("button", "poll", "mode_text"):  # a quiz answer may have made a leech
                self.review.flags.leeches(turn)
            if turn.changed and not turn.forgotten:
                self.learners.set_mode(turn.learner.id, turn.state, turn.now)
        if turn.forgotten:  # committed: now wipe the erased rows from the database's log and free pages too
            self.learners.purge_deleted()
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
        if route.kind == "concern":
            return self.review.flags.on_concern(turn, route.arg)
        assert route.question is not None and answer is not None
        return self._answered(turn, route.question, answer)

    def _progress(self, turn: Turn, _: str) -> list[Reply]:
        parts = (mode.progress(turn.learner, turn.now) for mode in self.modes.values())
        return [Reply("\n\n".join(p for p in parts if p))]

    def _button(self, turn: Turn, payload: Payload) -> list[Reply]:
        owner = next((m for m in self.modes.values() if isinstance(payload, m.payloads)), None)
        if owner is not None:
            return owner.on_button(turn, payload)
        if isinstance(payload, self.review.flags.payloads):
            return self.review.flags.on_button(turn, payload)
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
        if answer.withheld:
            return [Reply(t("quiz_answer_first", turn.lang))]
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
