"""Scenarios: the shipped files pass the checks, the checks catch broken files, every path of every scenario plays
through the real core, and runs survive bad presses, typing, restarts and erasure."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from entrypoints.bootstrap import App, build
from tests.conftest import Harness, Template, app_from_template
from tests.fakes import FakeEmbedder, FixedClock
from tutor.buttons import ScenarioChoose, decode, encode
from tutor.content.check import check_content
from tutor.domain import Reply
from tutor.messages import t
from tutor.scenarios.catalog import load_scenarios
from tutor.scenarios.graph import paths
from tutor.scenarios.schema import Scenario

KNOWLEDGE = Path(__file__).parent.parent / "knowledge"
SHIPPED = load_scenarios(KNOWLEDGE / "scenarios")


@pytest.fixture
def app(template: Template, tmp_path: Path, clock: FixedClock) -> Iterator[App]:
    a = app_from_template(template, tmp_path, clock, overrides={"knowledge_dir": KNOWLEDGE})
    yield a
    a.engine.dispose()


@pytest.fixture
def harness(app: App) -> Harness:
    return Harness(app)


def _choices(reply: Reply) -> list[str]:
    return [b.data for b in reply.buttons if isinstance(decode(b.data), ScenarioChoose)]


def _learner_id(app: App, who: str = "alice") -> int:
    learner = app.learners.find("test", who)
    assert learner is not None
    return learner.id


# --- the shipped scenarios ----------------------------------------------------------------------------------------


def test_the_shipped_scenarios_pass_the_content_check() -> None:
    report = check_content(KNOWLEDGE)
    assert [e for e in report.errors if e.startswith("scenarios/")] == []
    assert not SHIPPED.problems
    assert set(report.scenarios) == set(SHIPPED.scenarios)


def test_four_scenarios_per_level_with_an_override_and_a_decider_each() -> None:
    for level in (1, 2, 3):
        at_level = [s for s in SHIPPED.scenarios.values() if s.level == level]
        assert len(at_level) >= 4, f"level {level}: {len(at_level)} scenarios"
        assert any("override" in s.roles for s in at_level), f"level {level} has no override scenario"
        assert any("decider" in s.roles for s in at_level), f"level {level} has no decider scenario"


@pytest.mark.parametrize("scenario", list(SHIPPED.scenarios.values()), ids=lambda s: s.id)
async def test_every_path_of_the_scenario_plays_through_the_core(
    scenario: Scenario, template: Template, tmp_path: Path, clock: FixedClock
) -> None:
    app = app_from_template(template, tmp_path, clock, overrides={"knowledge_dir": KNOWLEDGE})
    try:
        for n, path in enumerate(paths(scenario)):
            for lang in ("fr", "en"):
                await _play(Harness(app, learner=f"{lang}-{n}", locale=lang), scenario, path, lang)
    finally:
        app.engine.dispose()


async def _play(harness: Harness, scenario: Scenario, path: list[tuple[str, int]], lang: str) -> None:
    replies = await harness.say(f"/scenario {scenario.id}")
    for node_id, choice in path:
        node = scenario.node(node_id)
        assert node is not None and node.text(lang) in replies[-1].text
        replies = await harness.press(_choices(replies[-1])[choice])
        assert node.choices[choice].text(lang).feedback in replies[0].text
    last_node, last_choice = path[-1]
    last = scenario.node(last_node)
    assert last is not None
    ending = scenario.ending(last.choices[last_choice].next)
    assert ending is not None
    debrief = replies[1]
    assert ending.text(lang).title in debrief.text and ending.text(lang).debrief.case in debrief.text
    if len(scenario.endings) > 1:
        others = [e for e in scenario.endings if e.id != ending.id]
        assert all(o.text(lang).title in replies[2].text for o in others)
    learner = harness.app.learners.find("test", harness.learner)
    assert learner is not None and harness.app.learners.mode(learner.id).mode == "ask"


# --- the checks catch broken files --------------------------------------------------------------------------------


def _valid() -> dict[str, object]:
    def txt(n: int) -> dict[str, object]:
        return {"text": f"Situation number {n}, long enough to be a situation."}

    def choice(nxt: str) -> dict[str, object]:
        lang = {"label": "Go on", "feedback": "This is what this choice does."}
        return {"next": nxt, "fr": lang, "en": lang}

    debrief = {k: "Twenty characters or more of debrief." for k in ("learner_biases", "system_biases", "case", "rule")}
    ending = {"title": "The end", "debrief": debrief}
    return {
        "id": "l1-s99-test",
        "level": 1,
        "sections": ["l1-05-biases#automation-bias"],
        "sources": [{"id": "x", "title": "Buolamwini & Gebru, Gender Shades, 2018"}],
        "fr": {"title": "Un test", "summary": "Un résumé assez long."},
        "en": {"title": "A test", "summary": "A long enough summary."},
        "start": "a",
        "nodes": [
            {"id": "a", "fr": txt(1), "en": txt(1), "choices": [choice("b"), choice("good")]},
            {"id": "b", "fr": txt(2), "en": txt(2), "choices": [choice("good"), choice("bad")]},
        ],
        "endings": [
            {"id": "good", "outcome": "best", "reread": ["l1-05-biases#automation-bias"], "fr": ending, "en": ending},
            {"id": "bad", "outcome": "poor", "reread": ["l1-05-biases#automation-bias"], "fr": ending, "en": ending},
        ],
    }


def _problems(tmp_path: Path, data: dict[str, object], name: str = "l1-s99-test") -> list[str]:
    folder = tmp_path / "scenarios"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_scenarios(folder).problems


def test_a_sound_file_has_no_problems(tmp_path: Path) -> None:
    assert _problems(tmp_path, _valid()) == []


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda d: d["nodes"][1]["choices"][1].update(next="a"), "never ends"),
        (lambda d: d["nodes"][0]["choices"][0].update(next="good"), "cannot be reached"),
        (lambda d: d["nodes"][0]["choices"][0].update(next="nowhere"), "unknown 'nowhere'"),
        (lambda d: d["nodes"][0]["choices"][0]["fr"].pop("feedback"), "feedback"),
        (lambda d: d["nodes"][0].pop("en"), "en"),
        (lambda d: d["nodes"][0]["choices"].pop(), "choices"),
        (lambda d: d.update(id="l1-s98-other"), "file name"),
        (lambda d: d["nodes"][1].update(id="a"), "used twice"),
        (lambda d: d["endings"][0]["en"]["debrief"].update(case="As measured (Obermeyer et al., 2019)."), "Obermeyer"),
        (lambda d: d["nodes"][0]["en"].update(text="x" * 601), "600"),
    ],
)
def test_the_checks_catch(tmp_path: Path, breakage, expected: str) -> None:  # type: ignore[no-untyped-def]
    data = _valid()
    breakage(data)
    problems = _problems(tmp_path, data)
    assert any(expected in p for p in problems), problems


def test_the_content_check_catches_a_missing_section(tmp_path: Path) -> None:
    data = _valid()
    data["sections"] = ["l1-05-biases#no-such-section"]
    _problems(tmp_path, data)
    for sub in ("modules", "quizzes", "glossary"):
        (tmp_path / sub).symlink_to(KNOWLEDGE / sub)
    report = check_content(tmp_path)
    assert any("no-such-section" in e for e in report.errors)


# --- runs: bad input, typing, restarts ----------------------------------------------------------------------------

FIRST = sorted(SHIPPED.scenarios)[0]


async def test_list_unknown_and_prefix(harness: Harness) -> None:
    [listing] = await harness.say("/scenario")
    assert listing.text.startswith(t("scenario_list_head", "fr", level=1)) and listing.buttons
    error, again = await harness.say("/scenario nope-nope")
    assert error.kind == "error" and "nope-nope" in error.text and again.buttons
    replies = await harness.say("/scenario " + FIRST[:6])  # "l1-s01" names one scenario
    assert _choices(replies[-1])


async def test_a_choice_is_recorded_once_and_old_buttons_change_nothing(harness: Harness, app: App) -> None:
    scenario = SHIPPED.scenarios[FIRST]
    first = (await harness.say(f"/scenario {FIRST}"))[-1]
    after = await harness.press(_choices(first)[0])
    again = await harness.press(_choices(first)[0])  # the same button twice
    assert again[0].kind == "error" or again[0].text == t("scenario_old_button", "fr")
    store = app.assistant.modes["scenario"].player.store  # type: ignore[attr-defined]
    run = store.going(_learner_id(app))
    if run is not None:  # still going: one choice recorded, and the run is where the first press left it
        assert store.choices(run.id) == [(scenario.start, 0)]
        assert _choices(after[-1]) == _choices(again[-1])
    counts = store.choice_counts(FIRST)
    assert counts[(scenario.start, 0)] == 1


async def test_a_stranger_cannot_press_my_choice(app: App) -> None:
    alice, bob = Harness(app, "alice"), Harness(app, "bob")
    first = (await alice.say(f"/scenario {FIRST}"))[-1]
    [refused] = await bob.press(_choices(first)[0])
    assert refused.kind == "error" and refused.text == t("scenario_not_yours", "fr")
    store = app.assistant.modes["scenario"].player.store  # type: ignore[attr-defined]
    run = store.going(_learner_id(app, "alice"))
    assert run is not None and store.choices(run.id) == []


async def test_typing_while_a_choice_waits(harness: Harness, app: App) -> None:
    scenario = SHIPPED.scenarios[FIRST]
    await harness.say(f"/scenario {FIRST}")
    remind, node = await harness.say("bof je sais pas")
    assert remind.text == t("scenario_pick", "fr") and _choices(node)
    answer = await harness.say("C'est quoi le biais d'automatisation ?")  # a question goes to the course
    assert answer[0].kind in ("answer", "abstention")
    replies = await harness.say("2")  # the second choice, by its number
    start = scenario.node(scenario.start)
    assert start is not None and start.choices[1].fr.feedback in replies[0].text
    too_long = await harness.say("x" * 1999)
    assert too_long[0].text == t("scenario_pick", "fr") or too_long[0].kind == "error"


async def test_a_finished_run_refuses_its_buttons_and_can_be_replayed(harness: Harness, app: App) -> None:
    scenario = SHIPPED.scenarios[FIRST]
    path = next(paths(scenario))
    replies = await harness.say(f"/scenario {FIRST}")
    pressed = []
    for _, choice in path:
        pressed.append(_choices(replies[-1])[choice])
        replies = await harness.press(pressed[-1])
    [over] = await harness.press(pressed[0])
    assert over.kind == "error" and over.buttons  # a "play again" button
    replay = await harness.press(over.buttons[0].data)
    assert _choices(replay[-1])
    [progress] = await harness.say("/progress")
    assert "1 terminé" in progress.text


async def test_a_run_resumes_after_a_restart_and_after_a_pause(harness: Harness, app: App, clock: FixedClock) -> None:
    scenario = SHIPPED.scenarios[FIRST]
    start = scenario.node(scenario.start)
    assert start is not None
    onwards = next(i for i, c in enumerate(start.choices) if scenario.node(c.next) is not None)
    first = (await harness.say(f"/scenario {FIRST}"))[-1]
    second = (await harness.press(_choices(first)[onwards]))[-1]
    again = build(app.settings, embedder=FakeEmbedder(), clock=clock)  # a new process on the same store
    try:
        restarted = Harness(again)
        moved = await restarted.press(_choices(second)[0])  # the button sent before the restart still works
        assert moved[0].kind != "error"
        third = moved[-1]
        if not _choices(third):
            return  # that choice ended the scenario
        [paused] = await restarted.say("/cancel")
        assert paused.text == t("scenario_paused", "fr", id=FIRST)
        resumed = await restarted.say(f"/scenario {FIRST}")
        assert resumed[0].text.startswith("On reprend") and _choices(resumed[-1]) == _choices(third)
    finally:
        again.engine.dispose()


async def test_export_and_erasure_cover_runs(harness: Harness, app: App) -> None:
    first = (await harness.say(f"/scenario {FIRST}"))[-1]
    await harness.press(_choices(first)[0])
    learner_id = _learner_id(app)
    exported = app.assistant.account.export_data.of(learner_id)
    assert exported["scenario_runs"] and exported["scenario_choices"]
    app.learners.forget(learner_id)
    store = app.assistant.modes["scenario"].player.store  # type: ignore[attr-defined]
    assert store.going(learner_id) is None and store.choice_counts(FIRST) == {}


def test_choice_buttons_fit(harness: Harness) -> None:
    assert len(encode(ScenarioChoose(2_000_000_000, 99, 3)).encode()) <= 48
