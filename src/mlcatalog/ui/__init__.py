"""The web UI served at ``/``: server-rendered pages over the same services as the APIs."""

from __future__ import annotations

from fastapi import FastAPI

from mlcatalog.ui.auth import CookieTokenMiddleware
from mlcatalog.ui.routes import router


def install(app: FastAPI) -> None:
    """Add the UI's pages and its token-cookie middleware (outermost, so authentication sees the header)."""
    app.include_router(router)
    app.add_middleware(CookieTokenMiddleware)
