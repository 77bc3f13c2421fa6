"""Near but not covered: a question naming a law, a country, an act, a product or a tool the course does not cover
gets a reply that says so and names what the course covers nearby, instead of an answer."""

from __future__ import annotations

import pytest

from entrypoints.bootstrap import App
from tests.conftest import Harness
from tutor.answering.coverage import Coverage, Vocabulary

COURSE = [
    "L'AI Act est le règlement européen sur l'intelligence artificielle. En France, la CNIL veille au RGPD.",
    "The AI Act is the EU regulation on artificial intelligence; the GDPR protects personal data in Europe.",
    "Un modèle de langage compte un nombre gigantesque de paramètres ; GPT-4 et ChatGPT en sont des exemples.",
    "La fenêtre de contexte se mesure en jetons. Le code généré par un assistant passe en revue de code.",
    "Aux États-Unis, à New York, un tribunal a sanctionné des avocats. Une image générée pose la question de l'auteur.",
    "On règle un rappel quotidien à l'heure choisie. Le tri des CV est un usage à haut risque.",
    "L'IA est partout. Le règlement s'applique par étapes ; un usage peut être légal ou interdit, et on en fait le "
    "résumé quand on veut.",
]
COVERAGE = Coverage(Vocabulary.of(COURSE, ["LLM", "RGPD"]))


@pytest.mark.parametrize(
    ("question", "named", "kind"),
    [
        ("la loi sur l'ia du colorado elle impose quoi ?", "colorado", "law"),
        ("What are the fines under the Digital Services Act?", "digital services act", "law"),
        ("le data act s'applique quand ?", "data act", "law"),
        ("la directive NIS2 oblige quoi", "nis2", "law"),
        ("en chine c quoi les regles pour l'ia generative ?", "chine", "place"),
        ("le DSA impose quoi aux réseaux sociaux ?", "dsa", "acronym"),
        ("quelle est la taille de la fenêtre de contexte de gpt-4o ?", "4o", "product"),
        ("combien de paramètres a mistral large ?", "mistral", "product"),
        ("combien de paramètres a GPT-5 ?", "gpt-5", "product"),  # the course knows GPT-4, not GPT-5
        ("comment coder un réseau de neurones avec pytorch", "pytorch", "tool"),
        ("comment faire un train_test_split en python", "train_test_split", "tool"),
    ],
)
def test_what_the_course_does_not_cover_is_named(question: str, named: str, kind: str) -> None:
    mentions = COVERAGE.not_covered(question)
    assert any(named in m.text.lower() and m.kind == kind for m in mentions), mentions


@pytest.mark.parametrize(
    "question",
    [
        "c'est quoi l'AI Act en résumé ?",
        "what does the EU AI act say about high risk?",
        "la loi européenne sur l'IA s'applique quand ?",
        "à qui appartient une image faite avec midjourney ?",  # an unknown product as context, not as the subject
        "combien de paramètres a GPT-4 ?",  # the course knows GPT-4
        "comment je règle un rappel tous les soirs à 19h",
        "le tri de CV par l'IA est-il légal ?",
        "la loi de New York sur les avocats",  # the course mentions New York
    ],
)
def test_what_the_course_covers_is_not_flagged(question: str) -> None:
    assert COVERAGE.not_covered(question) == []


def test_the_vocabulary_is_the_courses_own() -> None:
    vocabulary = Vocabulary.of(COURSE)
    assert ("ai", "act") in vocabulary.acts
    assert ("france",) in vocabulary.places and ("etats", "unis") in vocabulary.places
    assert ("chine",) not in vocabulary.places
    assert {"cnil", "rgpd", "gdpr"} <= vocabulary.names and "gigantesque" not in vocabulary.names
    assert vocabulary.knows("parametres") and vocabulary.knows("parametre") and vocabulary.knows("gigantesqe")
    assert not vocabulary.knows("pytorch")
    # a course that cites the Colorado law covers it
    assert (
        Coverage(Vocabulary.of([*COURSE, "La loi du Colorado encadre l'IA."])).not_covered(
            "la loi sur l'ia du colorado elle impose quoi ?"
        )
        == []
    )


async def test_the_tutor_says_what_it_does_not_cover_and_what_it_covers_nearby(app: App) -> None:
    question = "Que dit la loi du Colorado sur le biais d'automatisation d'une machine ?"
    [reply] = await Harness(app).say(question)
    assert reply.kind == "abstention"
    assert reply.text.startswith("Le cours ne traite pas de «\u00a0loi du Colorado\u00a0».")
    assert "Ce qu'il traite de plus proche : Le biais d'automatisation (Module d'essai : les biais) [1]" in reply.text
    assert [(c.module_id, c.section_id) for c in reply.citations] == [("l1-99-sample", "automation-bias")]
    assert "J'ai noté votre question" in reply.text
    [kept] = app.learners.unanswered()
    assert kept.text == question


async def test_far_from_the_course_it_names_the_thing_without_a_nearby_citation(app: App) -> None:
    [reply] = await Harness(app).say("Comment installer kubernetes avec helm sur mon serveur ?")
    assert reply.kind == "abstention" and reply.citations == ()
    assert reply.text.startswith("Le cours ne traite pas de «\u00a0kubernetes\u00a0» et «\u00a0helm\u00a0».")


async def test_an_english_question_gets_the_reply_in_english(app: App) -> None:
    [reply] = await Harness(app).say("What does the Digital Services Act say about automation bias?")
    assert reply.text.startswith("The course does not cover “Digital Services Act”.")
