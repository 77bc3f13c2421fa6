"""A flag raised on Telegram (the unmodified adapter long-polling a fake Bot API) is answered from the dashboard (its
real web server, over HTTP), and the reply reaches the learner on Telegram through the durable outbox."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.dashboard.app import create_app
from adapters.dashboard.passwords import Argon2Hasher
from adapters.dashboard.service import DashboardService
from adapters.dashboard.settings import DashboardSettings
from adapters.telegram.app import ALLOWED_UPDATES, build_application
from adapters.telegram.outbox import TelegramOutbox
from adapters.telegram.settings import TelegramSettings
from entrypoints.bootstrap import App, tutors_desk
from tests.review_support import tutor
from tests.telegram_fake_server import TOKEN, FakeTelegram, polling, private_message, user
from tutor.delivery import PlatformOutboxes
from tutor.messages import t
from tutor.review.delivery import OutboxDrain
from tutor.store.review import OutboxStore

REPLY = "Bonne question ! Relisez l'exemple des pilotes : < 1 minute de lecture, & c'est la clé."


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.close()


def visible(sent_html: str) -> str:
    return html.unescape(re.sub(r"</?\w+[^>]*>", "", sent_html))


def csrf_of(page: httpx.Response) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match
    return match.group(1)


async def answer_from_the_dashboard(base: str) -> None:
    async with httpx.AsyncClient(base_url=base, follow_redirects=False) as http:
        token = csrf_of(await http.get("/login"))
        signed_in = await http.post(
            "/login", data={"username": "ada", "password": "a long enough password", "csrf": token}
        )
        assert signed_in.status_code == 303
        queue = await http.get("/")
        [flag_url] = re.findall(r'href="(/flags/\d+)">#', queue.text)
        page = await http.get(flag_url)
        assert "Asked by the learner" in page.text and "biais d&#39;automatisation" in page.text
        sent = await http.post(flag_url + "/reply", data={"csrf": csrf_of(page), "text": REPLY})
        assert sent.status_code == 303


async def test_a_flag_raised_on_telegram_is_answered_from_the_dashboard(app: App, fake: FakeTelegram) -> None:
    settings = TelegramSettings(_env_file=None, token=TOKEN, api_url=fake.base_url)  # type: ignore[call-arg]
    tutors = tutors_desk(app, Argon2Hasher())
    tutor(tutors, "ada", role="admin")
    async with polling(build_application(app.assistant, settings), ALLOWED_UPDATES) as application:
        ines = user(8101, "Inès", "fr")
        fake.push(private_message(ines, "C'est quoi le biais d'automatisation ?"))
        (answer,) = await fake.wait_for("sendMessage", 8101)
        rows = answer.params["reply_markup"]["inline_keyboard"]
        buttons = {b["text"]: b["callback_data"] for row in rows for b in row}
        assert set(buttons) == {t("thumb_up", "fr"), t("thumb_down", "fr"), t("ask_tutor", "fr")}
        assert all(len(data.encode()) <= 64 for data in buttons.values())
        fake.push(fake.new_callback(ines, answer.result, buttons[t("ask_tutor", "fr")]))
        ack = (await fake.wait_for("sendMessage", 8101, count=2))[-1]
        assert visible(ack.params["text"]) == t("flag_raised", "fr")

        web = DashboardService(create_app(tutors, DashboardSettings(_env_file=None), "secret"), "127.0.0.1", 0)  # type: ignore[call-arg]
        await web.start()
        try:
            await answer_from_the_dashboard(f"http://127.0.0.1:{web.port}")
        finally:
            await web.stop()
        assert len(fake.calls_to("sendMessage", 8101)) == 2  # nothing sent by the web process itself

        outboxes = PlatformOutboxes({"telegram": TelegramOutbox.for_bot(application.bot, app.assistant, settings)})
        drain = OutboxDrain(OutboxStore(app.sessions), outboxes, app.assistant.clock, outboxes.platforms)
        assert (await drain.tick()).sent == 1
        pushed = fake.calls_to("sendMessage", 8101)[-1]
        assert visible(pushed.params["text"]) == t("tutor_reply", "fr", name="Ada", text=REPLY)
        assert (await drain.tick()).claimed == 0  # delivered once
        assert len(fake.calls_to("sendMessage", 8101)) == 3
