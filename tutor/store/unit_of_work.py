"""One transaction per handled message: the unit of work.

Repositories never commit on their own while a unit of work is open in the current context: they join its session,
so everything a learner's message changes is committed together or not at all. Outside a unit of work (a command
line task, a test) each repository call is its own short transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy.orm import Session, sessionmaker

_current: ContextVar[Session | None] = ContextVar("tutor_unit_of_work", default=None)


class SqlUnitOfWork:
    """Opens the transaction that the repositories of one handled message share."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @contextmanager
    def __call__(self) -> Iterator[Session]:
        """Commit when the block ends normally, roll back when it raises; nested use joins the outer one."""
        if _current.get() is not None:
            yield _current.get()  # type: ignore[misc]
            return
        with self._sessions.begin() as session:
            token = _current.set(session)
            try:
                yield session
            finally:
                _current.reset(token)


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """The open unit of work's session, or a transaction of its own committed at the end of the block."""
    session = _current.get()
    if session is not None:
        yield session
        return
    with sessions.begin() as own:
        yield own


@contextmanager
def reading(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session for reads: the open unit of work's (which sees its own changes), or a short one of its own."""
    session = _current.get()
    if session is not None:
        yield session
        return
    with sessions() as own:
        yield own
