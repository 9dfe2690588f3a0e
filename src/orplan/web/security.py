"""Who may do what: token login, CSRF tokens on every state change, upload size.

A token (``ORPLAN_TOKEN`` / ``--token``) guards every request but the login form; the login
form sets it as an HTTP-only cookie, scripts send ``Authorization: Bearer T``. Forms carry a
CSRF token equal to a random cookie (double submit): another site cannot read the cookie,
so it cannot forge a form, and the cookies are ``SameSite=Strict`` besides.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import JSONResponse, Response

from orplan.web.settings import WebSettings

__all__ = ["CSRF_COOKIE", "TOKEN_COOKIE", "Guard", "check_csrf", "same_secret"]

CSRF_COOKIE = "orplan_csrf"
TOKEN_COOKIE = "orplan_token"
#: Room for the form fields around an uploaded file.
FORM_OVERHEAD = 64_000

Handler = Callable[[Request], Awaitable[Response]]


def same_secret(a: str | None, b: str | None) -> bool:
    """Whether two secrets are equal and non-empty (constant-time compare)."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


class Guard(BaseHTTPMiddleware):
    """Token check, request size limit and the CSRF cookie, before any page runs."""

    def __init__(self, app: object, settings: WebSettings) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.settings = settings

    async def dispatch(self, request: Request, call_next: Handler) -> Response:
        """Refuse what may not pass; give every browser a CSRF cookie."""
        token = self.settings.token
        if token and request.url.path != "/login" and not self._authorised(request, token):
            if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
                from orplan.web.common import render

                # 401 with the login form itself: a browser shows it, a script sees the code.
                return render(request, "login.html", {"error": ""}, status_code=401)
            return JSONResponse({"detail": "a token is required (log in)"}, status_code=401)
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > self.settings.max_upload + FORM_OVERHEAD:
            return JSONResponse({"detail": self.too_big()}, status_code=413)
        csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        request.state.csrf = csrf
        response = await call_next(request)
        if request.cookies.get(CSRF_COOKIE) != csrf:
            response.set_cookie(CSRF_COOKIE, csrf, httponly=False, samesite="strict")
        return response

    def too_big(self) -> str:
        """The 413 message."""
        return f"upload too large: the limit is {self.settings.max_upload:,} bytes"

    @staticmethod
    def _authorised(request: Request, token: str) -> bool:
        header = request.headers.get("authorization", "")
        bearer = header[7:] if header.lower().startswith("bearer ") else None
        return same_secret(request.cookies.get(TOKEN_COOKIE), token) or same_secret(bearer, token)


async def check_csrf(request: Request) -> None:
    """Refuse (403) a state change whose form field or header lacks the CSRF token."""
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf")
        sent = value if isinstance(value, str) else None
    if not same_secret(sent, request.cookies.get(CSRF_COOKIE)):
        raise HTTPException(403, "the form is stale or came from another site: reload the page")
