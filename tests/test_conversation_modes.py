"""Conversation modes: routing by the active mode, questions during a quiz, /cancel, the mode kept across restarts,
and one unit of work per message."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from entrypoints.bootstrap import App, build
from tests.conftest import Harness
from tests.fakes import FakeEmbedder
from tutor.buttons import MAX_BUTTON_BYTES, Explain, QuizOption, SetLevel, decode, encode
from tutor.commands import COMMANDS
from tutor.domain import Reply
from tutor.messages import t


def _button(reply: Reply, prefix: str) -> str:
    return next(b.data for b in reply.buttons if b.data.startswith(prefix))


async def _open_short_answer(harness: Harness) -> Reply:
    """The fixture bank asks a multiple-choice item first, then a short-answer one."""
    [q1] = await harness.say("/quiz")
    [a1] = await harness.press(_button(q1, "q:"))
    [q2] = await harness.press(_button(a1, "quiz:next"))
    assert "Tapez votre réponse" in q2.text
    return q2


def _mode(app: App) -> str:
    learner = app.learners.find("test", "alice")
    assert learner is not None
    return app.learners.mode(learner.id).mode


async def test_a_question_during_a_quiz_is_answered_and_the_quiz_question_stays_open(
    harness: Harness, app: App
) -> None:
    await _open_short_answer(harness)
    answer, hint = await harness.say("C'est quoi le biais d'automatisation ?")
    assert answer.kind == "answer" and answer.citations[0].section_id == "automation-bias"
    assert hint.text == t("quiz_still_open", "fr")
    assert _mode(app) == "quiz"

    [graded] = await harness.say("apprentissage supervisé")  # the open question is graded now
    assert graded.text.startswith("✅")
    learner = app.learners.find("test", "alice")
    assert learner is not None and app.assistant.quiz.open_question(learner) is None


async def test_a_long_sentence_during_a_quiz_is_a_question_not_a_wrong_answer(harness: Harness, app: App) -> None:
    await _open_short_answer(harness)
    replies = await harness.say(
        "je voudrais comprendre ce que le cours dit du biais d'automatisation chez les radiologues et les pilotes"
    )
    assert replies[0].kind in ("answer", "abstention")
    assert not any(r.text.startswith(("✅", "❌")) for r in replies)
    [graded] = await harness.say("supervisé")
    assert graded.text.startswith("✅")


async def test_cancel_leaves_the_quiz(harness: Harness, app: App) -> None:
    await _open_short_answer(harness)
    [stopped] = await harness.say("/cancel")
    assert stopped.text == t("quiz_stopped", "fr") and _mode(app) == "ask"
    [reply] = await harness.say("supervisé")  # no longer graded: a question for the course
    assert reply.kind in ("answer", "abstention")
    [nothing] = await harness.say("/cancel")
    assert nothing.text == t("nothing_to_cancel", "fr")


async def test_the_stop_button_leaves_the_quiz(harness: Harness, app: App) -> None:
    [q1] = await harness.say("/quiz")
    [stopped] = await harness.press(_button(q1, "cancel"))
    assert stopped.text == t("quiz_stopped", "fr") and _mode(app) == "ask"
    [stale] = await harness.press(_button(q1, "q:"))  # an option of the stopped run records nothing
    assert stale.kind == "error"


async def test_a_letter_answers_a_multiple_choice_question_and_other_text_is_a_question(harness: Harness) -> None:
    await harness.say("/quiz")
    answer, hint = await harness.say("qu'est-ce que l'apprentissage supervisé ?")
    assert answer.kind in ("answer", "abstention") and hint.text == t("quiz_still_open", "fr")
    [graded] = await harness.say("b")
    assert graded.text.startswith("✅")


async def test_the_mode_survives_a_restart(harness: Harness, app: App, tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    await _open_short_answer(harness)
    again = build(app.settings, embedder=FakeEmbedder(), clock=clock)  # a new process on the same store
    try:
        [graded] = await Harness(again).say("supervisé")
        assert graded.text.startswith("✅")
    finally:
        again.engine.dispose()


async def test_a_failing_message_changes_nothing(harness: Harness, app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    await harness.say("/start")
    learner = app.learners.find("test", "alice")
    assert learner is not None
    before = app.learners.transcript(learner.id)

    def broken(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(app.learners, "set_mode", broken)
    [error] = await harness.say("/quiz")  # asks a question (writes), then fails to keep the mode
    assert error.text == t("internal_error", "fr")
    monkeypatch.undo()
    assert app.learners.transcript(learner.id) == before
    assert _mode(app) == "ask" and app.assistant.quiz.open_question(learner) is None  # the asked question rolled back


async def test_every_command_has_one_handler_and_is_in_help(harness: Harness, app: App) -> None:
    assert set(app.assistant.commands) == {c.name for c in COMMANDS}
    [help_reply] = await harness.say("/help")
    assert all(f"/{c.name}" in help_reply.text for c in COMMANDS)


async def test_unknown_and_forged_buttons_are_refused(harness: Harness) -> None:
    for data in ("nope", "level:9999999", "q:only-token", "ask:l1-99-q01"):  # ask: before the item was answered
        [reply] = await harness.press(data)
        assert reply.kind == "error", data


@given(
    token=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=12),
    option=st.integers(min_value=0, max_value=4),
)
def test_quiz_option_payloads_round_trip_within_the_limit(token: str, option: int) -> None:
    data = encode(QuizOption(token, option))
    assert len(data.encode()) <= MAX_BUTTON_BYTES and decode(data) == QuizOption(token, option)


@given(st.text(max_size=60))
def test_decoding_never_raises(data: str) -> None:
    decode(data)


def test_payloads_that_cannot_be_encoded_are_refused() -> None:
    with pytest.raises(ValueError):
        encode(Explain("x" * 60))
    with pytest.raises(ValueError):
        encode(Explain("a:b"))
    assert decode(encode(SetLevel(2))) == SetLevel(2)


async def test_export_holds_every_table_about_the_learner(harness: Harness, app: App) -> None:
    import json

    from tutor.store.export import learner_tables

    await harness.say("C'est quoi le biais d'automatisation ?")
    await harness.say("Quelle est la recette de la tarte tatin ?")  # unanswered, kept for the teaching team
    await harness.say("/reminder 18:00")
    [q1] = await harness.say("/quiz")
    await harness.press(_button(q1, "q:"))
    [export] = await harness.say("/export")
    data = json.loads(export.text.split("\n", 1)[1])
    assert set(data) == {"profile"} | {t.name for t in learner_tables()}
    assert data["profile"]["chat_id"] == "chat-1" and data["profile"]["reminder_time"] == "18:00"
    assert data["unanswered_questions"][0]["text"] == "Quelle est la recette de la tarte tatin ?"
    answer = next(turn for turn in data["conversation_log"] if turn["kind"] == "answer")
    assert answer["citations"][0]["section_id"] == "automation-bias"
    assert data["review_logs"][0]["rating"] in (1, 3) and data["cards"][0]["item_id"] == "l1-99-q01"
    assert data["asked_questions"] and data["quiz_sessions"] and data["conversation_states"][0]["mode"] == "quiz"


async def test_an_old_delete_button_erases_nothing(harness: Harness, app: App, clock) -> None:  # type: ignore[no-untyped-def]
    def yes(reply: Reply) -> str:
        return next(b.data for b in reply.buttons if b.data.startswith("delete:yes:"))

    [first] = await harness.say("/delete")
    [second] = await harness.say("/delete")
    await harness.press("delete:no")  # cancels the second
    [refused] = await harness.press(yes(first))
    assert refused.text == t("delete_stale", "fr") and app.learners.find("test", "alice") is not None
    [third] = await harness.say("/delete")
    [refused] = await harness.press(yes(second))  # superseded by the third
    assert refused.kind == "error" and app.learners.find("test", "alice") is not None
    clock.advance(minutes=11)
    [expired] = await harness.press(yes(third))
    assert expired.kind == "error" and app.learners.find("test", "alice") is not None
    [fourth] = await harness.say("/delete")
    [done] = await harness.press(yes(fourth))
    assert done.text == t("delete_done", "fr") and app.learners.find("test", "alice") is None


async def test_a_mode_this_version_does_not_know_falls_back_to_questions(harness: Harness, app: App, clock) -> None:  # type: ignore[no-untyped-def]
    from tutor.domain import ModeState

    await harness.say("/start")
    learner = app.learners.find("test", "alice")
    assert learner is not None
    app.learners.set_mode(learner.id, ModeState("lab-v9", {"x": 1}), clock.now())
    [reply] = await harness.say("C'est quoi le biais d'automatisation ?")
    assert reply.kind == "answer"
