"""Bearer-token authentication and role checks, as ASGI middleware in front of every router.

DataHub's SDK, CLI and recipes send ``Authorization: Bearer <token>``; the token's user becomes
the actor of the request's writes (``deps.actor``), whatever the body claims. The role a call
needs is decided from the method, path and rest.li action before any handler runs, so a
refused call changes nothing. Unknown writes need ``editor`` (fail closed).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from anyio import to_thread
from starlette.datastructures import Headers, QueryParams
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mlcatalog.api.errors import error_response
from mlcatalog.errors import CatalogError, Forbidden, Unauthenticated
from mlcatalog.services.proposals import Proposal
from mlcatalog.services.tokens import ROLES, Principal

# Readable without a token: the handshake every DataHub client makes first, as on DataHub, the
# API description (identical on every install), and the health check load balancers poll.
PUBLIC_PATHS = frozenset({"/config", "/health", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/login", "/logout"})
PUBLIC_PREFIXES = ("/ui/static/",)  # the UI's sign-in page and its stylesheet and script
TOKEN_API = "/mlcatalog/v1/tokens"
GRAPHQL_PATHS = frozenset({"/api/graphql", "/api/v2/graphql"})
# Admin for every method: tokens, and webhooks (they send all metadata, signed, to any URL).
ADMIN_PREFIXES = (TOKEN_API, "/openapi/v1/webhooks")
# Admin to change: promotion rules govern what editors may do.
ADMIN_WRITE_PREFIXES = ("/openapi/v1/promotion-rules",)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# rest.li actions that only read (POST because rest.li actions are POSTs).
READ_ACTIONS = frozenset(
    {
        "search",
        "searchAcrossEntities",
        "scrollAcrossEntities",
        "searchAcrossLineage",
        "scrollAcrossLineage",
        "listUrns",
        "list",
        "filter",
        "browse",
        "getBrowsePaths",
        "autocomplete",
        "exists",
        "batchGetTotalEntityCount",
        "getTotalEntityCount",
        "getTimeseriesAspectValues",
        "getCount",
        "describe",
    }
)
# Rolling back an ingestion run removes what it wrote: a delete.
DELETE_ACTIONS = frozenset({"delete", "deleteAll", "deleteReferences", "rollback"})
ACTION_PATHS = frozenset({"/entities", "/aspects", "/relationships", "/runs"})
READ_SUFFIXES = ("/batchGet", "/scroll")
CHALLENGE = 'Bearer realm="mlcatalog"'


def required_role(method: str, path: str, actions: Iterable[str], graphql_mutation: bool = False) -> str:
    """The least role that may make this call."""
    path = path.rstrip("/") or "/"
    if _under(path, ADMIN_PREFIXES):
        return "admin"
    if method in READ_METHODS:
        return "reader"
    if method == "DELETE" or _under(path, ADMIN_WRITE_PREFIXES):
        return "admin"
    if path in GRAPHQL_PATHS:
        return "editor" if graphql_mutation else "reader"
    if path.startswith("/openapi/v1/trace/") or path.endswith(READ_SUFFIXES):
        return "reader"
    if path in ACTION_PATHS and actions:
        needed = [_action_role(action) for action in actions]
        return max(needed, key=ROLES.index)
    return "editor"


def _under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in prefixes)


def _action_role(action: str) -> str:
    if action in DELETE_ACTIONS:
        return "admin"
    return "reader" if action in READ_ACTIONS else "editor"


def is_mutation(body: bytes) -> bool:
    """Whether a GraphQL request may write: it holds a mutation (or subscription), or it cannot be
    parsed (batched bodies included), in which case refusing a reader is the safe side."""
    from graphql import GraphQLError, OperationType
    from graphql.language import OperationDefinitionNode

    from mlcatalog.api.graphql.documents import parse_document

    try:
        payload = json.loads(body)
        document = parse_document(payload["query"])
    except (ValueError, KeyError, TypeError, GraphQLError, RecursionError):
        return True
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return any(op.operation != OperationType.QUERY for op in operations)


def authorize_proposals(request: Request, proposals: list[Proposal]) -> None:
    """Deleting aspects or entities through MCPs (change type DELETE) is a delete: admin only."""
    if any(p.change_type == "DELETE" for p in proposals):
        require(request, "admin", "delete metadata")


def require(request: Request, role: str, what: str) -> None:
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is not None and not principal.may(role):
        raise Forbidden(_refusal(principal, role, what))


def _refusal(principal: Principal, role: str, what: str) -> str:
    return f"forbidden: {principal.actor} has role {principal.role!r}; to {what} the role {role!r} or higher is needed"


def bearer_token(headers: Headers) -> str:
    value = headers.get("authorization")
    if not value:
        raise Unauthenticated(
            "authentication required: send 'Authorization: Bearer <token>' "
            "(DATAHUB_GMS_TOKEN for the DataHub CLI and SDK; create one with `mlcatalog token create`)"
        )
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("malformed Authorization header: expected 'Bearer <token>'")
    return token.strip()


class AuthMiddleware:
    def __init__(self, app: ASGIApp, enabled: bool) -> None:
        self.app = app
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"} or not self.enabled or _is_public(scope["path"]):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        try:
            principal, receive = await self._authorize(scope, receive)
        except CatalogError as exc:
            headers = {"WWW-Authenticate": CHALLENGE} if exc.status == 401 else {}
            response = error_response(exc.status, exc.message)
            response.headers.update(headers)
            await response(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state["principal"] = principal
        state["actor"] = principal.actor
        await self.app(scope, receive, send)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Websockets (none yet; GraphQL subscriptions some day) need a reader token too."""
        try:
            token = bearer_token(Headers(scope=scope))
            principal = await to_thread.run_sync(scope["app"].state.services.tokens.authenticate, token)
        except CatalogError:
            await send({"type": "websocket.close", "code": 1008})
            return
        scope.setdefault("state", {}).update(principal=principal, actor=principal.actor)
        await self.app(scope, receive, send)

    async def _authorize(self, scope: Scope, receive: Receive) -> tuple[Principal, Receive]:
        token = bearer_token(Headers(scope=scope))
        tokens = scope["app"].state.services.tokens
        principal: Principal = await to_thread.run_sync(tokens.authenticate, token)
        method, path = scope["method"], scope["path"]
        mutation = False
        if method == "POST" and path.rstrip("/") in GRAPHQL_PATHS:
            body = await _read_body(receive)
            mutation, receive = is_mutation(body), _replay(body, receive)
        actions = QueryParams(scope.get("query_string", b"")).getlist("action")
        needed = required_role(method, path, actions, mutation)
        if not principal.may(needed):
            raise Forbidden(_refusal(principal, needed, _describe(method, path, actions)))
        return principal, receive


def _describe(method: str, path: str, actions: list[str]) -> str:
    suffix = f"?action={','.join(actions)}" if actions else ""
    return f"call {method} {path}{suffix}"


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, original: Receive) -> Receive:
    """Hand the already-read body to the app, then pass through (for disconnect notices)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await original()

    return receive


def install(app: Any, enabled: bool) -> None:
    app.add_middleware(AuthMiddleware, enabled=enabled)


def _is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)
