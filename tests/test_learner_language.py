"""The learner's language: a question clearly in French or English is answered in that language, from that
language's passages, and the switch (/lang) is offered once."""

from __future__ import annotations

from entrypoints.bootstrap import App
from tests.conftest import Harness
from tests.fakes import FakeEmbedder
from tutor.answering.answerer import Answerer
from tutor.modes.ask import LANG_OFFERED
from tutor.retrieval.hybrid import Filters


async def test_an_english_question_with_french_set_is_answered_in_english_with_one_offer(app: App) -> None:
    harness = Harness(app, locale="fr")
    [reply] = await harness.say("Why do people follow the suggestion of a machine even when it is wrong?")
    assert reply.kind == "answer"
    assert reply.text.startswith("According to the course:")
    assert reply.citations and all("/en/" in c.source for c in reply.citations)
    offered = "You wrote in English, so I answered in English. To get every answer in English: /lang en"
    assert reply.text.endswith(offered)
    [offer] = [b for b in reply.buttons if b.data == "lang:en"]
    assert offer.label == "Always in English"

    learner = app.learners.find("test", "alice")
    assert learner is not None and learner.lang == "fr"  # nothing changes until the learner says so
    assert app.learners.mode(learner.id).data[LANG_OFFERED] is True

    [again] = await harness.say("How does a model learn from labelled examples?")
    assert again.text.startswith("According to the course:")
    assert "You wrote in English" not in again.text and all(b.data != "lang:en" for b in again.buttons)

    await harness.press(offer.data)
    switched = app.learners.find("test", "alice")
    assert switched is not None and switched.lang == "en"


async def test_a_french_question_with_english_set_is_answered_in_french(app: App) -> None:
    [reply] = await Harness(app, learner="bob", locale="en").say("C'est quoi l'apprentissage supervisé ?")
    assert reply.text.startswith("D'après le cours :")
    assert all("/fr/" in c.source for c in reply.citations)
    assert "Vous avez écrit en français" in reply.text
    assert any(b.data == "lang:fr" for b in reply.buttons)


async def test_an_english_abstention_is_in_english(app: App) -> None:
    [reply] = await Harness(app, learner="carol", locale="fr").say("How do I bake a sourdough bread at home?")
    assert reply.kind == "abstention"
    assert reply.text.startswith("I can't find the answer") and "You wrote in English" in reply.text


async def test_a_question_in_no_clear_language_stays_in_the_learners(app: App) -> None:
    [reply] = await Harness(app, learner="dan", locale="fr").say("biais d'automatisation ?")
    assert reply.text.startswith("D'après le cours :") or reply.kind == "abstention"
    assert "You wrote" not in reply.text and "Vous avez écrit" not in reply.text


async def test_the_same_language_gets_no_offer(app: App) -> None:
    [reply] = await Harness(app, learner="erin", locale="fr").say("Pourquoi suit-on la suggestion d'une machine ?")
    assert "Vous avez écrit" not in reply.text and all(not b.data.startswith("lang:") for b in reply.buttons)


def test_only_a_clear_french_or_english_question_moves_the_search(app: App) -> None:
    following = app.assistant.answerer
    assert following.search_filters(Filters("fr", cohort="c1"), "en") == Filters("en", cohort="c1")
    assert following.search_filters(Filters("fr"), None) == Filters("fr")
    assert following.search_filters(Filters("fr"), "de") == Filters("fr")
    keeping = Answerer(app.retriever, FakeEmbedder(), 0.18)  # built without following: the learner's language
    assert keeping.search_filters(Filters("fr"), "en") == Filters("fr")
