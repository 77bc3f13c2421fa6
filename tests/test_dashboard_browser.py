"""End to end in a real headless browser: Debian's Chromium driven by Playwright (the system executable, never a
downloaded browser). `serve` runs a learner's platform (a fake with an in-memory Outbox) and the dashboard on the
real core; a tutor signs in, opens the queue, opens the flag a learner raised in the conversation harness, replies
and resolves; the reply reaches the learner's platform through the durable outbox. Screenshots of the queue, the
flag and the analytics page are saved in tests/artifacts/."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from adapters.dashboard.app import create_app
from adapters.dashboard.passwords import Argon2Hasher
from adapters.dashboard.service import DashboardService
from adapters.dashboard.settings import DashboardSettings
from entrypoints.bootstrap import App, tutors_desk
from entrypoints.serve import serve
from tests.conftest import Harness
from tests.fakes import FixedClock, InMemoryOutbox
from tests.review_support import cohort, tutor
from tutor.messages import t

ARTIFACTS = Path(__file__).parent / "artifacts"
BROWSER_ARGS = [
    "--headless=new",
    "--no-sandbox",  # CI runs as root in a container
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # the machine has no network: no calls home
    "--disable-component-update",
    "--disable-sync",
]
REPLY = "Pensez aux pilotes de ligne : ils suivent le pilote automatique même quand il se trompe."


@pytest.fixture
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is required in CI: .ci/run installs it with apt-get")
        pytest.skip("no system Chromium here: `apt-get install chromium` to run the browser test (none is downloaded)")
    return found


class LearnersPlatform:
    """The learners' chat platform as `tutor serve` runs it: here a fake whose Outbox keeps what it was given."""

    platform = "test"

    def __init__(self) -> None:
        self.outbox = InMemoryOutbox()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


async def _learners_activity(app: App, code: str, clock: FixedClock) -> None:
    """A few days of a cohort's life, so that the analytics page has something to draw."""
    zoe = Harness(app, learner="zoe")
    await zoe.say(f"/join {code}")
    for day in range(4):
        for n in range(day + 1):
            await Harness(app, learner=f"learner-{n}").say(f"/join {code}")
            await Harness(app, learner=f"learner-{n}").say("C'est quoi le biais d'automatisation ?")
        clock.advance(days=2)
    await Harness(app, learner="learner-1").say("Quelle est la recette de la tarte tatin ?")
    for learner, option in ((zoe, ":1"), (Harness(app, learner="learner-1"), ":0")):  # one right, one wrong
        [question] = await learner.say("/quiz")
        await learner.press(
            next(b.data for b in question.buttons if b.data.startswith("q:") and b.data.endswith(option))
        )
        await learner.say("/cancel")
    await zoe.say("C'est quoi le biais d'automatisation ?")
    [ack] = await zoe.say("/flag je ne comprends pas l'exemple des pilotes")
    assert ack.text == t("flag_raised", "fr")


async def test_a_tutor_answers_and_resolves_a_flag_in_a_real_browser(
    app: App, clock: FixedClock, chromium: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.async_api import async_playwright

    monkeypatch.setenv("TUTOR_OUTBOX_EVERY_S", "0.2")
    tutors = tutors_desk(app, Argon2Hasher())
    code = cohort(tutors, "insa-2027", level=1)
    tutor(tutors, "camille", ("insa-2027",))
    await _learners_activity(app, code, clock)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / ".gitignore").write_text("*\n")

    settings = DashboardSettings(_env_file=None)  # type: ignore[call-arg]
    web = DashboardService(create_app(tutors, settings, "browser-test-secret"), "127.0.0.1", 0)
    learners = LearnersPlatform()
    stop = asyncio.Event()
    running = asyncio.create_task(serve(app, [learners], stop, extras=[web]))  # type: ignore[list-item]
    try:
        while not web.server.started:
            assert not running.done(), running.exception()
            await asyncio.sleep(0.05)
        base = f"http://127.0.0.1:{web.port}"
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            await page.goto(base + "/")
            assert page.url == base + "/login"
            await page.fill("input[name=username]", "camille")
            await page.fill("input[name=password]", "a long enough password")
            await page.click("button[type=submit]")
            await page.wait_for_url(base + "/")
            row = page.locator("table.queue tbody tr", has_text="Asked by the learner")
            assert await row.count() == 1
            await page.screenshot(path=str(ARTIFACTS / "dashboard-queue.png"), full_page=True)

            await row.locator("a").first.click()
            await page.wait_for_selector("h1:has-text('Flag #')")
            assert "je ne comprends pas l'exemple des pilotes" in await page.inner_text("main")
            assert await page.locator("ol.transcript li.turn.assistant").count() >= 1
            await page.screenshot(path=str(ARTIFACTS / "dashboard-flag.png"), full_page=True)

            await page.fill("form[action$='/reply'] textarea", REPLY)
            await page.click("form[action$='/reply'] button")
            await page.wait_for_selector("p.flash:has-text('Reply queued')")
            await page.click("form[action$='/resolve'] button")
            await page.wait_for_selector("p.flash:has-text('Flag resolved')")
            assert "resolved" in await page.inner_text("h1")
            history = await page.inner_text("ol.history")
            assert "Camille · reply" in history and "Camille · resolve" in history

            await page.click("nav a:has-text('Analytics')")
            await page.wait_for_selector("svg.chart")
            assert await page.locator("svg.chart rect.bar").count() >= 30
            await page.screenshot(path=str(ARTIFACTS / "dashboard-analytics.png"), full_page=True)
            await browser.close()

        for _ in range(100):  # the drain job of `serve` runs every 0.2 s
            if learners.outbox.to("zoe"):
                break
            await asyncio.sleep(0.05)
        [[pushed]] = learners.outbox.to("zoe")
        assert pushed.text == t("tutor_reply", "fr", name="Camille", text=REPLY)
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)
    for name in ("queue", "flag", "analytics"):
        assert (ARTIFACTS / f"dashboard-{name}.png").stat().st_size > 10_000
