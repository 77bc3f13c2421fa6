"""Tutors' accounts: creation, sign-in (with failed attempts throttled) and who may see what."""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Protocol

from tutor.ports import Clock
from tutor.review.values import ROLES, Viewer
from tutor.store.review import TeamStore

MIN_PASSWORD_CHARS = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class PasswordHasher(Protocol):
    """Hashes and checks passwords (argon2 in the dashboard adapter)."""

    def hash(self, password: str) -> str: ...

    def verify(self, stored: str, password: str) -> bool: ...

    def needs_rehash(self, stored: str) -> bool: ...


class Accounts:
    """Creates accounts and signs tutors in; an unknown user costs as much time as a wrong password."""

    def __init__(self, team: TeamStore, hasher: PasswordHasher) -> None:
        self.team = team
        self.hasher = hasher
        self._decoy: str | None = None

    def create(self, username: str, name: str, password: str, role: str, cohorts: Iterable[str], now: datetime) -> int:
        """A new account following these cohorts; raises ValueError on a bad or taken username, a weak password,
        an unknown role or cohort."""
        username = username.strip().lower()
        if not _USERNAME.match(username):
            raise ValueError("a username is 2-64 lowercase letters, digits, '.', '-' or '_'")
        if role not in ROLES:
            raise ValueError(f"the role is one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD_CHARS:
            raise ValueError(f"a password has at least {MIN_PASSWORD_CHARS} characters")
        if self.team.tutor(username=username) is not None:
            raise ValueError(f"the username '{username}' is taken")
        found = [self.team.cohort(key=key) for key in cohorts]
        if any(c is None for c in found):
            raise ValueError("unknown cohort: create it first (tutor admin create-cohort)")
        tutor_id = self.team.add_tutor(username, name.strip() or username, self.hasher.hash(password), role, now)
        for cohort in found:
            assert cohort is not None
            self.team.assign(tutor_id, cohort.id)
        return tutor_id

    def assign(self, username: str, cohort_key: str) -> None:
        """Make a tutor follow a cohort; raises ValueError on an unknown tutor or cohort."""
        tutor = self.team.tutor(username=username.strip().lower())
        cohort = self.team.cohort(key=cohort_key)
        if tutor is None or cohort is None:
            raise ValueError("unknown tutor or cohort")
        self.team.assign(tutor.id, cohort.id)

    def authenticate(self, username: str, password: str) -> Viewer | None:
        """The viewer whose username and password these are (active accounts only), else None."""
        tutor = self.team.tutor(username=username.strip().lower()[:64])
        if tutor is None or not tutor.active:
            self.hasher.verify(self._decoy_hash(), password)  # the same time as a wrong password
            return None
        if not self.hasher.verify(tutor.password_hash, password):
            return None
        if self.hasher.needs_rehash(tutor.password_hash):
            self.team.set_password(tutor.id, self.hasher.hash(password))
        return self.viewer(tutor.id)

    def viewer(self, tutor_id: int) -> Viewer | None:
        """The signed-in tutor as they are now (cohorts, role), or None if the account is gone or inactive."""
        tutor = self.team.tutor(tutor_id=tutor_id)
        if tutor is None or not tutor.active:
            return None
        return Viewer(tutor.id, tutor.username, tutor.display_name, tutor.role, tutor.cohorts)

    def _decoy_hash(self) -> str:
        if self._decoy is None:
            self._decoy = self.hasher.hash("decoy password, never valid")
        return self._decoy


class LoginThrottle:
    """Failed sign-ins counted per key (a username, a client address) over a sliding window: past the limit, the
    key is refused until its oldest failure leaves the window. Kept in memory: each dashboard process counts its own
    (a deployment with several web processes multiplies the limit by their number)."""

    def __init__(self, clock: Clock, max_failures: int = 5, window: timedelta = timedelta(minutes=15)) -> None:
        self.clock = clock
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def blocked(self, keys: Iterable[str]) -> bool:
        """Whether any of these keys has used up its attempts."""
        with self._lock:
            return any(len(self._recent(key)) >= self.max_failures for key in keys)

    def failed(self, keys: Iterable[str]) -> None:
        """Count a failed attempt against each key."""
        with self._lock:
            for key in keys:
                self._recent(key)
                self._failures.setdefault(key, deque()).append(self.clock.now())

    def succeeded(self, key: str) -> None:
        """A successful sign-in clears the username's count (never the address's)."""
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str) -> deque[datetime]:
        failures = self._failures.get(key, deque())
        while failures and failures[0] <= self.clock.now() - self.window:
            failures.popleft()
        if not failures:  # never keep a key without failures: random usernames must not grow the map
            self._failures.pop(key, None)
        return failures
