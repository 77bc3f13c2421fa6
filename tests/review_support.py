"""Helpers of the tutors' review tests: the tutors' side over an app, cohorts, tutors and learners."""

from __future__ import annotations

from entrypoints.bootstrap import App, TutorsDesk, tutors_desk
from tutor.review.values import Viewer
from tutor.store.models import Learner


class PlainHasher:
    """A fake of the PasswordHasher port: readable, instant (the dashboard tests use argon2 itself)."""

    def hash(self, password: str) -> str:
        return "plain$" + password

    def verify(self, stored: str, password: str) -> bool:
        return stored == "plain$" + password

    def needs_rehash(self, stored: str) -> bool:
        return False


def desk_of(app: App) -> TutorsDesk:
    return tutors_desk(app, PlainHasher())


def cohort(tutors: TutorsDesk, key: str, level: int = 1) -> str:
    """A new cohort; its join code."""
    _, code = tutors.cohorts.create(key, f"Cohorte {key}", level, tutors.clock.now())
    return code


def tutor(tutors: TutorsDesk, username: str, cohorts: tuple[str, ...] = (), role: str = "tutor") -> Viewer:
    tutor_id = tutors.accounts.create(
        username, username.title(), "a long enough password", role, cohorts, tutors.clock.now()
    )
    viewer = tutors.accounts.viewer(tutor_id)
    assert viewer is not None
    return viewer


def learner_id(app: App, user: str, platform: str = "test") -> int:
    with app.sessions() as s:
        row = s.query(Learner).filter_by(platform=platform, platform_user_id=user).one()
        return row.id
