"""Sessions, CSRF tokens and security headers of the dashboard.

The session is Starlette's signed cookie (itsdangerous): it holds the tutor's id, the CSRF token and a flash
message, nothing else. Every POST must carry the session's CSRF token in its ``csrf`` field (the sign-in form too);
the cookie is ``SameSite=Strict`` and ``HttpOnly`` besides. Who the tutor is, their role and cohorts are read from
the store on every request, so a deactivated account is out at its next click.
"""

from __future__ import annotations

import secrets

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_FIELD = "csrf"
HEADERS = {
    b"content-security-policy": b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
    b"x-frame-options": b"DENY",
    b"cache-control": b"no-store",
}


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


def csrf_ok(request: Request, form: FormData) -> bool:
    """Whether a submitted form carries this session's CSRF token."""
    sent, expected = form.get(CSRF_FIELD), request.session.get(CSRF_FIELD)
    return isinstance(sent, str) and isinstance(expected, str) and secrets.compare_digest(sent, expected)


def start_session(request: Request, tutor_id: int) -> None:
    """A fresh session for a tutor who just signed in (a new CSRF token: nothing from before carries over)."""
    request.session.clear()
    request.session["tutor"] = tutor_id
    request.session[CSRF_FIELD] = secrets.token_urlsafe(32)


def flash(request: Request, text: str) -> None:
    """A short message shown once, on the next page."""
    request.session["flash"] = text[:300]


class SecurityHeaders:
    """Adds the security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + list(HEADERS.items())
            await send(message)

        await self.app(scope, receive, with_headers)
