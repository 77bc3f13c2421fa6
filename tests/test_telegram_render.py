"""Rendering replies for Telegram: HTML escaping, sources, 4096-character parts, signed keyboards, quiz polls."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from adapters.telegram.app import webhook_options
from adapters.telegram.commands import bot_commands
from adapters.telegram.render import QuizMessage, TextMessage, explanation, render, visible_length
from adapters.telegram.settings import TelegramSettings
from adapters.telegram.signing import MAX_CALLBACK_BYTES, CallbackSigner
from tutor.commands import COMMANDS
from tutor.domain import Button, Citation, QuizPoll, Reply

SIGNER = CallbackSigner(b"render-test-secret")
USER = 111111111


def visible(part: TextMessage) -> str:
    return html.unescape(re.sub(r"</?b>", "", part.html))


def texts(reply: Reply) -> list[TextMessage]:
    parts = render(reply, SIGNER, USER)
    assert all(isinstance(p, TextMessage) for p in parts)
    return [p for p in parts if isinstance(p, TextMessage)]


def test_text_is_escaped_and_sources_are_listed() -> None:
    citation = Citation("l1-99", "Module d'essai", "automation-bias", "Le biais <d'automatisation>", "fr/l1.md")
    (part,) = texts(Reply("Si a < b & b > c, alors <b>rien</b>.", citations=(citation,)))
    assert part.html == (
        "Si a &lt; b &amp; b &gt; c, alors &lt;b&gt;rien&lt;/b&gt;.\n\n"
        "<b>Sources</b>\n[1] Module d'essai — Le biais &lt;d'automatisation&gt; (fr/l1.md)"
    )
    assert part.keyboard is None


def test_long_reply_is_split_on_paragraph_boundaries_with_buttons_on_the_last_part() -> None:
    paragraphs = [f"Paragraphe {n}. " + "x" * 980 for n in range(10)]  # 10 x ~995 characters
    reply = Reply("\n\n".join(paragraphs), buttons=(Button("Suite", "quiz:next"),))
    parts = texts(reply)
    assert len(parts) == 3
    assert all(visible_length(visible(p)) <= 4096 for p in parts)
    assert "\n\n".join(visible(p) for p in parts) == reply.text  # nothing lost, cuts only between paragraphs
    assert [p.keyboard is not None for p in parts] == [False, False, True]


def test_a_paragraph_too_long_is_split_on_lines_then_words_then_anywhere() -> None:
    lines = "\n".join(f"ligne {n} " + "y" * 1490 for n in range(4))  # one paragraph of ~6000 characters
    words = " ".join(["mot"] * 2000)  # one line of 7999 characters
    blob = "z" * 9000  # no space at all
    for text, expected_parts in ((lines, 2), (words, 2), (blob, 3)):
        parts = texts(Reply(text))
        assert len(parts) == expected_parts
        assert all(visible_length(visible(p)) <= 4096 for p in parts)
        assert "".join(visible(p) for p in parts).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(
            " ", ""
        )


def test_length_counts_utf16_units_and_escaping_does_not_count() -> None:
    emoji = "🙂" * 3000  # 6000 UTF-16 units
    assert [visible_length(visible(p)) for p in texts(Reply(emoji))] == [4096, 1904]
    ampersands = "&" * 4000  # 20000 characters of HTML, 4000 visible
    assert len(texts(Reply(ampersands))) == 1


def test_buttons_are_signed_for_the_learner_and_fit_in_64_bytes() -> None:
    buttons = (Button("Français", "lang:fr"), Button("English", "lang:en"), Button("Niveau 1", "level:1"))
    (part,) = texts(Reply("Bienvenue", buttons=buttons))
    assert part.keyboard is not None
    rows = part.keyboard.inline_keyboard
    assert [[b.text for b in row] for row in rows] == [["Français", "English"], ["Niveau 1"]]
    data = [str(b.callback_data) for row in rows for b in row]
    assert [SIGNER.verify(USER, d) for d in data] == ["lang:fr", "lang:en", "level:1"]
    assert SIGNER.verify(USER + 1, data[0]) is None
    longest = SIGNER.sign(USER, "q:" + "t" * 46)  # the core's longest data: 48 ASCII bytes
    assert len(longest.encode()) <= MAX_CALLBACK_BYTES


def test_a_button_whose_data_cannot_fit_is_dropped_not_sent() -> None:
    (part,) = texts(Reply("?", buttons=(Button("ok", "ok"), Button("too long", "d" * 60))))
    assert part.keyboard is not None
    assert [b.text for row in part.keyboard.inline_keyboard for b in row] == ["ok"]


def test_signing_key_comes_from_the_secret_or_is_derived_from_the_token() -> None:
    from_secret = CallbackSigner.from_settings("s3cret", "123:token")
    from_token = CallbackSigner.from_settings(None, "123:token")
    other_token = CallbackSigner.from_settings(None, "456:token")
    signed = from_token.sign(USER, "lang:en")
    assert from_token.verify(USER, signed) == "lang:en"
    assert other_token.verify(USER, signed) is None
    assert from_secret.verify(USER, signed) is None
    assert "123:token" not in signed
    with pytest.raises(ValueError):
        CallbackSigner.from_settings(None, None)


POLL = QuizPoll("Qu'est-ce que le biais d'automatisation ?", ("A", "B", "C"), 1, "Voir le passage du cours.", "tok-1")


def test_poll_replaces_text_and_buttons_only_in_poll_mode() -> None:
    reply = Reply("Question 1/3\n\nA) …", buttons=(Button("A", "q:tok-1:0"),), poll=POLL)
    (in_poll_mode,) = render(reply, SIGNER, USER, "poll")
    assert in_poll_mode == QuizMessage(POLL.question, POLL.options, 1, POLL.explanation, "tok-1")
    (in_buttons_mode,) = render(reply, SIGNER, USER, "buttons")
    assert isinstance(in_buttons_mode, TextMessage) and in_buttons_mode.keyboard is not None


def test_a_question_a_poll_cannot_show_falls_back_to_buttons() -> None:
    too_long_option = QuizPoll("Question ?", ("court", "o" * 101), 0, "", "tok-2")
    reply = Reply("Question ?", buttons=(Button("A", "q:tok-2:0"),), poll=too_long_option)
    (part,) = render(reply, SIGNER, USER, "poll")
    assert isinstance(part, TextMessage)


def test_quiz_explanation_fits_200_characters_and_2_line_feeds() -> None:
    short = explanation("a\nb\nc\nd\ne")
    assert short.count("\n") == 2 and short.startswith("a\nb\nc")
    long = explanation("mot " * 100)
    assert len(long) <= 200 and long.endswith("…")
    assert explanation("Voir le cours.") == "Voir le cours."


def test_command_menu_in_both_languages_from_the_core() -> None:
    fr, en = bot_commands("fr"), bot_commands("en")
    assert [c.command for c in fr] == [c.name for c in COMMANDS] == [c.command for c in en]
    assert fr[0].description != en[0].description


def test_webhook_mode_needs_a_secret(tmp_path: Path) -> None:
    assert webhook_options(TelegramSettings(_env_file=None)) is None
    with pytest.raises(ValueError, match="SECRET"):
        webhook_options(TelegramSettings(_env_file=None, webhook_url="https://bot.example.org/tg"))
    options = webhook_options(
        TelegramSettings(_env_file=None, webhook_url="https://bot.example.org/tg/hook", webhook_secret="s")
    )
    assert options is not None
    assert (options["url_path"], options["secret_token"], options["port"]) == ("tg/hook", "s", 8443)
    assert "callback_query" in options["allowed_updates"] and "poll_answer" in options["allowed_updates"]
