"""DataHub's GraphQL API (``POST /api/graphql``), schema-first with ariadne.

The schema is assembled from ``schema/*.graphql``; each feature module contributes SDL there and a
``bindables`` list in a module named in ``RESOLVER_MODULES``. Queries run synchronously in a worker
thread because the store is synchronous. ariadne, graphql-core and the schema load after start-up
(``warm_up`` in a background thread, or the first query), so the server answers sooner.
"""

from __future__ import annotations

import importlib
import logging
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from mlcatalog.api.deps import services
from mlcatalog.api.graphql.documents import query_parser, query_validator
from mlcatalog.api.wire import json_body
from mlcatalog.registry import get_registry
from mlcatalog.registry.graphql_names import graphql_entity_type

if TYPE_CHECKING:
    from graphql import GraphQLSchema

log = logging.getLogger(__name__)

SCHEMA_DIR = Path(__file__).parent / "schema"
RESOLVER_MODULES = (
    "mlcatalog.api.graphql.entities",
    "mlcatalog.api.graphql.timetravel",
    "mlcatalog.api.graphql.versions",
    "mlcatalog.api.graphql.lineage",
    "mlcatalog.api.graphql.search",
    "mlcatalog.api.graphql.forms",
    "mlcatalog.api.graphql.form_mutations",
)

router = APIRouter()


def entity_type_enum() -> str:
    """DataHub's EntityType enum, one value per registered entity type."""
    values = sorted({graphql_entity_type(name) for name in get_registry().entities})
    return "enum EntityType {\n  " + "\n  ".join(values) + "\n}\n"


_build_lock = threading.Lock()


def build_schema() -> GraphQLSchema:
    with _build_lock:  # the warm-up thread and a first query may ask at once: build once
        return _build_schema()


@cache
def _build_schema() -> GraphQLSchema:
    from ariadne import make_executable_schema

    type_defs = [entity_type_enum(), *(path.read_text() for path in sorted(SCHEMA_DIR.glob("*.graphql")))]
    bindables: list[Any] = []
    for module in RESOLVER_MODULES:
        bindables.extend(importlib.import_module(module).bindables)
    return make_executable_schema(type_defs, *bindables)


def warm_up() -> threading.Thread:
    """Build the schema in a background thread, so the first query does not pay for it."""

    def build() -> None:
        try:
            build_schema()
        except Exception:  # the first query will raise it again, where a client sees it
            log.exception("building the GraphQL schema failed")

    thread = threading.Thread(target=build, name="graphql-warm-up", daemon=True)
    thread.start()
    return thread


def _execute(request: Request, data: Any) -> tuple[bool, Any]:
    from ariadne import graphql_sync

    from mlcatalog.api.graphql.loader import Loader

    svc = services(request)
    context = {"request": request, "services": svc, "loader": Loader(svc)}
    return graphql_sync(  # type: ignore[no-any-return]
        build_schema(),
        data,
        context_value=context,
        introspection=True,
        query_parser=query_parser,
        query_validator=query_validator,
    )


@router.post("/api/graphql")
@router.post("/api/v2/graphql")
async def graphql_endpoint(request: Request) -> JSONResponse:
    data = await json_body(request)
    _success, result = await run_in_threadpool(_execute, request, data)
    return JSONResponse(result, status_code=200)
