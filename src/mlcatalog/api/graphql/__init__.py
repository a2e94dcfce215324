"""DataHub's GraphQL API (``POST /api/graphql``), schema-first with ariadne.

The schema is assembled from ``schema/*.graphql``; each feature module contributes SDL there and a
``bindables`` list in a module named in ``RESOLVER_MODULES``. Queries run synchronously in a worker
thread because the store is synchronous.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path
from typing import Any

from ariadne import graphql_sync, make_executable_schema
from datahub.ingestion.graph.client import entity_type_to_graphql
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from graphql import GraphQLSchema
from starlette.concurrency import run_in_threadpool

from mlcatalog.api.deps import services
from mlcatalog.api.graphql.loader import Loader
from mlcatalog.api.wire import json_body
from mlcatalog.registry import get_registry

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
    values = sorted({entity_type_to_graphql(name) for name in get_registry().entities})
    return "enum EntityType {\n  " + "\n  ".join(values) + "\n}\n"


@cache
def build_schema() -> GraphQLSchema:
    type_defs = [entity_type_enum(), *(path.read_text() for path in sorted(SCHEMA_DIR.glob("*.graphql")))]
    bindables: list[Any] = []
    for module in RESOLVER_MODULES:
        bindables.extend(importlib.import_module(module).bindables)
    return make_executable_schema(type_defs, *bindables)


def _execute(request: Request, data: Any) -> tuple[bool, Any]:
    svc = services(request)
    context = {"request": request, "services": svc, "loader": Loader(svc)}
    return graphql_sync(build_schema(), data, context_value=context, introspection=True)


@router.post("/api/graphql")
@router.post("/api/v2/graphql")
async def graphql_endpoint(request: Request) -> JSONResponse:
    data = await json_body(request)
    _success, result = await run_in_threadpool(_execute, request, data)
    return JSONResponse(result, status_code=200)
