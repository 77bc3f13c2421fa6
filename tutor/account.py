"""The learner's own settings and data: welcome, help, language, level, export and deletion."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

from tutor.buttons import ConfirmDelete, KeepData, SetLang, SetLevel, encode
from tutor.commands import command_list
from tutor.domain import Button, Reply
from tutor.messages import t
from tutor.modes.base import Turn
from tutor.quiz.service import QuizService
from tutor.store.export import LearnerExport
from tutor.store.learners import LearnerStore

DELETE_KEY = "delete"
DELETE_CONFIRMATION_TTL = timedelta(minutes=10)


class Account:
    """What a learner can see and change about themself."""

    def __init__(self, learners: LearnerStore, quiz: QuizService, export_data: LearnerExport) -> None:
        self.learners = learners
        self.quiz = quiz
        self.export_data = export_data

    def start(self, turn: Turn, _arg: str) -> list[Reply]:
        """Welcome, with buttons for the language and the level."""
        lang = turn.lang
        buttons = (
            Button("Français", encode(SetLang("fr"))),
            Button("English", encode(SetLang("en"))),
            *(Button(t("level_button", lang, level=n), encode(SetLevel(n))) for n in (1, 2, 3)),
        )
        return [Reply(t("welcome", lang, level=turn.learner.level), buttons=buttons)]

    def help(self, turn: Turn, _arg: str) -> list[Reply]:
        """Every command, one line each."""
        return [Reply(t("help", turn.lang, commands=command_list(turn.lang)))]

    def lang(self, turn: Turn, arg: str) -> list[Reply]:
        """/lang fr|en."""
        arg = arg.strip().lower()
        if arg not in ("fr", "en"):
            return [Reply(t("lang_usage", turn.lang), kind="error")]
        self._update(turn, lang=arg)
        return [Reply(t("lang_set", arg))]

    def level(self, turn: Turn, arg: str) -> list[Reply]:
        """/level 1|2|3."""
        arg = arg.strip()
        if arg not in ("1", "2", "3"):
            return [Reply(t("level_usage", turn.lang), kind="error")]
        self._update(turn, level=int(arg))
        return [Reply(t("level_set", turn.lang, level=arg, name=t(f"level_{arg}", turn.lang)))]

    def export(self, turn: Turn, _arg: str) -> list[Reply]:
        """Everything stored about the learner, table by table, as JSON."""
        data = self.export_data.of(turn.learner.id)
        return [Reply(t("export", turn.lang) + "\n" + json.dumps(data, ensure_ascii=False, indent=1))]

    def delete(self, turn: Turn, _arg: str) -> list[Reply]:
        """Ask for confirmation before erasing anything; only the newest confirmation button works, for 10 minutes."""
        nonce = secrets.token_urlsafe(6)
        turn.remember(DELETE_KEY, {"nonce": nonce, "at": turn.now.isoformat()})
        buttons = (
            Button(t("yes_delete", turn.lang), encode(ConfirmDelete(nonce))),
            Button(t("cancel", turn.lang), encode(KeepData())),
        )
        return [Reply(t("delete_confirm", turn.lang), buttons=buttons)]

    def forget(self, turn: Turn, nonce: str) -> list[Reply]:
        """Erase the learner and everything stored about them, if this is the newest /delete's button."""
        asked = turn.state.data.get(DELETE_KEY)
        fresh = (
            isinstance(asked, dict)
            and asked.get("nonce") == nonce
            and turn.now - datetime.fromisoformat(str(asked.get("at"))) <= DELETE_CONFIRMATION_TTL
        )
        if not fresh:
            turn.remember(DELETE_KEY, None)
            return [Reply(t("delete_stale", turn.lang), kind="error")]
        self.learners.forget(turn.learner.id)
        turn.forgotten = True
        return [Reply(t("delete_done", turn.lang))]

    def keep(self, turn: Turn) -> list[Reply]:
        """The learner changed their mind: no confirmation button works any more."""
        turn.remember(DELETE_KEY, None)
        return [Reply(t("delete_cancelled", turn.lang))]

    def _update(self, turn: Turn, **fields: object) -> None:
        updated = self.learners.update(turn.learner.id, **fields)
        if updated is not None:
            turn.learner = updated
