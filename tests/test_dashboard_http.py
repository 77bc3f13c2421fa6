"""The dashboard over HTTP (Starlette's test client, argon2 passwords): sign-in refused and throttled, every form
refused without its CSRF token, no other cohort's flag, learner or analytics by changing an id in the URL, the
actions and the CSV exports."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from adapters.dashboard.app import create_app
from adapters.dashboard.passwords import Argon2Hasher
from adapters.dashboard.settings import DashboardSettings
from entrypoints.bootstrap import App, TutorsDesk, tutors_desk
from tests.conftest import Harness
from tests.fakes import FixedClock
from tests.review_support import cohort, learner_id, tutor
from tutor.store import models as orm

PASSWORD = "a long enough password"
OFF_COURSE = "Quelle est la recette de la tarte tatin ?"


@pytest.fixture
def tutors(app: App) -> TutorsDesk:
    return tutors_desk(app, Argon2Hasher())


@pytest.fixture
def client(tutors: TutorsDesk) -> Iterator[TestClient]:
    settings = DashboardSettings(_env_file=None, max_failed_logins=3)  # type: ignore[call-arg]
    with TestClient(create_app(tutors, settings, "test-secret"), follow_redirects=False) as c:
        yield c


def csrf_of(page: httpx.Response) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> httpx.Response:
    token = csrf_of(client.get("/login"))
    return client.post("/login", data={"username": username, "password": password, "csrf": token})


async def two_cohorts(app: App, tutors: TutorsDesk) -> dict[str, int]:
    """Amy follows cohort A, Bob cohort B; a learner of each had a question the course could not answer."""
    ids: dict[str, int] = {}
    for key, name in (("cohort-a", "amy"), ("cohort-b", "bob")):
        code = cohort(tutors, key)
        tutor(tutors, name, (key,))
        learner = Harness(app, learner=f"learner-{key}")
        await learner.say(f"/join {code}")
        await learner.say(OFF_COURSE)
        ids[f"learner-{key}"] = learner_id(app, f"learner-{key}")
        with app.sessions() as s:
            ids[f"flag-{key}"] = s.scalar(select(func.max(orm.Flag.id))) or 0
    return ids


def outbox_rows(app: App) -> int:
    with app.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(orm.OutboxMessage)) or 0)


async def test_a_wrong_password_is_refused_and_sign_ins_are_throttled(
    app: App, tutors: TutorsDesk, client: TestClient, clock: FixedClock
) -> None:
    tutor(tutors, "amy")
    assert client.get("/").headers["location"] == "/login"
    for _ in range(3):
        refused = sign_in(client, "amy", "not the password")
        assert refused.status_code == 401 and "Wrong username or password" in refused.text
    throttled = sign_in(client, "amy")  # the right password, too late
    assert throttled.status_code == 429 and "Too many failed sign-ins" in throttled.text
    tutor(tutors, "bob")
    assert sign_in(client, "bob").status_code == 303  # another account from the same address still may
    for n in range(9):  # 12 failures in all from one address (4 x 3): the address is throttled too
        assert sign_in(client, f"guess-{n}", "whatever").status_code == 401
    assert sign_in(client, "bob").status_code == 429
    clock.advance(minutes=16)
    signed_in = sign_in(client, "amy")
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
    cookie = signed_in.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/").status_code == 200


async def test_every_form_is_refused_without_its_csrf_token(app: App, tutors: TutorsDesk, client: TestClient) -> None:
    ids = await two_cohorts(app, tutors)
    flag = ids["flag-cohort-a"]
    token = csrf_of(client.get("/login"))
    no_token = client.post("/login", data={"username": "amy", "password": PASSWORD})
    assert no_token.status_code == 403
    assert client.post("/login", data={"username": "amy", "password": PASSWORD, "csrf": token}).status_code == 303
    page = client.get(f"/flags/{flag}")
    token = csrf_of(page)
    for action, data in (("reply", {"text": "bonjour"}), ("resolve", {}), ("note", {"text": "x"})):
        assert client.post(f"/flags/{flag}/{action}", data=data).status_code == 403
        assert client.post(f"/flags/{flag}/{action}", data={**data, "csrf": "forged"}).status_code == 403
    assert client.post("/logout", data={}).status_code == 403
    assert outbox_rows(app) == 0 and tutors.desk.flag(tutors.accounts.viewer(1), flag).flag.status == "open"  # type: ignore[arg-type]
    other = TestClient(client.app, follow_redirects=False)  # another browser: its own session, its own token
    assert other.post(f"/flags/{flag}/resolve", data={"csrf": token}).status_code == 403
    done = client.post(f"/flags/{flag}/resolve", data={"csrf": token})
    assert done.status_code == 303 and client.get(done.headers["location"]).text.count("Flag resolved.") == 1


async def test_another_cohorts_flag_learner_or_analytics_cannot_be_reached_by_url(
    app: App, tutors: TutorsDesk, client: TestClient
) -> None:
    ids = await two_cohorts(app, tutors)
    assert sign_in(client, "amy").status_code == 303
    token = csrf_of(client.get("/"))
    mine, theirs = ids["flag-cohort-a"], ids["flag-cohort-b"]
    assert client.get(f"/flags/{mine}").status_code == 200
    assert client.get(f"/learners/{ids['learner-cohort-a']}").status_code == 200
    for url in (
        f"/flags/{theirs}",
        f"/learners/{ids['learner-cohort-b']}",
        "/flags/999999",
        "/analytics?cohort=cohort-b",
        "/analytics/unanswered.csv?cohort=cohort-b",
        "/analytics/no_such_table.csv?cohort=cohort-a",
    ):
        assert client.get(url).status_code in (403, 404), url
    for action in ("reply", "note", "resolve", "wrong", "todo", "explode"):
        refused = client.post(f"/flags/{theirs}/{action}", data={"csrf": token, "text": "hello"})
        assert refused.status_code in (403, 404), action
    assert outbox_rows(app) == 0
    queue = client.get("/?cohort=cohort-b&status=").text  # a filter on another cohort shows only one's own
    assert f"/flags/{mine}" in queue and f"/flags/{theirs}" not in queue
    client.post("/logout", data={"csrf": token})
    assert client.get(f"/flags/{mine}").status_code == 303  # signed out: back to the sign-in page


async def test_reply_from_the_flag_page_queue_filters_and_csv(app: App, tutors: TutorsDesk, client: TestClient) -> None:
    ids = await two_cohorts(app, tutors)
    assert sign_in(client, "amy").status_code == 303
    flag = ids["flag-cohort-a"]
    page = client.get(f"/flags/{flag}")
    assert OFF_COURSE in page.text and "Assistant abstained" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    sent = client.post(f"/flags/{flag}/reply", data={"csrf": csrf_of(page), "text": "Hors programme, <b>désolé</b> !"})
    assert sent.status_code == 303
    after = client.get(f"/flags/{flag}").text
    assert "Reply queued" in after and "Hors programme, &lt;b&gt;désolé&lt;/b&gt; !" in after  # escaped
    assert "pending" in after and outbox_rows(app) == 1
    assert f"/flags/{flag}" not in client.get("/").text  # answered: out of the open queue
    assert f"/flags/{flag}" in client.get("/?status=answered").text
    csv = client.get("/analytics/unanswered.csv?cohort=cohort-a")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == "question,times,last_asked" and OFF_COURSE in csv.text
    analytics = client.get("/analytics")
    assert analytics.status_code == 200 and analytics.text.count("<svg") == 2  # per day, per week
    assert "Quiz accuracy per module: no data yet." in analytics.text
