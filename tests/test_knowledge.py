"""The content check: the real course passes it, and it catches what it should."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tutor.content.check import check_content

KNOWLEDGE = Path(__file__).parent.parent / "knowledge"


def test_course_material_passes_the_content_check() -> None:
    report = check_content(KNOWLEDGE)
    assert report.errors == []
    assert len(report.words) >= 2 and all(w >= 800 for w in report.words.values())
    print("\nwords per module file:", report.words)
    print(f"freshness warnings (allowed): {len(report.warnings)}")


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


def _first_module(root: Path) -> tuple[Path, Path]:
    fr = sorted((root / "modules" / "fr").glob("*.md"))[0]
    return fr, root / "modules" / "en" / fr.name


def test_missing_translation_is_caught(course_copy: Path) -> None:
    _, en = _first_module(course_copy)
    en.unlink()
    assert any("missing language" in e for e in check_content(course_copy).errors)


def test_diverging_sections_and_broken_link_are_caught(course_copy: Path) -> None:
    fr, _ = _first_module(course_copy)
    fr.write_text(fr.read_text().replace("{#recap}", "{#summary}") + "\nVoir [ici](l9-99-nowhere.md#x).\n")
    errors = check_content(course_copy).errors
    assert any("sections differ" in e for e in errors)
    assert any("broken link" in e for e in errors)


def test_quiz_problems_are_caught(course_copy: Path) -> None:
    bank_path = sorted((course_copy / "quizzes").glob("*.yaml"))[0]
    bank = yaml.safe_load(bank_path.read_text())
    mcq = [i for i in bank["items"] if i["type"] == "mcq"]
    mcq[0]["section"] = "no-such-section"
    mcq[1]["fr"]["question"] += " " + mcq[1]["fr"]["options"][mcq[1]["fr"]["answer"]]
    mcq[2]["en"]["options"][0] = "All of the above"
    bank_path.write_text(yaml.safe_dump(bank, allow_unicode=True))
    errors = check_content(course_copy).errors
    assert any("missing section 'no-such-section'" in e for e in errors)
    assert any(f"{mcq[1]['id']} (fr) gives its answer away" in e for e in errors)
    assert any(f"{mcq[2]['id']} (en) has a catch-all option" in e for e in errors)


def test_overlong_explanation_fails_the_schema(course_copy: Path) -> None:
    bank_path = sorted((course_copy / "quizzes").glob("*.yaml"))[0]
    bank = yaml.safe_load(bank_path.read_text())
    bank["items"][0]["en"]["explanation"] = "x" * 201
    bank_path.write_text(yaml.safe_dump(bank, allow_unicode=True))
    assert any("200" in e for e in check_content(course_copy).errors)
