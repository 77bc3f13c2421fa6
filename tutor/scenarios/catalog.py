"""Scenario files read from disk, validated, and kept in memory (they are small and change only with a deploy)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from tutor import yamlfile
from tutor.scenarios.graph import graph_problems
from tutor.scenarios.schema import Scenario

log = logging.getLogger(__name__)
# "(Buolamwini & Gebru, 2018)", "(Obermeyer et al., 2019)", "(Reuters, 10 octobre 2018)"
_CITED = re.compile(r"\(([A-ZÀ-Ý][\w'’.-]+)[^()]*?(\d{4})\)")


@dataclass
class Loaded:
    """The scenarios that loaded, and what is wrong with the files that did not (or with their references)."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def load_scenarios(folder: Path) -> Loaded:
    """Every ``*.yaml`` of ``folder``: the sound scenarios by id, and the problems of the others."""
    loaded = Loaded()
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        scenario, problems = _load(path)
        if scenario is not None and scenario.id in loaded.scenarios:
            problems.append(f"id '{scenario.id}' already used by another file")
        if problems or scenario is None:
            loaded.problems += [f"{path.name}: {p}" for p in problems]
            continue
        loaded.scenarios[scenario.id] = scenario
    for problem in loaded.problems:
        log.warning("scenario skipped: %s", problem)
    return loaded


def section_problems(scenario: Scenario, sections: dict[str, set[str]]) -> list[str]:
    """Cited ``module#section`` references that do not exist (``sections``: module id -> its section ids)."""
    refs = [*scenario.sections, *(r for e in scenario.endings for r in e.reread)]
    missing = []
    for ref in refs:
        module, _, section = ref.partition("#")
        if section not in sections.get(module, set()):
            missing.append(f"cites missing section '{ref}'")
    return missing


def _load(path: Path) -> tuple[Scenario | None, list[str]]:
    try:
        raw = yamlfile.safe_load(path.read_text(encoding="utf-8"))
        scenario = Scenario.model_validate(raw)
    except (yaml.YAMLError, ValidationError, OSError, UnicodeDecodeError) as exc:
        lines = str(exc).splitlines()
        return None, [" ".join(lines[:3])]
    problems = graph_problems(scenario)
    if scenario.id != path.stem:
        problems.append(f"id '{scenario.id}' differs from the file name")
    problems += _uncited(scenario)
    return scenario, problems


def _uncited(scenario: Scenario) -> list[str]:
    """Citations "(Author, year)" in the texts whose author and year match no listed source."""
    titles = [s.title for s in scenario.sources]
    problems = []
    for text in _texts(scenario):
        for author, year in _CITED.findall(text):
            if not any(author.lower() in t.lower() and year in t for t in titles):
                problems.append(f"cites ({author}, {year}) but lists no such source")
    return sorted(set(problems))


def _texts(scenario: Scenario) -> list[str]:
    texts = [scenario.fr.summary, scenario.en.summary]
    for node in scenario.nodes:
        texts += [node.fr.text, node.en.text]
        texts += [t.feedback for c in node.choices for t in (c.fr, c.en)]
    for ending in scenario.endings:
        texts += [v for t in (ending.fr, ending.en) for v in t.debrief.model_dump().values()]
    return texts
