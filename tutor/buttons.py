"""What a button carries: typed payloads, encoded to and decoded from button data in this one place.

Data is ``namespace[:field...]`` in ASCII, at most 48 bytes, so that an adapter can add its signature within the
platform's limit (Telegram: 64 bytes of callback data). Adapters never read it; they hand it back as it came.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar

MAX_BUTTON_BYTES = 48


@dataclass(frozen=True)
class SetLang:
    """Answer in this language from now on."""

    NS: ClassVar[str] = "lang"
    lang: str


@dataclass(frozen=True)
class SetLevel:
    """Move to this CAIRE level."""

    NS: ClassVar[str] = "level"
    level: int


@dataclass(frozen=True)
class QuizOption:
    """An option chosen for an asked quiz question."""

    NS: ClassVar[str] = "q"
    token: str
    option: int


@dataclass(frozen=True)
class QuizNext:
    """The next question of the run."""

    NS: ClassVar[str] = "quiz:next"


@dataclass(frozen=True)
class QuizStart:
    """Start a quiz run (the daily reminder's button)."""

    NS: ClassVar[str] = "quiz:start"


@dataclass(frozen=True)
class Explain:
    """Ask the course about a quiz item just answered."""

    NS: ClassVar[str] = "ask"
    item_id: str


@dataclass(frozen=True)
class ConfirmDelete:
    """Yes: erase everything stored about me (``nonce``: the /delete that asked, so an older button is refused)."""

    NS: ClassVar[str] = "delete:yes"
    nonce: str


@dataclass(frozen=True)
class KeepData:
    """No: keep my data."""

    NS: ClassVar[str] = "delete:no"


@dataclass(frozen=True)
class Cancel:
    """Leave the current activity (a quiz, ...) and go back to questions."""

    NS: ClassVar[str] = "cancel"


@dataclass(frozen=True)
class ScenarioOpen:
    """Start (or resume) this scenario."""

    NS: ClassVar[str] = "sc:open"
    scenario_id: str


@dataclass(frozen=True)
class ScenarioChoose:
    """A choice in a scenario run: the run, the node's position in the scenario, the choice's position."""

    NS: ClassVar[str] = "sc"
    run: int
    node: int
    choice: int


@dataclass(frozen=True)
class ScenarioRestart:
    """Play this scenario again from the start."""

    NS: ClassVar[str] = "sc:again"
    scenario_id: str


@dataclass(frozen=True)
class Thumb:
    """A thumbs up or down on an answer (``vote``: up or down; ``answer``: the answer's log id, in digits)."""

    NS: ClassVar[str] = "thumb"
    vote: str
    answer: str


@dataclass(frozen=True)
class AskTutor:
    """Ask a human tutor about an answer (``answer``: its log id, in digits)."""

    NS: ClassVar[str] = "tutor"
    answer: str


# --- the lab (/lab): ``run`` is the nonce of the learner's run of a task; a button of an earlier run is refused


@dataclass(frozen=True)
class LabPick:
    """Open (or resume) this lab task."""

    NS: ClassVar[str] = "lab:pick"
    task: str


@dataclass(frozen=True)
class LabLabel:
    """The learner's label for an example of the task's pool (``label``: its position in the task's labels)."""

    NS: ClassVar[str] = "lab:l"
    task: str
    run: str
    example: str
    label: int


@dataclass(frozen=True)
class LabTrain:
    """Train the model on the shipped examples and the learner's labels."""

    NS: ClassVar[str] = "lab:train"
    task: str
    run: str


@dataclass(frozen=True)
class LabPair:
    """Show the counterfactual pair: the same text with one word changed."""

    NS: ClassVar[str] = "lab:pair"
    task: str
    run: str


@dataclass(frozen=True)
class LabFix:
    """Retrain with a fix (rebalance, remove) and compare."""

    NS: ClassVar[str] = "lab:fix"
    task: str
    run: str
    fix: str


@dataclass(frozen=True)
class LabEnd:
    """Close the task with the reflection questions."""

    NS: ClassVar[str] = "lab:end"
    task: str
    run: str


@dataclass(frozen=True)
class LabAgain:
    """Start the task over: the learner's labels of it are dropped."""

    NS: ClassVar[str] = "lab:again"
    task: str


LAB_PAYLOADS = (LabPick, LabLabel, LabTrain, LabPair, LabFix, LabEnd, LabAgain)


Payload = (
    SetLang
    | SetLevel
    | QuizOption
    | QuizNext
    | QuizStart
    | Explain
    | ConfirmDelete
    | KeepData
    | Cancel
    | ScenarioOpen
    | ScenarioChoose
    | ScenarioRestart
    | Thumb
    | AskTutor
    | LabPick
    | LabLabel
    | LabTrain
    | LabPair
    | LabFix
    | LabEnd
    | LabAgain
)
PAYLOADS: tuple[type[Payload], ...] = (
    SetLang,
    SetLevel,
    QuizOption,
    QuizNext,
    QuizStart,
    Explain,
    ConfirmDelete,
    KeepData,
    Cancel,
    ScenarioOpen,
    ScenarioChoose,
    ScenarioRestart,
    Thumb,
    AskTutor,
    *LAB_PAYLOADS,
)
_BY_NS = {p.NS: p for p in PAYLOADS}


def encode(payload: Payload) -> str:
    """The button data of a payload; raises ValueError if it would not fit or a field holds a ':'."""
    values = [str(getattr(payload, f.name)) for f in fields(payload)]
    if any(":" in v or not v for v in values):
        raise ValueError(f"a button field is empty or holds ':': {values!r}")
    data = ":".join([payload.NS, *values])
    if len(data.encode("ascii")) > MAX_BUTTON_BYTES:
        raise ValueError(f"button data over {MAX_BUTTON_BYTES} bytes: {data!r}")
    return data


def decode(data: str) -> Payload | None:
    """The payload a button's data carries, or None for data this version does not know (an old or forged button)."""
    for ns in sorted(_BY_NS, key=len, reverse=True):
        if data == ns or data.startswith(ns + ":"):
            return _build(_BY_NS[ns], data[len(ns) + 1 :])
    return None


def _build(kind: type[Payload], rest: str) -> Payload | None:
    names = [f for f in fields(kind)]
    values = rest.split(":") if rest else []
    if len(values) != len(names):
        return None
    args: list[object] = []
    for f, value in zip(names, values, strict=True):
        if f.type in ("int", int):
            if not value.isdigit() or len(value) > 4:
                return None
            args.append(int(value))
        else:
            if not value or len(value) > 40:
                return None
            args.append(value)
    return kind(*args)  # type: ignore[arg-type]  # the fields' types were checked one by one above
