"""The dashboard's pages: sign-in, the flag queue, a flag and what tutors do about it, a learner, analytics (charts
and CSV), cohorts and the course's to-do list. The core decides who sees what; this only renders and reads forms."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from adapters.dashboard.charts import bar_chart, share_chart
from adapters.dashboard.security import SecurityHeaders, csrf_ok, csrf_token, flash, start_session
from adapters.dashboard.settings import DashboardSettings
from tutor.ports import Clock
from tutor.review.accounts import Accounts, LoginThrottle
from tutor.review.analytics import Analytics
from tutor.review.desk import NotFound, ReviewDesk
from tutor.review.values import REASONS, STATUSES, Viewer

HERE = Path(__file__).parent
ADDRESS_FACTOR = 4  # failed sign-ins allowed per address, as a multiple of those allowed per account
COOKIE = "caire_dashboard"
Page = Callable[[Request, Viewer], Awaitable[Response]]


class TutorsPort(Protocol):
    """What the dashboard needs of the core (the composition root's TutorsDesk)."""

    @property
    def desk(self) -> ReviewDesk: ...

    @property
    def analytics(self) -> Analytics: ...

    @property
    def accounts(self) -> Accounts: ...

    @property
    def clock(self) -> Clock: ...


class Dashboard:
    """The route handlers, over the core's desk, analytics and accounts."""

    def __init__(self, tutors: TutorsPort, settings: DashboardSettings) -> None:
        self.tutors = tutors
        self.settings = settings
        self.templates = Jinja2Templates(directory=HERE / "templates")
        # Per account, and per address with more room: behind a proxy, or in a classroom, many people share one.
        self.per_user = LoginThrottle(tutors.clock, settings.max_failed_logins)
        self.per_address = LoginThrottle(tutors.clock, settings.max_failed_logins * ADDRESS_FACTOR)

    def render(self, request: Request, name: str, viewer: Viewer | None, status: int = 200, **ctx: Any) -> Response:
        """A page, with the viewer, the CSRF token for its forms and the flash message."""
        ctx.update(viewer=viewer, csrf=csrf_token(request), flash=request.session.pop("flash", None))
        return self.templates.TemplateResponse(request, name, ctx, status_code=status)

    # signing in and out

    async def login_form(self, request: Request) -> Response:
        return self.render(request, "login.html", None)

    async def login(self, request: Request) -> Response:
        form = await request.form()
        if not csrf_ok(request, form):
            return self.render(request, "error.html", None, 403, message="The form has expired: please try again.")
        username = str(form.get("username", ""))[:64].strip().lower()
        user, address = [username], [request.client.host if request.client else "?"]
        if self.per_user.blocked(user) or self.per_address.blocked(address):
            message = "Too many failed sign-ins: wait 15 minutes, then try again."
            return self.render(request, "login.html", None, 429, error=message, username=username)
        viewer = await run_in_threadpool(self.tutors.accounts.authenticate, username, str(form.get("password", "")))
        if viewer is None:
            self.per_user.failed(user)
            self.per_address.failed(address)
            return self.render(request, "login.html", None, 401, error="Wrong username or password.", username=username)
        self.per_user.succeeded(username)
        start_session(request, viewer.tutor_id)
        return RedirectResponse("/", status_code=303)

    async def logout(self, request: Request, viewer: Viewer) -> Response:
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    # pages

    async def queue(self, request: Request, viewer: Viewer) -> Response:
        q = request.query_params
        status = q.get("status", "open")
        queue = await run_in_threadpool(
            self.tutors.desk.queue, viewer, q.get("cohort", ""), q.get("reason", ""), status
        )
        filters = {"cohort": q.get("cohort", ""), "reason": q.get("reason", ""), "status": status}
        return self.render(
            request, "queue.html", viewer, queue=queue, filters=filters, reasons=REASONS, statuses=STATUSES
        )

    async def flag(self, request: Request, viewer: Viewer) -> Response:
        page = await run_in_threadpool(self.tutors.desk.flag, viewer, request.path_params["flag_id"])
        return self.render(request, "flag.html", viewer, page=page)

    async def act(self, request: Request, viewer: Viewer) -> Response:
        flag_id, action = request.path_params["flag_id"], request.path_params["action"]
        desk = self.tutors.desk
        form = await request.form()
        text = str(form.get("text", ""))
        handlers: dict[str, Callable[[], None]] = {
            "reply": lambda: desk.reply(viewer, flag_id, text),
            "note": lambda: desk.note(viewer, flag_id, text),
            "resolve": lambda: desk.resolve(viewer, flag_id),
            "reopen": lambda: desk.reopen(viewer, flag_id),
            "wrong": lambda: desk.mark_wrong(viewer, flag_id),
            "todo": lambda: desk.add_todo(viewer, flag_id),
        }
        if action not in handlers:
            raise NotFound(action)
        try:
            await run_in_threadpool(handlers[action])
        except ValueError as exc:
            flash(request, f"Not done: {exc}.")
        else:
            flash(request, DONE[action])
        return RedirectResponse(f"/flags/{flag_id}", status_code=303)

    async def learner(self, request: Request, viewer: Viewer) -> Response:
        page = await run_in_threadpool(self.tutors.desk.learner, viewer, request.path_params["learner_id"])
        return self.render(request, "learner.html", viewer, page=page)

    async def analytics(self, request: Request, viewer: Viewer) -> Response:
        cohorts = await run_in_threadpool(self.tutors.desk.cohorts, viewer)
        cohort = self._cohort(request, viewer, [c.key for c in cohorts])
        result = await run_in_threadpool(self.tutors.analytics.for_cohort, viewer, cohort)
        tables = result.tables
        charts = {
            "questions_per_day": bar_chart(
                "Questions per day", [(str(d)[5:], _num(n)) for d, n in tables["questions_per_day"].rows], every=5
            ),
            "active_learners_per_week": bar_chart(
                "Active learners per week",
                [(str(w)[5:], _num(n)) for w, n in tables["active_learners_per_week"].rows],
            ),
            "quiz_accuracy": share_chart(
                "Quiz accuracy per module",
                [(str(m)[:28], _num(a), int(_num(n))) for m, n, _, a in tables["quiz_accuracy"].rows],
            ),
        }
        query = urlencode({"cohort": cohort or ""})
        return self.render(
            request, "analytics.html", viewer, result=result, charts=charts, cohorts=cohorts, cohort=cohort, query=query
        )

    async def csv(self, request: Request, viewer: Viewer) -> Response:
        cohorts = await run_in_threadpool(self.tutors.desk.cohorts, viewer)
        cohort = self._cohort(request, viewer, [c.key for c in cohorts])
        result = await run_in_threadpool(self.tutors.analytics.for_cohort, viewer, cohort)
        name = request.path_params["table"]
        if name not in result.tables:
            raise NotFound(name)
        filename = f"{name}-{cohort or 'all'}.csv"
        return PlainTextResponse(
            result.tables[name].csv(),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{filename}"'},
        )

    async def cohorts(self, request: Request, viewer: Viewer) -> Response:
        desk = self.tutors.desk
        cohorts = await run_in_threadpool(desk.cohorts, viewer)
        todo = await run_in_threadpool(desk.course_notes, viewer, "todo")
        wrong = await run_in_threadpool(desk.course_notes, viewer, "wrong_answer")
        bot = self.settings.bot_username
        return self.render(request, "cohorts.html", viewer, cohorts=cohorts, todo=todo, wrong=wrong, bot=bot)

    @staticmethod
    def _cohort(request: Request, viewer: Viewer, keys: list[str]) -> str | None:
        """The cohort asked for; by default an admin sees everyone, a tutor their first cohort."""
        asked = request.query_params.get("cohort", "")
        if asked:
            return asked
        return None if viewer.is_admin or not keys else keys[0]

    # the guard around every page

    def signed_in(self, page: Page) -> Callable[[Request], Awaitable[Response]]:
        """Pages for signed-in tutors only; every POST must carry the session's CSRF token."""

        async def guarded(request: Request) -> Response:
            tutor_id = request.session.get("tutor")
            viewer = await run_in_threadpool(self.tutors.accounts.viewer, tutor_id) if tutor_id else None
            if viewer is None:
                request.session.pop("tutor", None)
                if request.method == "POST":
                    return self.render(request, "error.html", None, 403, message="Please sign in first.")
                return RedirectResponse("/login", status_code=303)
            if request.method == "POST" and not csrf_ok(request, await request.form()):
                message = "This form's security token is missing or wrong: reload the page and try again."
                return self.render(request, "error.html", viewer, 403, message=message)
            try:
                return await page(request, viewer)
            except NotFound:
                message = "No such page, or not one of your cohorts'."
                return self.render(request, "error.html", viewer, 404, message=message)

        return guarded


def _num(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


DONE = {
    "reply": "Reply queued: the learner gets it on their platform within seconds.",
    "note": "Note added.",
    "resolve": "Flag resolved.",
    "reopen": "Flag reopened.",
    "wrong": "Answer marked wrong: kept for the evaluation set.",
    "todo": "Question added to the course's to-do list.",
}


def create_app(tutors: TutorsPort, settings: DashboardSettings, secret: str) -> Starlette:
    """The dashboard as an ASGI app; ``secret`` signs the session cookies."""
    d = Dashboard(tutors, settings)
    routes = [
        Route("/login", d.login_form, methods=["GET"]),
        Route("/login", d.login, methods=["POST"]),
        Route("/logout", d.signed_in(d.logout), methods=["POST"]),
        Route("/", d.signed_in(d.queue), methods=["GET"]),
        Route("/flags/{flag_id:int}", d.signed_in(d.flag), methods=["GET"]),
        Route("/flags/{flag_id:int}/{action}", d.signed_in(d.act), methods=["POST"]),
        Route("/learners/{learner_id:int}", d.signed_in(d.learner), methods=["GET"]),
        Route("/analytics", d.signed_in(d.analytics), methods=["GET"]),
        Route("/analytics/{table}.csv", d.signed_in(d.csv), methods=["GET"]),
        Route("/cohorts", d.signed_in(d.cohorts), methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=secret,
            session_cookie=COOKIE,
            max_age=settings.session_hours * 3600,
            same_site="strict",
            https_only=settings.https_only,
        ),
    ]
    return Starlette(routes=routes, middleware=middleware)
