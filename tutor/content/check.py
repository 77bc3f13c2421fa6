"""Content check: schema, both languages, sections, quiz items, limits, internal links, word counts, freshness."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from pydantic import ValidationError

from tutor import yamlfile
from tutor.content.freshness import freshness_warnings
from tutor.content.schema import RECAP_SECTION, ModuleMeta, QuizBank, QuizItem
from tutor.ingest.chunking import split_heading
from tutor.lab.checks import check_lab_tasks
from tutor.scenarios.catalog import load_scenarios, section_problems

MIN_WORDS = 800
MIN_ITEMS = 15
_CATCH_ALL = re.compile(
    r"\b(all|none) of the above\b|toutes les réponses|aucune des réponses|tout ce qui précède", re.IGNORECASE
)
_LINK = re.compile(r"\]\(([^)#\s]+\.md)(?:#([a-z0-9-]+))?\)")


@dataclass
class Module:
    meta: ModuleMeta
    sections: list[str]
    body: str
    path: Path
    body_line: int = 1  # the file line the body starts on


@dataclass
class ContentReport:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # printed, never fail the check (freshness)
    words: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    scenarios: dict[str, int] = field(default_factory=dict)  # scenario id -> level


def _read_module(path: Path, report: ContentReport) -> Module | None:
    text = path.read_text(encoding="utf-8")
    parts = text.split("---", 2)
    if not text.startswith("---") or len(parts) < 3:
        report.errors.append(f"{path}: no front matter")
        return None
    try:
        meta = ModuleMeta.model_validate(yamlfile.safe_load(parts[1]))
    except (ValidationError, yaml.YAMLError) as exc:
        report.errors.append(f"{path}: front matter: {str(exc).splitlines()[0]} {str(exc).splitlines()[1:3]}")
        return None
    sections = [split_heading(h)[1] for h in re.findall(r"^## (.+)$", parts[2], re.MULTILINE)]
    return Module(meta, sections, parts[2], path, body_line=parts[0].count("\n") + parts[1].count("\n") + 1)


def check_modules(root: Path, report: ContentReport) -> dict[str, dict[str, Module]]:
    """Front matter, pairs of languages with the same sections, word counts, links."""
    modules: dict[str, dict[str, Module]] = {}
    for path in sorted((root / "modules").glob("*/*.md")):
        module = _read_module(path, report)
        if module is None:
            continue
        if path.parent.name != module.meta.lang or path.stem != module.meta.id:
            report.errors.append(f"{path}: file must be modules/{module.meta.lang}/{module.meta.id}.md")
        words = len(re.findall(r"\w+", module.body))
        report.words[f"{module.meta.lang}/{module.meta.id}"] = words
        if words < MIN_WORDS:
            report.errors.append(f"{path}: {words} words, fewer than {MIN_WORDS}")
        sections = module.sections
        if len(set(sections)) != len(sections) or not sections or sections[-1] != RECAP_SECTION:
            report.errors.append(f"{path}: section ids must be unique and end with '{RECAP_SECTION}'")
        modules.setdefault(module.meta.id, {})[module.meta.lang] = module
    for mid, langs in modules.items():
        if set(langs) != {"fr", "en"}:
            report.errors.append(f"{mid}: missing language {sorted({'fr', 'en'} - set(langs))}")
        elif langs["fr"].sections != langs["en"].sections:
            report.errors.append(f"{mid}: fr and en sections differ")
        elif langs["fr"].meta.level != langs["en"].meta.level:
            report.errors.append(f"{mid}: fr and en levels differ")
    _check_links(modules, report)
    return modules


def _check_links(modules: dict[str, dict[str, Module]], report: ContentReport) -> None:
    for langs in modules.values():
        for module in langs.values():
            for target, anchor in _LINK.findall(module.body):
                other = modules.get(Path(target).stem, {}).get(module.meta.lang)
                if other is None or (anchor and anchor not in other.sections):
                    report.errors.append(f"{module.path}: broken link {target}#{anchor}")


def _check_item(item: QuizItem, module: dict[str, Module], report: ContentReport, where: str) -> None:
    for lang in ("fr", "en"):
        text = getattr(item, lang)
        if lang in module and item.section not in module[lang].sections:
            report.errors.append(f"{where}: {item.id} points at missing section '{item.section}'")
        answers = [text.options[text.answer]] if item.type == "mcq" else text.accepted[:1]
        for answer in answers:
            if re.search(rf"(?<!\w){re.escape(answer.strip().lower())}(?!\w)", text.question.lower()):
                report.errors.append(f"{where}: {item.id} ({lang}) gives its answer away in the question")
        for option in text.options or []:
            if _CATCH_ALL.search(option):
                report.errors.append(f"{where}: {item.id} ({lang}) has a catch-all option")


def check_quizzes(root: Path, modules: dict[str, dict[str, Module]], report: ContentReport) -> None:
    """Schema, section references, answer leaks, catch-all options, counts and unique ids."""
    seen: set[str] = set()
    for path in sorted((root / "quizzes").glob("*.yaml")):
        try:
            bank = QuizBank.model_validate(yamlfile.safe_load(path.read_text(encoding="utf-8")))
        except (ValidationError, yaml.YAMLError) as exc:
            report.errors.append(f"{path}: {str(exc).splitlines()[0]} {str(exc).splitlines()[1:3]}")
            continue
        if bank.module not in modules:
            report.errors.append(f"{path}: unknown module {bank.module}")
        report.items[bank.module] = len(bank.items)
        if len(bank.items) < MIN_ITEMS:
            report.errors.append(f"{path}: {len(bank.items)} items, fewer than {MIN_ITEMS}")
        for item in bank.items:
            if item.id in seen:
                report.errors.append(f"{path}: duplicate item id {item.id}")
            seen.add(item.id)
            _check_item(item, modules.get(bank.module, {}), report, str(path))
    for mid in modules:
        if mid not in report.items:
            report.errors.append(f"{mid}: no quiz bank")


def check_glossary(root: Path, modules: dict[str, dict[str, Module]], report: ContentReport) -> None:
    """Each term has both languages, a definition in both, and names an existing module."""
    for path in sorted((root / "glossary").glob("*.yaml")):
        for n, entry in enumerate(yamlfile.safe_load(path.read_text(encoding="utf-8")) or [], start=1):
            ok = isinstance(entry, dict) and all(
                isinstance(entry.get(k), dict) and entry[k].get("fr") and entry[k].get("en")
                for k in ("term", "definition")
            )
            if not ok:
                report.errors.append(f"{path}: entry {n} needs term and definition in fr and en")
            elif entry.get("module") not in modules:
                report.errors.append(f"{path}: entry {n} names unknown module {entry.get('module')}")
            else:
                report.errors += [f"{path}: entry {n} {p}" for p in _glossary_problems(entry, modules[entry["module"]])]


def _glossary_problems(entry: dict[str, object], module: dict[str, Module]) -> list[str]:
    """A ``section`` must be one of the module's, in both languages; ``aliases`` a list of non-empty strings."""
    problems = []
    section = entry.get("section")
    if section is not None and any(section not in m.sections for m in module.values()):
        problems.append(f"names unknown section {section} of {entry['module']}")
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        problems.append("aliases must be a list of non-empty strings")
    return problems


def check_freshness(modules: dict[str, dict[str, Module]], report: ContentReport, today: date) -> None:
    """Warnings: a module with no ``reviewed:`` date, one not reviewed for six months, tense contradicting it."""
    for langs in modules.values():
        for module in langs.values():
            report.warnings += freshness_warnings(
                module.path, module.body, module.body_line, module.meta.reviewed, today
            )


def check_content(root: Path, today: date | None = None) -> ContentReport:
    """Run every check on a knowledge folder; ``today`` (default: the real date) dates the freshness warnings."""
    report = ContentReport()
    modules = check_modules(root, report)
    check_freshness(modules, report, today or date.today())
    check_quizzes(root, modules, report)
    check_glossary(root, modules, report)
    check_scenarios(root, modules, report)
    sections = {f"{mid}#{sec}" for mid, langs in modules.items() for m in langs.values() for sec in m.sections}
    report.errors += check_lab_tasks(root / "lab", sections)  # the lab's datasets (tutor/lab/checks.py)
    return report


def check_scenarios(root: Path, modules: dict[str, dict[str, Module]], report: ContentReport) -> None:
    """Every scenario loads, its graph is sound and the sections it cites exist."""
    loaded = load_scenarios(root / "scenarios")
    report.errors += [f"scenarios/{problem}" for problem in loaded.problems]
    sections = {mid: set(langs["fr"].sections) for mid, langs in modules.items() if "fr" in langs}
    for scenario in loaded.scenarios.values():
        report.errors += [f"scenarios/{scenario.id}.yaml: {p}" for p in section_problems(scenario, sections)]
    report.scenarios.update({sid: s.level for sid, s in loaded.scenarios.items()})
