"""The web UI served at ``/``: server-rendered pages over the same services as the APIs."""

from __future__ import annotations

from fastapi import FastAPI

from mlcatalog.ui.auth import CookieTokenMiddleware
from mlcatalog.ui.routes import refusal_page, router


def install(app: FastAPI, auth_enabled: bool = False) -> None:
    """Add the UI's pages, and its token-cookie middleware outside the authentication middleware
    (call this after ``auth.install``) so authentication sees the cookie's token as a header."""
    app.state.auth_enabled = auth_enabled
    app.include_router(router)
    app.add_middleware(CookieTokenMiddleware, error_page=refusal_page)
