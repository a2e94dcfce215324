"""The UI's side of authentication: a sign-in page that keeps the token in a secure, http-only cookie,
and a middleware that presents that cookie as the ``Authorization: Bearer`` header the server's
authentication middleware (``api/auth.py``) reads — so UI requests are checked by the same code as
API requests.

The cookie is honoured on UI paths only and is SameSite=Strict, so another site cannot make a browser
use it, and the API endpoints keep accepting headers only. When authentication refuses a UI request,
the browser gets a sign-in redirect (no or bad token) or a readable page (role too low), not JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qsl, quote

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "mlcatalog_token"
UI_PREFIXES = ("/entity/", "/curate/", "/ui/", "/search")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
ErrorPage = Callable[[Request, int, str], object]


def is_ui_path(path: str) -> bool:
    return path == "/" or path.startswith(UI_PREFIXES)


def token_from_cookie(header: str) -> str | None:
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and value:
            return value
    return None


class CookieTokenMiddleware:
    """On UI paths: the token cookie becomes the Authorization header (when none was sent), and an
    authentication refusal becomes a sign-in redirect (401) or an HTML page (403)."""

    def __init__(self, app: ASGIApp, error_page: ErrorPage) -> None:
        self.app = app
        self.error_page = error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_ui_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        headers = list(scope.get("headers", []))
        token = token_from_cookie(next((v.decode("latin-1") for k, v in headers if k == b"cookie"), ""))
        if token and not any(k == b"authorization" for k, _ in headers):
            scope = {**scope, "headers": [*headers, (b"authorization", f"Bearer {token}".encode("latin-1"))]}
        refusal = _Refusal(scope, send)
        await self.app(scope, receive, refusal.send)
        if refusal.status is not None:
            await self._answer(scope, receive, send, refusal)

    async def _answer(self, scope: Scope, receive: Receive, send: Send, refusal: _Refusal) -> None:
        request = Request(scope, receive)
        if refusal.status == 401:
            back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            target = "/login?next=" + quote(back if request.method == "GET" else "/", safe="/")
            if request.cookies.get(COOKIE):
                target += "&expired=1"
            await send({"type": "http.response.start", "status": 303, "headers": [(b"location", target.encode())]})
            await send({"type": "http.response.body", "body": b""})
            return
        response = self.error_page(request, refusal.status, refusal.message)
        await response(scope, receive, send)  # type: ignore[operator]


class _Refusal:
    """Passes every response through except 401/403 JSON refusals, which it holds back."""

    def __init__(self, scope: Scope, send: Send) -> None:
        self.downstream = send
        self.status: int | None = None
        self.body = b""

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] in {401, 403} and _is_json(message):
            self.status = message["status"]
            return
        if self.status is not None:
            if message["type"] == "http.response.body":
                self.body += message.get("body", b"")
            return
        await self.downstream(message)

    @property
    def message(self) -> str:
        try:
            return str(json.loads(self.body).get("message", ""))
        except (ValueError, AttributeError):
            return ""


def _is_json(message: Message) -> bool:
    return any(k == b"content-type" and v.startswith(b"application/json") for k, v in message.get("headers", []))


def cookie_is_secure(scheme: str, host: str) -> bool:
    """Secure everywhere browsers allow it: HTTPS, and the loopback addresses they treat as secure."""
    return scheme == "https" or host.rsplit(":", 1)[0].strip("[]") in LOOPBACK


def parse_form(body: bytes) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body (the UI's forms post nothing else)."""
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def safe_next(target: str | None) -> str:
    """Only local paths, so a crafted sign-in link cannot send the user elsewhere."""
    return target if target and target.startswith("/") and not target.startswith("//") else "/"
