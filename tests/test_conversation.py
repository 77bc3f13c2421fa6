"""The conversation harness over the real core, on fakes."""

from __future__ import annotations

from entrypoints.bootstrap import App
from tests.conftest import Harness
from tutor.domain import Incoming
from tutor.messages import t


async def test_start_offers_language_and_level(harness: Harness) -> None:
    [reply] = await harness.say("/start")
    assert "bienvenue" in reply.text.lower()
    assert {b.data for b in reply.buttons} >= {"lang:fr", "lang:en", "level:1", "level:2", "level:3"}


async def test_french_question_gets_cited_extractive_answer(harness: Harness) -> None:
    [reply] = await harness.say("C'est quoi le biais d'automatisation ?")
    assert reply.kind == "answer"
    assert reply.text.startswith("D'après le cours")
    assert "[1]" in reply.text
    assert reply.citations[0].module_id == "l1-99-sample"
    assert reply.citations[0].section_id == "automation-bias"
    assert "fr/l1-99-sample.md#automation-bias" in reply.citations[0].source
    # extractive: selected sentences, not the whole chunk
    assert "Pour s'en protéger" not in reply.text or "radiologues" not in reply.text


async def test_language_switch_answers_in_english(harness: Harness) -> None:
    [switched] = await harness.say("/lang en")
    assert "English" in switched.text
    [reply] = await harness.say("What is supervised learning?")
    assert reply.text.startswith("According to the course")
    assert reply.citations[0].source.startswith("tests/fixtures/course/en/") or "/en/" in reply.citations[0].source


async def test_buttons_set_language_and_level(harness: Harness, app: App) -> None:
    await harness.press("lang:en")
    [reply] = await harness.press("level:3")
    assert "level 3" in reply.text.lower()
    learner = app.assistant.learners.find("test", "alice")
    assert learner is not None and learner.lang == "en" and learner.level == 3


async def test_off_topic_question_abstains_and_is_recorded(harness: Harness, app: App) -> None:
    [reply] = await harness.say("Quelle est la recette de la tarte tatin ?")
    assert reply.kind == "abstention"
    assert "ne trouve pas" in reply.text
    assert not reply.citations
    assert [q.text for q in app.assistant.learners.unanswered()] == ["Quelle est la recette de la tarte tatin ?"]


async def test_help_lists_commands(harness: Harness) -> None:
    [reply] = await harness.say("/help")
    for command in ("/start", "/lang", "/level", "/export", "/delete"):
        assert command in reply.text


async def test_usage_errors_are_short_and_in_learner_language(harness: Harness) -> None:
    assert "Utilisation" in (await harness.say("/lang de"))[0].text
    assert "Utilisation" in (await harness.say("/level 7"))[0].text
    await harness.say("/lang en")
    assert "Usage" in (await harness.say("/level"))[0].text


async def test_export_then_delete_removes_everything(harness: Harness, app: App) -> None:
    await harness.say("C'est quoi le biais d'automatisation ?")
    [export] = await harness.say("/export")
    assert "biais d'automatisation" in export.text
    [confirm] = await harness.say("/delete")
    yes = next(b.data for b in confirm.buttons if b.data.startswith("delete:yes:"))
    assert {b.data for b in confirm.buttons} == {yes, "delete:no"}
    await harness.press("delete:no")
    assert app.assistant.learners.find("test", "alice") is not None
    [stale] = await harness.press(yes)  # cancelled: that button no longer erases anything
    assert stale.kind == "error" and app.assistant.learners.find("test", "alice") is not None
    [confirm] = await harness.say("/delete")
    [done] = await harness.press(next(b.data for b in confirm.buttons if b.data.startswith("delete:yes:")))
    assert "effacé" in done.text
    assert app.assistant.learners.find("test", "alice") is None


async def test_locale_sets_first_language(app: App) -> None:
    english = Harness(app, learner="bob", locale="en-GB")
    [reply] = await english.say("/start")
    assert "welcome" in reply.text.lower()


def test_sentence_split_keeps_article_numbers_and_abbreviations() -> None:
    from tutor.answering.extractive import split_sentences

    text = (
        "Une AIPD est exigée (RGPD, art. 35) pour les traitements à risque. Elle se documente.\n\n"
        "- Dell'Acqua et al. 2023 ont mesuré la frontière. Le gain dépend de la tâche considérée ici.\n"
        "- Voir Art. 14 du règlement sur la supervision humaine des systèmes."
    )
    assert split_sentences(text) == [
        "Une AIPD est exigée (RGPD, art. 35) pour les traitements à risque.",
        "Dell'Acqua et al. 2023 ont mesuré la frontière.",
        "Le gain dépend de la tâche considérée ici.",
        "Voir Art. 14 du règlement sur la supervision humaine des systèmes.",
    ]


async def test_in_a_group_answers_stay_public_and_personal_replies_go_private(app: App) -> None:
    def said(text: str, chat: str) -> Incoming:
        return Incoming("test", "gaby", chat, text=text, locale="fr", group=chat == "group-9")

    await app.assistant.handle(said("/start", "private-gaby"))
    answer = await app.assistant.handle(said("c'est quoi le biais d'automatisation ?", "group-9"))
    assert [r.private for r in answer] == [False] and answer[0].kind == "answer"

    notice, *personal = await app.assistant.handle(said("/quiz", "group-9"))
    assert notice.text == t("sent_in_private", "fr") and not notice.private
    assert personal and all(r.private for r in personal)
    learner = app.assistant.learners.find("test", "gaby")
    assert learner is not None and learner.chat_id == "private-gaby"  # reminders never go to the group
