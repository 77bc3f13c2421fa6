"""Cohorts: learners join one with a code (``/join CODE``, or a Telegram deep link ``t.me/<bot>?start=CODE``);
its tutors follow it; its own course material (front matter ``cohort: <key>``) reaches its learners only."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from tutor.domain import Reply
from tutor.messages import t
from tutor.modes.base import Turn
from tutor.review.values import CohortInfo
from tutor.store.learners import LearnerStore
from tutor.store.review import TeamStore

# Telegram's deep-link parameter allows A-Z, a-z, 0-9, _ and - (64 at most); no 0/O or 1/I to misread.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
_CODE = re.compile(r"^[A-Za-z0-9_-]{3,32}$")
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{1,63}$")


def new_code() -> str:
    """A fresh random join code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Cohorts:
    """Joining a cohort from the conversation, and creating cohorts and codes (for admins)."""

    def __init__(self, team: TeamStore, learners: LearnerStore) -> None:
        self.team = team
        self.learners = learners

    def join(self, turn: Turn, arg: str) -> list[Reply]:
        """/join CODE: the learner joins the code's cohort and takes its level."""
        code = arg.strip()
        if not code:
            return [Reply(t("join_usage", turn.lang), kind="error")]
        cohort = self.team.cohort(code=code) if _CODE.match(code) else None
        if cohort is None:
            return [Reply(t("join_unknown", turn.lang), kind="error")]
        updated = self.learners.update(turn.learner.id, cohort=cohort.key, level=cohort.level)
        if updated is not None:
            turn.learner = updated
        return [Reply(t("join_done", turn.lang, name=cohort.name, level=cohort.level))]

    def on_start(self, turn: Turn, arg: str) -> list[Reply]:
        """/start CODE (a deep link) joins the cohort; a plain /start joins nothing."""
        return self.join(turn, arg) if arg.strip() else []

    def create(self, key: str, name: str, level: int, now: datetime) -> tuple[CohortInfo, str]:
        """A new cohort with a first join code; raises ValueError on a bad key or level, or a key in use."""
        if not _KEY.match(key):
            raise ValueError("a cohort key is 2-64 lowercase letters, digits, - or _, e.g. 'insa-lyon-2027'")
        if level not in (1, 2, 3):
            raise ValueError("a cohort's level is 1, 2 or 3")
        if self.team.cohort(key=key) is not None:
            raise ValueError(f"the cohort '{key}' exists already")
        cohort_id = self.team.add_cohort(key, name.strip() or key, level, now)
        code = new_code()
        self.team.add_code(cohort_id, code, now)
        return CohortInfo(cohort_id, key, name.strip() or key, level, (code,)), code

    def add_code(self, key: str, now: datetime) -> str:
        """Another join code for a cohort; raises ValueError when there is no such cohort."""
        cohort = self.team.cohort(key=key)
        if cohort is None:
            raise ValueError(f"no cohort '{key}'")
        code = new_code()
        self.team.add_code(cohort.id, code, now)
        return code
