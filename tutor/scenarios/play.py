"""Playing scenarios: the list, a run's steps, the ending and its debrief; what a learner sees, built from the files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tutor.buttons import Cancel, ScenarioChoose, ScenarioOpen, ScenarioRestart, encode
from tutor.domain import Button, Citation, Learner, Reply
from tutor.messages import t
from tutor.quiz.grading import normalise
from tutor.scenarios.schema import Ending, Node, Scenario
from tutor.store.scenarios import Run, ScenarioStore

# module id, section id, language -> (module title, section title, source) of a course section
SectionLookup = Callable[[str, str, str], tuple[str, str, str] | None]
MAX_TYPED_CHOICE = 200


@dataclass(frozen=True)
class Step:
    """What a scenario action produced: the replies, and the run the learner is now in (None: none going)."""

    replies: list[Reply]
    run: Run | None
    moved: bool = True  # False: the press changed nothing (a stranger's, stale or repeated button)


class ScenarioPlayer:
    """Starts, resumes, advances and closes learners' runs of the scenarios of a catalog."""

    def __init__(self, scenarios: dict[str, Scenario], store: ScenarioStore, sections: SectionLookup) -> None:
        self.scenarios = scenarios
        self.store = store
        self.sections = sections

    def listing(self, learner: Learner, all_levels: bool = False) -> Reply:
        """The scenarios of the learner's level (or all), the finished ones marked, one button each."""
        lang = learner.lang
        shown = [s for s in self.scenarios.values() if all_levels or s.level == learner.level]
        if not shown:
            return Reply(t("scenario_none", lang))
        done = self.store.endings(learner.id)
        going = self.store.going(learner.id)
        lines = [t("scenario_list_head", lang, level=learner.level) if not all_levels else t("scenario_list_all", lang)]
        for s in shown:
            mark = "✓" if s.id in done else ("▶" if going and going.scenario_id == s.id else "•")
            lines.append(f"{mark} {s.heading(lang).title} — {s.heading(lang).summary} (/scenario {s.id})")
        if not all_levels:
            lines.append(t("scenario_list_more", lang))
        buttons = tuple(Button(s.heading(lang).title[:40], encode(ScenarioOpen(s.id))) for s in shown[:8])
        return Reply("\n".join(lines), buttons=buttons)

    def find(self, arg: str) -> Scenario | None:
        """The scenario named by an id or an unambiguous start of one ("l1-s01")."""
        key = arg.strip().lower()
        if key in self.scenarios:
            return self.scenarios[key]
        matches = [s for sid, s in self.scenarios.items() if key and sid.startswith(key)]
        return matches[0] if len(matches) == 1 else None

    def open(self, learner: Learner, scenario: Scenario, now: datetime) -> Step:
        """Resume the learner's unfinished run of the scenario, or start one."""
        run = self.store.going(learner.id, scenario.id)
        if run is not None and run.node_id is not None and scenario.node(run.node_id) is not None:
            node = scenario.node(run.node_id)
            assert node is not None
            head = Reply(t("scenario_resumed", learner.lang, title=scenario.heading(learner.lang).title))
            return Step([head, self._node_reply(learner, scenario, run, node, restart=True)], run)
        return self.restart(learner, scenario, now)

    def restart(self, learner: Learner, scenario: Scenario, now: datetime) -> Step:
        """A new run from the start (any unfinished run is abandoned)."""
        run = self.store.start(learner.id, scenario.id, scenario.start, now)
        heading = scenario.heading(learner.lang)
        intro = Reply(f"{heading.title}\n{heading.summary}")
        node = scenario.node(scenario.start)
        assert node is not None  # checked when the file was loaded
        return Step([intro, self._node_reply(learner, scenario, run, node)], run)

    def choose(self, learner: Learner, press: ScenarioChoose, now: datetime) -> Step:
        """A choice button: recorded once, if it belongs to the learner's run and to the node the run is at."""
        lang = learner.lang
        run = self.store.run(press.run)
        if run is None or run.learner_id != learner.id:
            return Step([Reply(t("scenario_not_yours", lang), kind="error")], None, moved=False)
        scenario = self.scenarios.get(run.scenario_id)
        if scenario is None:
            return Step([Reply(t("scenario_removed", lang), kind="error")], None, moved=False)
        if not run.going:
            return Step([self._over(learner, scenario, run)], None, moved=False)
        node = scenario.node(run.node_id or "")
        if node is None:
            return Step([Reply(t("scenario_removed", lang), kind="error")], None)
        if press.node >= len(scenario.nodes) or scenario.nodes[press.node].id != node.id:
            return Step([Reply(t("scenario_old_button", lang)), self._node_reply(learner, scenario, run, node)], run)
        if press.choice >= len(node.choices):
            return Step([Reply(t("unknown_button", lang), kind="error")], run, moved=False)
        return self._advance(learner, scenario, run, node, press.choice, now)

    def typed(self, learner: Learner, run: Run, text: str, now: datetime) -> Step:
        """A typed text while a choice waits: the choice's number or label, else a reminder of the choices."""
        scenario = self.scenarios.get(run.scenario_id)
        node = scenario.node(run.node_id or "") if scenario else None
        if scenario is None or node is None:
            return Step([Reply(t("scenario_removed", learner.lang), kind="error")], None)
        index = typed_choice(node, text[:MAX_TYPED_CHOICE], learner.lang)
        if index is None:
            return Step([Reply(t("scenario_pick", learner.lang)), self._node_reply(learner, scenario, run, node)], run)
        return self._advance(learner, scenario, run, node, index, now)

    def pause(self, learner: Learner) -> Reply:
        """/cancel: the run stays where it is, to be resumed with /scenario."""
        run = self.store.going(learner.id)
        scenario = self.scenarios.get(run.scenario_id) if run else None
        if run is None or scenario is None:
            return Reply(t("nothing_to_cancel", learner.lang))
        return Reply(t("scenario_paused", learner.lang, id=scenario.id))

    def current(self, learner: Learner, run_id: int) -> Run | None:
        """The learner's run with this id if it still waits for a choice."""
        run = self.store.run(run_id)
        return run if run is not None and run.learner_id == learner.id and run.going else None

    def progress(self, learner: Learner) -> str | None:
        """Scenarios finished (of the learner's level and in all), and the one going."""
        done = self.store.endings(learner.id)
        if not done and self.store.going(learner.id) is None:
            return None
        level = [s for s in self.scenarios.values() if s.level == learner.level]
        line = t(
            "scenario_progress",
            learner.lang,
            done=sum(1 for s in level if s.id in done),
            total=len(level),
            level=learner.level,
            all=len(done),
        )
        going = self.store.going(learner.id)
        if going is not None and going.scenario_id in self.scenarios:
            line += "\n" + t("scenario_progress_going", learner.lang, id=going.scenario_id)
        return line

    def _advance(self, learner: Learner, scenario: Scenario, run: Run, node: Node, index: int, now: datetime) -> Step:
        lang = learner.lang
        choice = node.choices[index]
        ending = scenario.ending(choice.next)
        recorded = self.store.choose(
            run, node.id, index, None if ending else choice.next, ending.id if ending else None, now
        )
        if not recorded:  # pressed twice, or raced by another press
            return Step([Reply(t("scenario_already", lang), kind="error")], None, moved=False)
        feedback = Reply(f"{choice.text(lang).label} — {choice.text(lang).feedback}")
        if ending is not None:
            return Step([feedback, *self._ending(learner, scenario, ending)], None)
        after = self.store.run(run.id)
        next_node = scenario.node(choice.next)
        assert after is not None and next_node is not None
        return Step([feedback, self._node_reply(learner, scenario, after, next_node)], after)

    def _node_reply(self, learner: Learner, scenario: Scenario, run: Run, node: Node, restart: bool = False) -> Reply:
        lang = learner.lang
        at = scenario.node_index(node.id)
        numbered = [f"{i + 1}. {c.text(lang).label}" for i, c in enumerate(node.choices)]
        buttons = [
            Button(c.text(lang).label, encode(ScenarioChoose(run.id, at, i))) for i, c in enumerate(node.choices)
        ]
        if restart:
            buttons.append(Button(t("scenario_again", lang), encode(ScenarioRestart(scenario.id))))
        buttons.append(Button(t("scenario_stop", lang), encode(Cancel())))
        return Reply(node.text(lang) + "\n\n" + "\n".join(numbered), buttons=tuple(buttons))

    def _ending(self, learner: Learner, scenario: Scenario, ending: Ending) -> list[Reply]:
        lang = learner.lang
        text = ending.text(lang)
        debrief = text.debrief
        parts = [
            t("scenario_ending", lang, title=text.title, outcome=t(f"scenario_outcome_{ending.outcome}", lang)),
            t("scenario_debrief_learner", lang, text=debrief.learner_biases),
            t("scenario_debrief_system", lang, text=debrief.system_biases),
            t("scenario_debrief_case", lang, text=debrief.case),
            t("scenario_debrief_rule", lang, text=debrief.rule),
        ]
        again = Button(t("scenario_again", lang), encode(ScenarioRestart(scenario.id)))
        replies = [Reply("\n\n".join(parts), citations=self._citations(ending.reread, lang), buttons=(again,))]
        others = [e for e in scenario.endings if e.id != ending.id]
        if others:
            lines = [t("scenario_other_paths", lang)]
            for other in others:
                first = other.text(lang).debrief.learner_biases.split(". ")[0].rstrip(".")
                outcome = t(f"scenario_outcome_{other.outcome}", lang)
                lines.append(
                    f"• {other.text(lang).title} ({outcome}) : {first}."
                    if lang == "fr"
                    else f"• {other.text(lang).title} ({outcome}): {first}."
                )
            replies.append(Reply("\n".join(lines)))
        return replies

    def _over(self, learner: Learner, scenario: Scenario, run: Run) -> Reply:
        ending = scenario.ending(run.ending_id or "")
        title = ending.text(learner.lang).title if ending else "—"
        again = Button(t("scenario_again", learner.lang), encode(ScenarioRestart(scenario.id)))
        key = "scenario_over" if run.finished_at is not None else "scenario_replaced"
        return Reply(t(key, learner.lang, ending=title), kind="error", buttons=(again,))

    def _citations(self, refs: list[str], lang: str) -> tuple[Citation, ...]:
        cited = []
        for ref in refs:
            module, _, section = ref.partition("#")
            found = self.sections(module, section, lang)
            if found is not None:
                cited.append(Citation(module, found[0], section, found[1], found[2]))
        return tuple(cited)


def typed_choice(node: Node, text: str, lang: str) -> int | None:
    """The choice a typed text names: its number ("2", "2."), or its label, in either language."""
    stripped = text.strip().rstrip(".)")
    if stripped.isascii() and stripped.isdigit() and 1 <= int(stripped) <= len(node.choices):
        return int(stripped) - 1
    wanted = normalise(text)
    for index, choice in enumerate(node.choices):
        if wanted in (normalise(choice.fr.label), normalise(choice.en.label)):
            return index
    return None
