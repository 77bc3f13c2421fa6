"""The glossary in retrieval: terms and acronyms expanded in both languages, and the definition answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.bootstrap import App
from tests.conftest import Harness, Template, app_from_template
from tests.fakes import FixedClock
from tutor.answering.glossary import Entry, Glossary
from tutor.retrieval.lexical import LexicalIndex

ROOT = Path(__file__).parent.parent
COURSE_GLOSSARY = Glossary.load(ROOT / "knowledge" / "glossary")


def test_acronyms_and_terms_are_expanded_in_both_languages() -> None:
    llm = COURSE_GLOSSARY.expand("c'est quoi un LLM ?")
    assert "grand modèle de langage" in llm and "large language model" in llm
    assert "RGPD" in COURSE_GLOSSARY.expand("what does the GDPR say about consent")
    assert "GDPR" in COURSE_GLOSSARY.expand("le rgpd et les données de santé")
    gen = COURSE_GLOSSARY.expand("l'IA gen au travail")
    assert "IA générative" in gen and "generative AI" in gen
    dpia = COURSE_GLOSSARY.expand("whats a DPIA")
    assert "analyse d'impact relative à la protection des données" in dpia and "AIPD" in dpia


def test_no_expansion_without_a_term_nor_for_ia_alone() -> None:
    assert COURSE_GLOSSARY.expand("quel temps fera-t-il demain ?") == "quel temps fera-t-il demain ?"
    assert COURSE_GLOSSARY.expand("l'IA au quotidien") == "l'IA au quotidien"  # "IA" is in nearly every question


def test_matching_forgives_accents_case_plurals_and_a_typo() -> None:
    for question in ("les LLMs", "un grand modele de langage", "GRAND MODÈLE DE LANGAGE", "un grand modèle de langaje"):
        [match] = [m for m in COURSE_GLOSSARY.find(question) if m.entry.term["en"].startswith("large language")]
        assert match.entry.module == "l1-03-generative-ai"


def test_a_bracketed_qualifier_is_not_a_synonym() -> None:
    """'fournisseur (AI Act)': "AI Act" names another entry, so a question about the AI Act is not about providers."""
    found = {m.entry.term["fr"] for m in COURSE_GLOSSARY.find("what does article 10 of the AI act say")}
    assert found == {"AI Act (règlement européen sur l'IA)"}


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("c'est quoi un LLM ?", "grand modèle de langage (LLM)"),
        ("c koi le RLHF", "apprentissage par renforcement à partir de retours humains (RLHF)"),
        ("RAG ?", "génération augmentée par récupération (RAG)"),
        ("what's a DPIA", "analyse d'impact relative à la protection des données (AIPD)"),
        ("biais d'automatisation définition stp", "biais d'automatisation"),
        ("overfitting ça veut dire quoi concrètement", "surapprentissage"),
        ("qu'est-ce que l'IA fantôme ?", "IA fantôme"),
        ("explain tokens and why long chats lose the beginning", "jeton (token)"),
    ],
)
def test_definition_questions_name_their_entry(question: str, term: str) -> None:
    entry = COURSE_GLOSSARY.asked_definition(question)
    assert entry is not None and entry.term["fr"] == term


@pytest.mark.parametrize(
    "question",
    [
        "c quoi la diff entre un faux positif et un faux négatif",  # a comparison, not one term
        "les LLM consomment beaucoup d'énergie ?",  # a term, but not asked what it is
        "c'est quoi la meilleure recette de crêpes",
        "what is the capital of Australia",
    ],
)
def test_other_questions_ask_no_definition(question: str) -> None:
    assert COURSE_GLOSSARY.asked_definition(question) is None


def test_every_entry_points_at_a_section() -> None:
    assert COURSE_GLOSSARY.entries and all(e.section for e in COURSE_GLOSSARY.entries)


def test_expansion_lets_bm25_find_the_passage_that_spells_the_term_out() -> None:
    index = LexicalIndex.build(
        "fr",
        ["llm", "other"],
        [
            "Les grands modèles de langage produisent du texte en prédisant le jeton suivant.",
            "Un filtre anti-spam trie les courriels indésirables.",
        ],
    )
    assert index.scores("c'est quoi un LLM").max() == 0  # the acronym is not in the passage
    scores = index.scores(COURSE_GLOSSARY.expand("c'est quoi un LLM"))
    assert scores[0] > scores[1]


GLOSSARY = """
- term: {fr: "biais d'automatisation (BA)", en: "automation bias (AB)"}
  definition:
    fr: "Tendance à croire la machine plus que ses propres yeux."
    en: "The pull to trust the machine over one's own eyes."
  module: l1-99-sample
  section: automation-bias
- term: {fr: "terme orphelin", en: "orphan term"}
  definition: {fr: "Un terme dont la section n'est pas dans le cours.", en: "A term whose section is not there."}
  module: l9-99-missing
  section: nowhere
"""


@pytest.fixture
def glossary_app(template: Template, tmp_path: Path, clock: FixedClock) -> App:
    folder = tmp_path / "knowledge" / "glossary"
    folder.mkdir(parents=True)
    (folder / "terms.yaml").write_text(GLOSSARY, encoding="utf-8")
    return app_from_template(template, tmp_path, clock)


async def test_a_definition_question_leads_with_the_glossary_and_cites_its_section(glossary_app: App) -> None:
    [reply] = await Harness(glossary_app).say("c'est quoi le BA ?")
    assert reply.kind == "answer"
    assert reply.text.startswith("Définition du glossaire du cours — biais d'automatisation (BA)")
    assert "«\u00a0Tendance à croire la machine plus que ses propres yeux.\u00a0» [1]" in reply.text
    assert (reply.citations[0].module_id, reply.citations[0].section_id) == ("l1-99-sample", "automation-bias")
    assert len(reply.citations) == len(set(reply.citations))


async def test_a_definition_whose_section_is_not_in_the_course_is_not_given(glossary_app: App) -> None:
    [reply] = await Harness(glossary_app).say("c'est quoi un terme orphelin ?")
    assert "Définition du glossaire" not in reply.text


def test_a_missing_glossary_folder_is_an_empty_glossary(tmp_path: Path) -> None:
    empty = Glossary.load(tmp_path / "none")
    assert empty.entries == [] and empty.expand("LLM") == "LLM" and empty.asked_definition("c'est quoi un LLM") is None
    assert Entry({"fr": "a (b)", "en": "c"}, {"fr": "", "en": ""}, "m").forms() == ["a", "b", "c"]
