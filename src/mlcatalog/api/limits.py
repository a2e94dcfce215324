"""Request-size bounds enforced before a handler reads the body (the rest live in limits.py)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mlcatalog.api.errors import error_response
from mlcatalog.errors import CatalogError
from mlcatalog.limits import Limits


class BodyLimitMiddleware:
    """413 for a declared Content-Length over ``max_body_bytes``; a streamed body that grows
    past it raises ``PayloadTooLarge`` from ``receive``, which the error handlers turn into 413."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        try:
            if declared is not None and declared.isdigit():
                self.limits.check_body_size(int(declared))
        except CatalogError as exc:
            await error_response(exc.status, exc.message)(scope, receive, send)
            return
        await self.app(scope, self._counting(receive), send)

    def _counting(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                self.limits.check_body_size(seen)
            return message

        return counted


def install(app: Any, limits: Limits) -> None:
    app.add_middleware(BodyLimitMiddleware, limits=limits)
