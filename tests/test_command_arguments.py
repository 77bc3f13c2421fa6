"""Arguments learners type after /reminder and /timezone: odd ones get the usage, never a crash or a stored oddity."""

from __future__ import annotations

from zoneinfo import available_timezones

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entrypoints.bootstrap import App
from tests.conftest import Harness
from tutor.localtime import parse_hhmm, valid_zone
from tutor.messages import t


@pytest.mark.parametrize("arg", ["²:30", "8:³0", "pause ²", "pause ٣", "pause 99999999999999999999", "08:300"])
async def test_reminder_with_odd_digits_gets_the_usage(harness: Harness, arg: str) -> None:
    [reply] = await harness.say(f"/reminder {arg}")
    assert reply.kind == "error" and reply.text == t("reminder_usage", "fr")


ODD_ZONES = ["Europe", "localtime", "Factory", "posixrules", "x" * 300, "../../etc/passwd", "Europe/"]


@pytest.mark.parametrize("arg", ODD_ZONES)
async def test_timezone_accepts_only_real_zones(harness: Harness, app: App, arg: str) -> None:
    [reply] = await harness.say(f"/timezone {arg}")
    assert reply.kind == "error" and reply.text == t("timezone_usage", "fr")
    learner = app.learners.find("test", "alice")
    assert learner is not None and learner.timezone is None


async def test_timezone_in_any_case_is_stored_canonical(harness: Harness, app: App) -> None:
    [reply] = await harness.say("/timezone europe/paris")
    assert reply.kind != "error"
    learner = app.learners.find("test", "alice")
    assert learner is not None and learner.timezone == "Europe/Paris"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_the_parsers_never_raise(text: str) -> None:
    zone = valid_zone(text)
    assert zone is None or (zone in available_timezones() and zone.lower() == text.strip().lower())
    when = parse_hhmm(text)
    assert when is None or (0 <= when.hour < 24 and 0 <= when.minute < 60)
