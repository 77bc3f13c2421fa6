"""The checks a scenario's graph must pass: every step reachable, every path ending, every reference resolved."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.scenarios.schema import Scenario


def graph_problems(scenario: Scenario) -> list[str]:
    """What is wrong with the scenario's graph (empty when it is sound)."""
    nodes = {n.id for n in scenario.nodes}
    endings = {e.id for e in scenario.endings}
    problems = [f"step id '{i}' used twice" for i in _duplicates([*(n.id for n in scenario.nodes), *endings])]
    if len(endings) != len(scenario.endings):
        problems.append("an ending id is used twice")
    steps = nodes | endings
    if scenario.start not in nodes:
        return [*problems, f"start '{scenario.start}' is not a node"]
    for node in scenario.nodes:
        problems += [f"node '{node.id}' leads to unknown '{c.next}'" for c in node.choices if c.next not in steps]
    if problems:
        return problems
    reached = _reachable(scenario)
    problems += [f"'{step}' cannot be reached from the start" for step in sorted(steps - reached)]
    cycle = _cycle(scenario)
    if cycle:
        problems.append("a path never ends: " + " -> ".join(cycle))
    return problems


def paths(scenario: Scenario) -> Iterator[list[tuple[str, int]]]:
    """Every path from the start to an ending, as (node id, choice index) steps (the graph must be sound)."""

    def walk(node_id: str, taken: list[tuple[str, int]]) -> Iterator[list[tuple[str, int]]]:
        node = scenario.node(node_id)
        if node is None:
            yield taken
            return
        for index, choice in enumerate(node.choices):
            yield from walk(choice.next, [*taken, (node_id, index)])

    yield from walk(scenario.start, [])


def _reachable(scenario: Scenario) -> set[str]:
    seen, todo = {scenario.start}, [scenario.start]
    while todo:
        node = scenario.node(todo.pop())
        for choice in node.choices if node else []:
            if choice.next not in seen:
                seen.add(choice.next)
                todo.append(choice.next)
    return seen


def _cycle(scenario: Scenario) -> list[str]:
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(step: str, trail: list[str]) -> list[str]:
        if state.get(step) == 1:
            return [*trail[trail.index(step) :], step]
        if state.get(step) == 2 or scenario.node(step) is None:
            return []
        state[step] = 1
        for choice in scenario.node(step).choices:  # type: ignore[union-attr]  # checked just above
            found = visit(choice.next, [*trail, step])
            if found:
                return found
        state[step] = 2
        return []

    return visit(scenario.start, [])


def _duplicates(ids: list[str]) -> list[str]:
    return sorted({i for i in ids if ids.count(i) > 1})
