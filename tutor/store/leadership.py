"""One reminder scheduler per deployment: the process that holds a lock runs the reminder job, the others wait.

Every `tutor serve` process schedules the reminder job, but each tick first asks for the deployment's leadership
and runs the dispatcher only while it has it. On PostgreSQL the leadership is a session-level advisory lock
(``pg_try_advisory_lock`` on a fixed 64-bit key) held on a connection of its own for as long as the process leads;
on SQLite (one machine) it is an exclusive, non-blocking ``flock`` on ``reminders.lock`` next to the database file.
Followers retry on every tick, so when the leader dies (PostgreSQL ends its session and drops the lock; the kernel
drops the file lock) another process takes over within one interval (``TUTOR_REMINDER_EVERY_S``).

Why a lock and not a separate ``tutor remind`` process: a lock keeps the one command of the README, ``tutor serve``,
however many copies run, and gives failover for free; a dedicated process would be one more thing to deploy, and a
single point of failure unless it were itself run twice, behind the same lock. The scheduler itself keeps its job
in memory (APScheduler's job stores must never be shared between schedulers); the dispatcher's durable state, the
claimed (learner, local date) rows, is in the database already and still prevents a second send if two processes
ever believed they led at once (a leader cut off from the database for a moment, say).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
from abc import ABC, abstractmethod
from pathlib import Path

from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)

# b"caireRmd" read as a big-endian integer: fits PostgreSQL's signed bigint; one key for the whole deployment.
LOCK_KEY = int.from_bytes(b"caireRmd", "big")
LOCK_FILE = "reminders.lock"
# the same kind of lock keeps two ingests of one deployment from interleaving their index writes
INGEST_LOCK_KEY = int.from_bytes(b"caireIng", "big")
INGEST_LOCK_FILE = "ingest.lock"


class ReminderLeadership(ABC):
    """Who runs the reminder job: ``try_acquire`` on every tick, ``release`` to step down, ``close`` at shutdown.

    Thread-safe (ticks call it from a worker thread, shutdown from the event loop)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._mutex = threading.Lock()
        self._leading = False
        self._closed = False

    @classmethod
    def for_engine(cls, engine: Engine, key: int = LOCK_KEY, lock_file: str = LOCK_FILE) -> ReminderLeadership:
        """The leadership that fits the tutor's database: advisory lock on PostgreSQL, file lock on SQLite
        (``key`` and ``lock_file`` name another deployment-wide lock, such as the ingest's)."""
        dialect = engine.dialect.name
        if dialect == "postgresql":
            return AdvisoryLockLeadership(engine, key)
        if dialect == "sqlite":
            database = engine.url.database or ""
            if database in ("", ":memory:") or "mode=memory" in database:
                return SoleLeadership("in-memory SQLite, one process")  # every process has its own database
            return FileLockLeadership(Path(database).parent / lock_file)
        raise ValueError(f"no reminder leadership for the {dialect} dialect (PostgreSQL or SQLite)")

    @property
    def leading(self) -> bool:
        """Whether this process led at the last ``try_acquire``."""
        return self._leading

    def try_acquire(self) -> bool:
        """True if this process leads now: it still holds the lock, or it just took it. Never blocks on the lock."""
        with self._mutex:
            if self._closed:
                return False
            if self._leading:
                if self._still_held():
                    return True
                log.warning("reminder leadership lost (%s): the lock went with its connection", self.what)
                self._drop()
                self._leading = False
            try:
                self._leading = self._take()
            except Exception as exc:  # the database is down, say: try again on the next tick
                log.warning("leadership could not be tried (%s): %s", self.what, type(exc).__name__)
                self._leading = False
            if self._leading:
                log.info("reminder leadership taken (%s): this process runs the reminder job", self.what)
            return self._leading

    def release(self) -> None:
        """Step down (another process may take over); a later ``try_acquire`` may lead again."""
        with self._mutex:
            self._release()

    def close(self) -> None:
        """Step down for good: at shutdown, so that a tick still in flight cannot take the lock again."""
        with self._mutex:
            self._closed = True
            self._release()

    def _release(self) -> None:
        if self._leading:
            self._drop()
            self._leading = False
            log.info("reminder leadership released (%s)", self.what)

    @abstractmethod
    def _take(self) -> bool:
        """Try the lock once, without waiting."""

    @abstractmethod
    def _still_held(self) -> bool:
        """Whether the lock taken earlier is still ours."""

    @abstractmethod
    def _drop(self) -> None:
        """Let go of the lock (and of whatever held it); never raises."""


class AdvisoryLockLeadership(ReminderLeadership):
    """PostgreSQL: ``pg_try_advisory_lock(key)`` on a connection detached from the pool, held while leading.

    The connection's ``application_name`` is ``tutor-reminders-<pid>``: ``pg_stat_activity`` joined with
    ``pg_locks`` shows which process leads."""

    def __init__(self, engine: Engine, key: int = LOCK_KEY, name: str | None = None) -> None:
        super().__init__(f"PostgreSQL advisory lock {key}")
        self.engine = engine
        self.key = key
        self.name = name or f"tutor-reminders-{os.getpid()}"
        self._conn: Connection | None = None

    def _take(self) -> bool:
        conn = self.engine.connect()
        try:
            conn.execution_options(isolation_level="AUTOCOMMIT")  # never idle in a transaction while leading
            conn.detach()  # never back to the pool: closing it ends the session, and the lock with it
            conn.execute(text("SELECT set_config('application_name', :name, false)"), {"name": self.name})
            taken = bool(conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar())
        except BaseException:
            conn.close()
            raise
        if taken:
            self._conn = conn
        else:
            conn.close()
        return taken

    def _still_held(self) -> bool:
        if self._conn is None or self._conn.invalidated:
            return False
        try:
            self._conn.execute(text("SELECT 1"))  # the session is alive, so its lock is too
        except Exception:
            return False
        return True

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if not conn.invalidated:
            with contextlib.suppress(Exception):  # closing the session below releases it anyway
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        with contextlib.suppress(Exception):
            conn.close()


class FileLockLeadership(ReminderLeadership):
    """SQLite: an exclusive, non-blocking ``flock`` on a file next to the database, held while leading."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"file lock {path}")
        self.path = path
        self._fd: int | None = None

    def _take(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by child processes
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        with contextlib.suppress(OSError):  # for people: which process leads
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def _still_held(self) -> bool:
        return self._fd is not None

    def _drop(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        with contextlib.suppress(OSError):
            os.close(fd)


class SoleLeadership(ReminderLeadership):
    """Always leads: for a database no other process can see (in-memory SQLite)."""

    def _take(self) -> bool:
        return True

    def _still_held(self) -> bool:
        return True

    def _drop(self) -> None:
        return None
