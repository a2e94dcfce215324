"""The UI's side of authentication: a sign-in page that keeps the token in a secure, http-only cookie,
and a middleware that presents that cookie as the ``Authorization: Bearer`` header the server's
authentication (issue 7) reads — so UI requests are authenticated by the same code as API requests.

The cookie is only honoured on UI paths and is SameSite=Strict, so another site cannot make a
browser use it, and the API endpoints keep accepting headers only.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

COOKIE = "mlcatalog_token"
UI_PREFIXES = ("/entity/", "/curate/", "/ui/", "/search")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def is_ui_path(path: str) -> bool:
    return path == "/" or path.startswith(UI_PREFIXES)


def token_from_cookie(header: str) -> str | None:
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and value:
            return value
    return None


class CookieTokenMiddleware:
    """On UI paths, a request without an Authorization header but with the token cookie gets the header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_ui_path(scope.get("path", "")):
            headers = list(scope.get("headers", []))
            names = {name for name, _ in headers}
            cookie = next((value.decode("latin-1") for name, value in headers if name == b"cookie"), "")
            token = token_from_cookie(cookie)
            if token and b"authorization" not in names:
                headers.append((b"authorization", f"Bearer {token}".encode("latin-1")))
                scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)


def cookie_is_secure(scheme: str, host: str) -> bool:
    """Secure everywhere browsers allow it: HTTPS, and the loopback addresses they treat as secure."""
    return scheme == "https" or host.split(":")[0].strip("[]") in LOOPBACK


def parse_form(body: bytes) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body (the UI's forms post nothing else)."""
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def safe_next(target: str | None) -> str:
    """Only local paths, so a crafted sign-in link cannot send the user elsewhere."""
    return target if target and target.startswith("/") and not target.startswith("//") else "/"
