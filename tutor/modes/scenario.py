"""The scenario mode: a branching story played with buttons; other texts meanwhile are questions for the course."""

from __future__ import annotations

from datetime import datetime

from tutor.buttons import Payload, ScenarioChoose, ScenarioOpen, ScenarioRestart
from tutor.domain import Learner, ModeState, Reply
from tutor.messages import t
from tutor.modes.base import ASK, Turn
from tutor.quiz.answer_shape import is_question
from tutor.scenarios.play import ScenarioPlayer, Step

SCENARIO = "scenario"


class ScenarioMode:
    """Routes /scenario, choices and typed choices to the player; the run lives in the store, the state names it."""

    name = SCENARIO
    command = "scenario"
    payloads: tuple[type, ...] = (ScenarioOpen, ScenarioChoose, ScenarioRestart)

    def __init__(self, player: ScenarioPlayer) -> None:
        self.player = player

    def enter(self, turn: Turn, arg: str) -> list[Reply]:
        """/scenario: the list; /scenario all: every level's; /scenario <id>: start or resume that one."""
        if not arg or arg.strip().lower() in ("all", "tous", "tout"):
            return [self.player.listing(turn.learner, all_levels=bool(arg))]
        scenario = self.player.find(arg)
        if scenario is None:
            return [
                Reply(t("scenario_unknown", turn.lang, id=arg[:40]), kind="error"),
                self.player.listing(turn.learner),
            ]
        return self._step(turn, self.player.open(turn.learner, scenario, turn.now))

    def leave(self, turn: Turn) -> list[Reply]:
        """/cancel: pause the run (it resumes with /scenario <id>)."""
        reply = self.player.pause(turn.learner)
        turn.switch(ASK)
        return [reply]

    def takes_text(self, learner: Learner, state: ModeState, text: str) -> bool:
        """While a choice waits, any text but a question (a question goes to the course)."""
        run_id = state.data.get("run")
        return isinstance(run_id, int) and not is_question(text) and self.player.current(learner, run_id) is not None

    def on_text(self, turn: Turn, text: str) -> list[Reply]:
        """A typed choice, or a reminder of the choices."""
        run_id = turn.state.data.get("run")
        run = self.player.current(turn.learner, run_id) if isinstance(run_id, int) else None
        if run is None:
            turn.switch(ASK)
            return [Reply(t("nothing_to_cancel", turn.lang))]
        return self._step(turn, self.player.typed(turn.learner, run, text, turn.now))

    def on_button(self, turn: Turn, payload: Payload) -> list[Reply]:
        """A choice, a scenario picked in the list, or a restart."""
        if isinstance(payload, ScenarioChoose):
            return self._step(turn, self.player.choose(turn.learner, payload, turn.now))
        scenario = self.player.scenarios.get(getattr(payload, "scenario_id", ""))
        if scenario is None:
            return [Reply(t("scenario_removed", turn.lang), kind="error")]
        if isinstance(payload, ScenarioRestart):
            return self._step(turn, self.player.restart(turn.learner, scenario, turn.now))
        return self._step(turn, self.player.open(turn.learner, scenario, turn.now))

    def on_poll(self, turn: Turn, poll_id: str, option: int) -> list[Reply]:
        """Scenarios use no polls."""
        return [Reply(t("quiz_stale", turn.lang), kind="error")]

    def progress(self, learner: Learner, now: datetime) -> str | None:
        """Scenarios finished and going."""
        return self.player.progress(learner)

    @staticmethod
    def _step(turn: Turn, step: Step) -> list[Reply]:
        if not step.moved:
            return step.replies
        if step.run is not None:
            if turn.state.mode != SCENARIO or turn.state.data.get("run") != step.run.id:
                turn.switch(SCENARIO, {"run": step.run.id})
        elif turn.state.mode == SCENARIO:
            turn.switch(ASK)
        return step.replies
