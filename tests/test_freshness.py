"""Freshness warnings: a `reviewed:` date, a review under six months old, and tenses that agree with it."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from tutor.content.check import check_content
from tutor.content.freshness import tense_issues
from tutor.ingest.loaders import load
from tutor.ingest.metadata import document_fields

KNOWLEDGE = Path(__file__).parent.parent / "knowledge"
REVIEWED = date(2026, 12, 2)

# A date after the review spoken of as past, or one before it in the future tense.
WRONG = [
    "Le règlement est entré en vigueur le 2 août 2027.",
    "The rule took effect on 2 August 2027.",
    "Depuis le 2 août 2027, les fournisseurs doivent agir.",
    "Since 2 August 2027, providers must act.",
    "Ces obligations s'appliquent depuis août 2027.",
    "The duty has applied since 2027-08-02.",
    "Le texte a été adopté le 2 août 2027.",
    "The rules applied from 2 August 2027.",
    "Le 2 août 2027, le règlement est entré en vigueur.",
    "- **2 August 2027**: the obligations took effect.",
    "Les obligations s'appliqueront à partir du 2 août 2026.",
    "Elle s'appliquera à partir du 2 août 2026.",
    "The obligations will apply from 2 August 2026.",
    "Le règlement entrera en vigueur le 1er août 2024.",
    "The rules shall apply from August 2, 2026.",
    "Ces règles seront applicables en août 2026.",
    "The code is expected to be published in July 2025.",
    "Le 2 août 2026, les obligations s'appliqueront aux fournisseurs.",
    "Un recours a été déposé devant le Conseil d'État le 16 janvier 2027 ; il est en cours.",
]
# Correct sentences, and sentences the check cannot judge: no warning.
RIGHT = [
    "Le règlement est entré en vigueur le 1er août 2024.",
    "Les obligations s'appliqueront à partir du 2 août 2027.",
    "Since 2 February 2025, providers must act.",
    "The obligations will apply from 2 December 2027.",
    "Le Digital Omnibus a reporté au 2 décembre 2027 les obligations.",
    "The Omnibus pushed the obligations back to 2 December 2027.",
    "Students will read the judgment of 12 June 2018.",
    "Les étudiants liront l'arrêt du 12 juin 2018, qui sera discuté.",
    "Le plan a été lancé le 1er juillet 2025 et sera évalué en juillet 2027.",
    "The proposal published on 19 November 2025 will apply from 2 December 2027.",
    "Il a annoncé qu'elle s'appliquera le 2 août 2027.",
    "It would push the obligations back to 2 December 2027.",
    "- **2 August 2026**: most of the other provisions become applicable.",
    "The Commission will publish guidance; the rules have applied since 2 August 2025.",
    "Le texte, qui sera publié, s'applique depuis le 2 août 2025.",
    "This will be checked again; see decision 2018-765 DC of 12 June 2018.",
    "En 2027, le règlement sera révisé.",
    "The regulation has been in force since 1 August 2024, but its obligations arrive in stages.",
    "The rules will apply from 2 December 2026.",  # the review day itself: neither past nor future
]


@pytest.mark.parametrize("sentence", WRONG)
def test_tense_contradicting_the_review_date_is_flagged(sentence: str) -> None:
    assert len(tense_issues(sentence, REVIEWED)) == 1


@pytest.mark.parametrize("sentence", RIGHT)
def test_correct_or_undecidable_sentence_is_left_alone(sentence: str) -> None:
    assert tense_issues(sentence, REVIEWED) == []


def _module(lang: str, reviewed: str | None, body: str) -> str:
    words = " ".join(["mot"] * 820)
    front = [
        "---",
        "id: l1-01-sample",
        "level: 1",
        f"lang: {lang}",
        *([f"reviewed: {reviewed}"] if reviewed else []),
        "title: Sample module",
        "summary: A module made for the freshness tests.",
        "objectives: [Distinguish one thing, Explain another]",
        "competencies: [ethics-of-ai]",
        "---",
    ]
    return "\n".join(front) + f"\n\n## Intro {{#intro}}\n\n{words}\n\n{body}\n\n## Recap {{#recap}}\n\nDone.\n"


@pytest.fixture
def tiny_course(tmp_path: Path) -> Path:
    for lang in ("fr", "en"):
        (tmp_path / "modules" / lang).mkdir(parents=True)
    return tmp_path


def _write(root: Path, fr: str, en: str) -> tuple[Path, Path]:
    paths = root / "modules" / "fr" / "l1-01-sample.md", root / "modules" / "en" / "l1-01-sample.md"
    paths[0].write_text(fr, encoding="utf-8")
    paths[1].write_text(en, encoding="utf-8")
    return paths


def _module_warnings(root: Path, today: date) -> list[str]:
    report = check_content(root, today=today)
    assert [e for e in report.errors if "quiz bank" not in e] == []  # freshness never makes errors
    return report.warnings


def test_fresh_correct_module_gives_no_warning(tiny_course: Path) -> None:
    _write(
        tiny_course,
        _module("fr", "2026-12-02", "Le règlement est entré en vigueur le 1er août 2024."),
        _module("en", "2026-12-02", "The obligations will apply from 2 December 2027."),
    )
    assert _module_warnings(tiny_course, date(2026, 12, 10)) == []


def test_missing_and_stale_review_dates_warn(tiny_course: Path) -> None:
    _write(tiny_course, _module("fr", None, "Texte."), _module("en", "2026-01-02", "Text."))
    warnings = _module_warnings(tiny_course, date(2026, 12, 2))
    assert len(warnings) == 2
    assert any("fr/l1-01-sample.md" in w and "no 'reviewed:' date" in w for w in warnings)
    assert any("en/l1-01-sample.md" in w and "334 days ago" in w for w in warnings)
    # 183 days is still fresh; 184 is not.
    _write(tiny_course, _module("fr", "2026-06-02", "Texte."), _module("en", "2026-06-02", "Text."))
    assert _module_warnings(tiny_course, date(2026, 12, 2)) == []
    assert len(_module_warnings(tiny_course, date(2026, 12, 3))) == 2


def test_tense_warning_names_file_line_and_sentence(tiny_course: Path) -> None:
    fr, _ = _write(
        tiny_course,
        _module("fr", "2026-12-02", "Le règlement est entré en vigueur le 2 août 2027."),
        _module("en", "2026-12-02", "The obligations will apply from 2 August 2026."),
    )
    warnings = _module_warnings(tiny_course, date(2026, 12, 2))
    assert len(warnings) == 2
    line = fr.read_text(encoding="utf-8").splitlines().index("Le règlement est entré en vigueur le 2 août 2027.") + 1
    assert any(w.startswith(f"{fr}:{line}: speaks of 2027-08-02 as already past") for w in warnings)
    assert any("2026-08-02 in the future tense" in w and "will apply from 2 August 2026" in w for w in warnings)


def test_every_course_module_has_a_review_date_and_passes(tmp_path: Path) -> None:
    report = check_content(KNOWLEDGE)
    assert report.errors == []
    assert not any("no 'reviewed:' date" in w for w in report.warnings)
    print(f"\nfreshness warnings on the course: {len(report.warnings)}")
    for warning in report.warnings:
        print("  ", warning)


def test_ingested_documents_need_no_review_date(tmp_path: Path) -> None:
    """Institution documents keep working with or without `reviewed:` (ingest reads only its own fields)."""
    for name, extra in (("with.md", "reviewed: 2026-12-02\n"), ("without.md", "")):
        path = tmp_path / "fr" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"---\ntitle: Charte IA\nlevel: 2\n{extra}---\n# Charte\n\nTexte de la charte.\n")
        fields = document_fields(path, load(path))
        assert fields["title"] == "Charte IA" and fields["level"] == 2 and fields["lang"] == "fr"


def test_course_copy_without_review_date_warns(tmp_path: Path) -> None:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    module = sorted((target / "modules" / "en").glob("*.md"))[0]
    module.write_text("".join(line for line in module.read_text().splitlines(True) if not line.startswith("reviewed:")))
    report = check_content(target, today=date(2026, 12, 2))
    assert report.errors == []
    assert any(str(module) in w and "no 'reviewed:' date" in w for w in report.warnings)
