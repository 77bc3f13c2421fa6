"""The format of a scenario file (knowledge/FORMAT.md, "Scenarios"), as pydantic models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tutor.content.schema import Source

SCENARIO_ID = r"^l[1-3]-s\d{2}-[a-z0-9-]+$"
STEP_ID = r"^[a-z0-9][a-z0-9-]*$"
SECTION_REF = r"^l[1-3]-\d{2}-[a-z0-9-]+#[a-z0-9-]+$"
Outcome = Literal["best", "mixed", "poor"]
Role = Literal["decider", "override"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Heading(_Strict):
    """The title and summary of a scenario in one language."""

    title: str = Field(min_length=3, max_length=60)
    summary: str = Field(min_length=10, max_length=200)


class NodeText(_Strict):
    """A situation in one language."""

    text: str = Field(min_length=20, max_length=600)


class ChoiceText(_Strict):
    """A choice's button and feedback in one language."""

    label: str = Field(min_length=2, max_length=40)
    feedback: str = Field(min_length=10, max_length=300)


class Choice(_Strict):
    """One button of a node: where it leads and what it teaches."""

    next: str = Field(pattern=STEP_ID)
    fr: ChoiceText
    en: ChoiceText

    def text(self, lang: str) -> ChoiceText:
        """The choice in ``lang`` (French for any other)."""
        return self.en if lang == "en" else self.fr


class Node(_Strict):
    """A situation and the choices it offers."""

    id: str = Field(pattern=STEP_ID, max_length=40)
    fr: NodeText
    en: NodeText
    choices: list[Choice] = Field(min_length=2, max_length=4)

    def text(self, lang: str) -> str:
        """The situation in ``lang``."""
        return (self.en if lang == "en" else self.fr).text


class Debrief(_Strict):
    """What an ending teaches."""

    learner_biases: str = Field(min_length=20, max_length=700)
    system_biases: str = Field(min_length=20, max_length=700)
    case: str = Field(min_length=20, max_length=900)
    rule: str = Field(min_length=20, max_length=700)


class EndingText(_Strict):
    """An ending in one language."""

    title: str = Field(min_length=3, max_length=60)
    debrief: Debrief


class Ending(_Strict):
    """Where a path ends, and its debrief."""

    id: str = Field(pattern=STEP_ID, max_length=40)
    outcome: Outcome
    reread: list[str] = Field(min_length=1)
    fr: EndingText
    en: EndingText

    def text(self, lang: str) -> EndingText:
        """The ending in ``lang``."""
        return self.en if lang == "en" else self.fr


class Scenario(_Strict):
    """A whole scenario file."""

    id: str = Field(pattern=SCENARIO_ID, max_length=40)
    level: Literal[1, 2, 3]
    roles: list[Role] = Field(default_factory=list)
    sections: list[str] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    fr: Heading
    en: Heading
    start: str = Field(pattern=STEP_ID)
    nodes: list[Node] = Field(min_length=1)
    endings: list[Ending] = Field(min_length=2)

    def heading(self, lang: str) -> Heading:
        """Title and summary in ``lang``."""
        return self.en if lang == "en" else self.fr

    def node(self, node_id: str) -> Node | None:
        """The node with this id."""
        return next((n for n in self.nodes if n.id == node_id), None)

    def ending(self, ending_id: str) -> Ending | None:
        """The ending with this id."""
        return next((e for e in self.endings if e.id == ending_id), None)

    def node_index(self, node_id: str) -> int:
        """The position of a node (what a button carries instead of its id)."""
        return next(i for i, n in enumerate(self.nodes) if n.id == node_id)
