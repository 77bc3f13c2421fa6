"""Bad input gets a clear, short reply in the learner's language; nothing stored is lost or altered."""

from __future__ import annotations

import pytest

from entrypoints.bootstrap import App
from tests.conftest import Harness

BAD_INPUTS = {
    "empty": ("", "vide"),
    "whitespace": ("   \n\t  ", "vide"),
    "huge": ("a" * 100_000, "trop long"),
    "emoji": ("🤖🔥👍", "pas de question"),
    "control": ("\x00\x07\x1b[31m\x08", "vide"),
    "unknown command": ("/frobnicate now", "ne connais pas la commande /frobnicate"),
    "slash only": ("/", "ne connais pas la commande"),
}


def _snapshot(app: App) -> list[tuple[str, str]]:
    learner = app.assistant.learners.find("test", "alice")
    assert learner is not None
    return [(e.role, e.text) for e in app.assistant.learners.transcript(learner.id)]


@pytest.mark.parametrize("name", list(BAD_INPUTS))
async def test_bad_input_gets_short_reply_and_alters_nothing(harness: Harness, app: App, name: str) -> None:
    await harness.say("C'est quoi le biais d'automatisation ?")
    before = _snapshot(app)
    text, expected = BAD_INPUTS[name]
    replies = await harness.say(text)
    assert len(replies) == 1
    assert expected in replies[0].text
    assert len(replies[0].text) < 200
    assert _snapshot(app) == before


async def test_bad_input_in_english(harness: Harness) -> None:
    await harness.say("/lang en")
    assert "empty" in (await harness.say(" "))[0].text
    assert "too long" in (await harness.say("x" * 5000))[0].text


async def test_control_characters_inside_a_question_are_dropped(harness: Harness) -> None:
    [reply] = await harness.say("C'est quoi le biais\x00 d'automatisation\x1b ?")
    assert reply.kind == "answer"


async def test_mixed_languages_still_answer(harness: Harness) -> None:
    replies = await harness.say("biais d'automatisation, what is it exactly ?")
    assert replies[0].kind == "answer"
    assert replies[0].text.startswith(("D'après le cours", "According to the course"))  # the language it reads as


async def test_stale_button_gets_clear_reply(harness: Harness) -> None:
    [reply] = await harness.press("quiz:deadbeef")
    assert "plus valable" in reply.text
