"""The core's one entry point for learner traffic: ``Tutor.handle(Incoming) -> list[Reply]``."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, replace
from datetime import datetime

from tutor.answering.answerer import Answer, Answerer
from tutor.commands import COMMANDS, command_list
from tutor.domain import Button, Incoming, Reply, ReplyKind
from tutor.language import detect_language
from tutor.messages import t
from tutor.ports import Clock
from tutor.quiz.progress import progress_reply
from tutor.quiz.service import QuizService
from tutor.reminders.preferences import ReminderPreferences
from tutor.retrieval.hybrid import Filters
from tutor.store.learners import LearnerStore
from tutor.store.models import Learner
from tutor.text_input import clean, has_words

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Defaults:
    """What a new learner starts with, and the input limit."""

    lang: str = "fr"
    level: int = 1
    max_message_chars: int = 2000


class Tutor:
    """Decides what to answer; knows nothing of any chat platform."""

    def __init__(
        self,
        learners: LearnerStore,
        answerer: Answerer,
        clock: Clock,
        defaults: Defaults,
        quiz: QuizService,
        reminders: ReminderPreferences,
    ) -> None:
        self.learners = learners
        self.answerer = answerer
        self.clock = clock
        self.defaults = defaults
        self.quiz = quiz
        self.reminders = reminders

    async def poll_sent(self, platform: str, poll_id: str, learner_id: str, token: str) -> None:
        """An adapter showed a quiz question as a native poll: remember the poll so its answer finds the question."""
        learner = self.learners.find(platform, learner_id)
        if learner is not None:
            await asyncio.to_thread(self.quiz.store.attach_poll, token, poll_id)

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Replies to one learner action; never raises."""
        try:
            # the store is synchronous: its calls run in worker threads, never on the event loop
            learner = await asyncio.to_thread(self._learner, incoming)
            replies = await self._replies(learner, incoming)
            return in_group(replies, learner.lang) if incoming.group else replies
        except Exception:
            log.exception("failed to handle a message on %s", incoming.platform)
            lang = _locale_lang(incoming.locale) or self.defaults.lang
            return [Reply(t("internal_error", lang), kind="error")]

    async def _replies(self, learner: Learner, incoming: Incoming) -> list[Reply]:
        if incoming.poll_id is not None:
            option = incoming.poll_option if incoming.poll_option is not None else -1
            return await asyncio.to_thread(self.quiz.answer_poll, learner, incoming.poll_id, option, self.clock.now())
        if incoming.button is not None:
            return await self._button(learner, incoming.button)
        return await self._text(learner, incoming.text)

    def _learner(self, incoming: Incoming) -> Learner:
        lang = _locale_lang(incoming.locale) or self.defaults.lang
        learner = self.learners.get_or_create(
            incoming.platform, incoming.learner_id, lang, self.defaults.level, self.clock.now()
        )
        if incoming.group:  # reminders go to the learner's own chat, never to a group's
            self.learners.update(learner.id, last_seen_at=self.clock.now(), unreachable=False)
        else:
            self.learners.update(learner.id, last_seen_at=self.clock.now(), chat_id=incoming.chat_id, unreachable=False)
        return learner

    async def _text(self, learner: Learner, raw: str) -> list[Reply]:
        lang = learner.lang
        if len(raw) > self.defaults.max_message_chars:
            return [Reply(t("too_long", lang, length=len(raw), limit=self.defaults.max_message_chars), kind="error")]
        text = clean(raw)
        if not text:
            return [Reply(t("empty", lang), kind="error")]
        if text.startswith("/"):
            return await asyncio.to_thread(self._command, learner, text)
        if not has_words(text):
            return [Reply(t("no_words", lang), kind="error")]
        quiz_reply = await asyncio.to_thread(self._quiz_answer, learner, text)
        return quiz_reply if quiz_reply is not None else [await self._question(learner, text)]

    def _quiz_answer(self, learner: Learner, text: str) -> list[Reply] | None:
        """Replies when the text answers the open quiz question (or looks like an answer with none open)."""
        open_question = self.quiz.store.open_question(learner.id)
        if open_question is not None and self._is_answer(open_question.item_id, text):
            return self.quiz.answer_text(learner, open_question, text, self.clock.now())
        if open_question is None and len(text) == 1 and text.upper() in "ABCDE12345":
            return [Reply(t("quiz_no_open", learner.lang), kind="error")]
        return None

    def _is_answer(self, item_id: str, text: str) -> bool:
        """A typed text answers the open question if it is short-answer, or a letter for multiple choice."""
        item = self.quiz.store.item(item_id)
        if item is None:
            return False
        return item.kind == "short" or text.strip().upper().rstrip(").") in ("A", "B", "C", "D", "E")

    async def _question(self, learner: Learner, question: str) -> Reply:
        now = self.clock.now()
        filters = Filters(lang=learner.lang, cohort=learner.cohort)
        answer = await self.answerer.answer(question, filters, query_lang=detect_language(question))
        kind: ReplyKind = "abstention" if answer.abstained else "answer"
        await asyncio.to_thread(self._record_turn, learner, question, answer, kind, now)
        return Reply(answer.text, citations=answer.citations, kind=kind)

    def _record_turn(self, learner: Learner, question: str, answer: Answer, kind: str, now: datetime) -> None:
        self.learners.log(learner.id, "learner", question, now)
        if answer.abstained:
            self.learners.record_unanswered(learner.id, question, learner.lang, answer.confidence, now)
        self.learners.log(learner.id, "tutor", answer.text, now, kind=kind, citations=answer.citations)

    def _command(self, learner: Learner, text: str) -> list[Reply]:
        head, _, arg = text[1:].partition(" ")
        name = head.split("@", 1)[0].lower()
        arg = arg.strip()
        now = self.clock.now()
        handlers = {
            "start": self._start,
            "help": self._help,
            "lang": self._lang,
            "level": self._level,
            "export": self._export,
            "delete": self._delete,
            "quiz": lambda learner, a: self.quiz.start(learner, a, now),
            "progress": lambda learner, a: [
                progress_reply(self.quiz.store, learner, now, self.reminders.rules.default_timezone)
            ],
            "reminder": lambda learner, a: [self.reminders.reminder(learner, a.lower(), now)],
            "timezone": lambda learner, a: [self.reminders.timezone(learner, a, now)],
        }
        if name not in handlers:
            return [Reply(t("unknown_command", learner.lang, command="/" + name[:32]), kind="error")]
        return handlers[name](learner, arg)

    def _start(self, learner: Learner, _arg: str) -> list[Reply]:
        buttons = (
            Button("Français", "lang:fr"),
            Button("English", "lang:en"),
            *(Button(f"Niveau {n}" if learner.lang == "fr" else f"Level {n}", f"level:{n}") for n in (1, 2, 3)),
        )
        return [Reply(t("welcome", learner.lang, level=learner.level), buttons=buttons)]

    def _help(self, learner: Learner, _arg: str) -> list[Reply]:
        return [Reply(t("help", learner.lang, commands=command_list(learner.lang)))]

    def _lang(self, learner: Learner, arg: str) -> list[Reply]:
        arg = arg.lower()
        if arg not in ("fr", "en"):
            return [Reply(t("lang_usage", learner.lang), kind="error")]
        self.learners.update(learner.id, lang=arg)
        return [Reply(t("lang_set", arg))]

    def _level(self, learner: Learner, arg: str) -> list[Reply]:
        if arg not in ("1", "2", "3"):
            return [Reply(t("level_usage", learner.lang), kind="error")]
        self.learners.update(learner.id, level=int(arg))
        return [Reply(t("level_set", learner.lang, level=arg, name=t(f"level_{arg}", learner.lang)))]

    def _export(self, learner: Learner, _arg: str) -> list[Reply]:
        data = {
            "profile": {
                "platform": learner.platform,
                "id": learner.platform_user_id,
                "lang": learner.lang,
                "level": learner.level,
                "cohort": learner.cohort,
                "since": learner.created_at.isoformat(),
            },
            "conversation": [
                {"at": e.created_at.isoformat(), "role": e.role, "text": e.text}
                for e in self.learners.transcript(learner.id)
            ],
            "reminder": {"time": learner.reminder_time, "timezone": learner.timezone},
            "quiz_reviews": [
                {"at": at.isoformat(), "item": item, "correct": correct}
                for at, item, correct in self.quiz.store.reviews(learner.id)
            ],
        }
        return [Reply(t("export", learner.lang) + "\n" + json.dumps(data, ensure_ascii=False, indent=1))]

    def _delete(self, learner: Learner, _arg: str) -> list[Reply]:
        buttons = (Button(t("yes_delete", learner.lang), "delete:yes"), Button(t("cancel", learner.lang), "delete:no"))
        return [Reply(t("delete_confirm", learner.lang), buttons=buttons)]

    async def _button(self, learner: Learner, data: str) -> list[Reply]:
        if data.startswith("ask:"):
            return await self._ask_about(learner, data[4:])
        return await asyncio.to_thread(self._button_sync, learner, data)

    def _button_sync(self, learner: Learner, data: str) -> list[Reply]:
        action, _, value = data.partition(":")
        now = self.clock.now()
        if action == "q":
            token, _, option = value.rpartition(":")
            if token and option.isdigit():
                return self.quiz.answer_option(learner, token, int(option), now)
        if data in ("quiz:next", "quiz:start"):
            return self.quiz.next(learner, now) if data == "quiz:next" else self.quiz.start(learner, "", now)
        if action == "lang":
            return self._lang(learner, value)
        if action == "level":
            return self._level(learner, value)
        if data == "delete:yes":
            lang = learner.lang
            self.learners.forget(learner.id)
            return [Reply(t("delete_done", lang))]
        if data == "delete:no":
            return [Reply(t("delete_cancelled", learner.lang))]
        return [Reply(t("unknown_button", learner.lang), kind="error")]

    async def _ask_about(self, learner: Learner, item_id: str) -> list[Reply]:
        """The Q&A path with an answered quiz item as the question (never before it is answered)."""
        item = await asyncio.to_thread(self.quiz.store.item, item_id)
        if item is None or not await asyncio.to_thread(self.quiz.store.has_card, learner.id, item_id):
            return [Reply(t("quiz_stale", learner.lang), kind="error")]
        text = item.text(learner.lang)
        return [await self._question(learner, f"{text.question} {text.correct_text()}")]


def _locale_lang(locale: str | None) -> str | None:
    if locale and locale[:2].lower() in ("fr", "en"):
        return locale[:2].lower()
    return None


__all__ = ["COMMANDS", "Defaults", "Tutor"]


PUBLIC_IN_GROUP: frozenset[ReplyKind] = frozenset({"answer", "abstention", "error"})


def in_group(replies: list[Reply], lang: str) -> list[Reply]:
    """In a group, answers about the course stay public; quizzes, progress and settings go to the learner privately."""
    if all(reply.kind in PUBLIC_IN_GROUP for reply in replies):
        return replies
    return [Reply(t("sent_in_private", lang))] + [replace(reply, private=True) for reply in replies]

