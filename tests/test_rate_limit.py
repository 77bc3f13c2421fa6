"""A learner writing too fast: one polite notice in their language, then silence, then normal service again."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Harness, Template, app_from_template
from tests.fakes import FixedClock
from tutor.messages import t


async def test_past_the_limit_one_notice_then_silence_then_service(
    template: Template, tmp_path: Path, clock: FixedClock
) -> None:
    app = app_from_template(template, tmp_path, clock, overrides={"messages_per_minute": 5})
    try:
        alice, bob = Harness(app, "alice", locale="en"), Harness(app, "bob")
        for _ in range(5):
            assert await alice.say("/help")
        [notice] = await alice.say("/help")
        assert notice.text == t("slow_down", "en", limit=5)
        assert await alice.say("/help") == []  # not a flood of notices
        assert await bob.say("/help")  # other learners are not slowed down
        clock.advance(seconds=61)
        [reply] = await alice.say("/help")
        assert reply.text.startswith(t("help", "en", commands="")[:20])
    finally:
        app.engine.dispose()


async def test_privacy_says_what_is_kept_and_for_how_long(harness: Harness) -> None:
    [reply] = await harness.say("/privacy")
    assert "365" in reply.text and "/export" in reply.text and "/delete" in reply.text and "IA" in reply.text
