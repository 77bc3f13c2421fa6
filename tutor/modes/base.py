"""What every conversation mode offers the router, and the turn a handled message runs in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tutor.buttons import Payload
from tutor.domain import Learner, ModeState, Reply

ASK = "ask"


@dataclass
class Turn:
    """One handled message: the learner, the time, the active mode; handlers change the mode through it."""

    learner: Learner
    state: ModeState
    now: datetime
    group: bool = False
    changed: bool = False
    forgotten: bool = False

    @property
    def lang(self) -> str:
        """The learner's language."""
        return self.learner.lang

    def remember(self, key: str, value: object | None) -> None:
        """Keep (or, with None, forget) a value in the active mode's state until the mode changes."""
        data = {k: v for k, v in self.state.data.items() if k != key}
        if value is not None:
            data[key] = value
        self.state = ModeState(self.state.mode, data)
        self.changed = True

    def switch(self, mode: str, data: dict[str, object] | None = None) -> None:
        """Make ``mode`` the active one, with its state."""
        self.state = ModeState(mode, data or {})
        self.changed = True


class Mode(Protocol):
    """A conversation mode: entered by a command or a button, left by /cancel or when its activity ends."""

    name: str
    command: str  # the command that enters the mode ("" for none)
    payloads: tuple[type, ...]  # the button payloads this mode owns, wherever the learner is

    def enter(self, turn: Turn, arg: str) -> list[Reply]:
        """Start the activity (``arg``: what followed the command)."""
        ...

    def leave(self, turn: Turn) -> list[Reply]:
        """Stop the activity and say so."""
        ...

    def takes_text(self, learner: Learner, state: ModeState, text: str) -> bool:
        """Whether a typed text belongs to this mode's activity (else it is a question for the course); reads only."""
        ...

    def on_text(self, turn: Turn, text: str) -> list[Reply]:
        """A typed text that ``takes_text`` accepted."""
        ...

    def on_button(self, turn: Turn, payload: Payload) -> list[Reply]:
        """A button of this mode."""
        ...

    def on_poll(self, turn: Turn, poll_id: str, option: int) -> list[Reply]:
        """An option chosen in a platform's native poll."""
        ...

    def progress(self, learner: Learner, now: datetime) -> str | None:
        """The learner's progress in this activity, for /progress (None: nothing to show)."""
        ...
