"""Property-based: whatever a learner sends (text, commands with any argument, buttons random, truncated, tampered,
another learner's, replayed or stale), the core never fails, always answers in the learner's language when it
answers, and the store stays consistent."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from entrypoints.bootstrap import App
from tests.conftest import Template, app_from_template
from tests.fakes import FixedClock
from tutor.commands import COMMANDS
from tutor.domain import Incoming, Reply
from tutor.messages import MESSAGES, t
from tutor.store.models import AskedQuestion, ReviewLog

KNOWLEDGE = Path(__file__).parent.parent / "knowledge"
ODD_ARGS = ["fr", "en", "2", "99", "all", "l1-s01", "²", "pause ²", "8:30"]
ARGS = st.one_of(st.text(max_size=60), st.sampled_from(ODD_ARGS))
COMMAND = st.builds(lambda c, a: f"/{c} {a}", st.sampled_from([c.name for c in COMMANDS] + ["nope"]), ARGS)
Action = tuple[str, str, str]  # kind (say or press), learner, payload


def _actions(buttons: list[str]) -> st.SearchStrategy[Action]:
    learner = st.sampled_from(["ana", "ben"])
    said = st.one_of(st.text(max_size=120), COMMAND, st.sampled_from(["A", "2", "oui", "supervisé", "?"]))
    pressed = st.one_of(
        st.sampled_from(buttons) if buttons else st.just("q:x:0"),
        st.sampled_from(buttons).map(lambda b: b[: len(b) // 2]) if buttons else st.just("sc"),
        st.sampled_from(buttons).map(lambda b: b + "9") if buttons else st.just("lab:x"),
        st.text(max_size=60),
    )
    return st.one_of(st.tuples(st.just("say"), learner, said), st.tuples(st.just("press"), learner, pressed))


KNOWN_TEXTS = {lang: {v[lang].split("{")[0][:25] for v in MESSAGES.values()} for lang in ("fr", "en")}


async def _run(app: App, script: list[Action], seen: list[str]) -> None:
    for kind, who, payload in script:
        locale = "en" if who == "ben" else "fr"
        if kind == "say":
            incoming = Incoming("test", who, f"chat-{who}", text=payload, locale=locale)
        else:
            incoming = Incoming("test", who, f"chat-{who}", button=payload, locale=locale)
        replies = await app.assistant.handle(incoming)
        _check(replies, locale)
        seen += [b.data for r in replies for b in r.buttons]


def _check(replies: list[Reply], lang: str) -> None:
    for reply in replies:
        assert reply.text != t("internal_error", lang), "the core failed on this input"
        other = "en" if lang == "fr" else "fr"
        if reply.kind == "error":  # the bot's own sentences are in the learner's language, never the other one
            assert any(reply.text.startswith(p) for p in KNOWN_TEXTS[lang] if p) or not any(
                reply.text.startswith(p) for p in KNOWN_TEXTS[other] - KNOWN_TEXTS[lang] if len(p) > 12
            )


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_sequence_of_actions(template: Template, tmp_path_factory, data) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("prop")
    app = app_from_template(template, tmp, FixedClock(), overrides={"knowledge_dir": KNOWLEDGE})
    try:
        seen: list[str] = []
        opening = [("say", "ana", "/quiz"), ("say", "ben", "/scenario l1-s01"), ("say", "ana", "/lab")]
        asyncio.run(_run(app, opening, seen))
        script = data.draw(st.lists(_actions(seen), min_size=1, max_size=12))
        asyncio.run(_run(app, script, seen))
        with app.sessions() as s:  # one review at most per asked question, none without its question
            reviews = s.scalar(select(func.count(ReviewLog.id))) or 0
            answered = s.scalar(select(func.count(AskedQuestion.token)).where(AskedQuestion.answered_at.is_not(None)))
            assert reviews == answered
    finally:
        app.engine.dispose()
