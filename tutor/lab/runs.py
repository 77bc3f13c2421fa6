"""A learner's run of a lab task, as the core sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Stage = Literal["labelling", "trained", "fixed", "done"]
STAGES: tuple[Stage, ...] = ("labelling", "trained", "fixed", "done")


@dataclass(frozen=True)
class LabRun:
    """How far a learner got in a task, their labels (example id -> label) and the figures they were shown."""

    task_id: str
    nonce: str
    stage: Stage
    labels: dict[str, str] = field(default_factory=dict, hash=False)
    fix: str | None = None
    accuracy: float | None = None
    fixed_accuracy: float | None = None

    def reached(self, stage: Stage) -> bool:
        """Whether the run got to ``stage`` or beyond."""
        return STAGES.index(self.stage) >= STAGES.index(stage)
