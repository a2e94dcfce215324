"""The OpenAPI document at ``/openapi.json``: FastAPI's, plus what the rest.li-style handlers read by hand.

The rest.li and OpenAPI-write handlers parse their bodies themselves (rest.li's loose typing:
``async`` as a string, systemMetadata as an object or a JSON string), so FastAPI cannot see
their parameters. This module writes those down, in one place, so the document tells clients
(and schemathesis) what each operation really accepts and answers.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from mlcatalog.registry import get_registry
from mlcatalog.services.conditions import IF_MODIFIED_SINCE, IF_UNMODIFIED_SINCE, IF_VERSION_MATCH
from mlcatalog.services.proposals import CHANGE_TYPES

URN_EXAMPLE = "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,recommendations,PROD)"
_OBJECT: dict[str, Any] = {"type": "object", "additionalProperties": True}
_ERROR = {
    "description": "Bad input (422), missing (404) or a failed write condition (412), in rest.li's error shape",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "exceptionClass": {"type": "string"},
                    "message": {"type": "string"},
                    "status": {"type": "integer"},
                    "stackTrace": {"type": "string"},
                },
                "required": ["message", "status"],
            }
        }
    },
}
_MCP = {
    "type": "object",
    "description": "A MetadataChangeProposal; aspect.value is the aspect (or patch) serialised as a JSON string",
    "required": ["entityUrn"],
    "properties": {
        "entityType": {"type": "string"},
        "entityUrn": {"type": "string", "example": URN_EXAMPLE},
        "changeType": {"type": "string", "enum": sorted(CHANGE_TYPES)},
        "aspectName": {"type": "string", "example": "status"},
        "aspect": {
            "type": "object",
            "properties": {"value": {"type": "string", "example": '{"removed": false}'}, "contentType": {"type": "string"}},
        },
        "systemMetadata": {"oneOf": [_OBJECT, {"type": "string"}]},
        "headers": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


def _json(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def _ok(schema: dict[str, Any], description: str = "Success") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, schema: dict[str, Any], required: bool = False, description: str = "") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def _condition_headers() -> list[dict[str, Any]]:
    described = {
        IF_VERSION_MATCH: "Write only if the aspect's current version is this (-1: absent)",
        IF_UNMODIFIED_SINCE: "Write only if the aspect was not modified after this ISO-8601 instant or HTTP date",
        IF_MODIFIED_SINCE: "Write only if the aspect was modified after this instant",
    }
    return [
        {"name": n, "in": "header", "required": False, "schema": {"type": "string"}, "description": d}
        for n, d in described.items()
    ]


_V3_ITEM = {
    "type": "object",
    "required": ["urn"],
    "properties": {"urn": {"type": "string", "example": URN_EXAMPLE}},
    "additionalProperties": {
        "type": "object",
        "required": ["value"],
        "properties": {"value": _OBJECT, "systemMetadata": _OBJECT, "headers": _OBJECT},
    },
}
_VALUE_OF = {"type": "object", "properties": {"value": {}}}
_URN_PARAM = {"name": "urn", "in": "path", "required": True, "schema": {"type": "string", "example": URN_EXAMPLE}}


def _documented(entity_types: list[str], aspect_names: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    """(path, method) -> the parts of the operation FastAPI cannot infer."""
    return {**_restli_reads(aspect_names), **_restli_actions(entity_types, aspect_names), **_openapi_operations()}


def _restli_reads(aspect_names: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    aspects_param = _query("aspects", {"type": "string"}, description="List(a,b) of aspect names")
    return {
        ("/aspects/{urn}", "get"): {
            "parameters": [
                _URN_PARAM,
                _query("aspect", {"type": "string", "enum": aspect_names}, True),
                _query("version", {"type": "integer", "minimum": 0}, description="0 (default) is the latest"),
            ],
            "responses": {
                "200": _ok({"type": "object", "properties": {"aspect": _OBJECT, "version": {"type": "integer"}}}),
                "404": _ERROR,
            },
        },
        ("/entitiesV2/{urn}", "get"): {
            "parameters": [_URN_PARAM, aspects_param],
            "responses": {
                "200": _ok(
                    {
                        "type": "object",
                        "properties": {"entityName": {"type": "string"}, "urn": {"type": "string"}, "aspects": _OBJECT},
                    }
                )
            },
        },
        ("/entities/{urn}", "get"): {
            "parameters": [_URN_PARAM, aspects_param],
            "responses": {"200": _ok({"type": "object", "properties": {"value": _OBJECT}})},
        },
        ("/relationships", "get"): {
            "parameters": [
                _query("urn", {"type": "string", "example": URN_EXAMPLE}, True),
                _query("types", {"type": "string"}, description="A, List(A,B), or repeated"),
                _query("direction", {"type": "string", "enum": ["INCOMING", "OUTGOING"]}, True),
                _query("start", {"type": "integer", "minimum": 0}),
                _query("count", {"type": "integer", "minimum": 0}),
            ],
        },
    }


def _restli_actions(entity_types: list[str], aspect_names: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    aspects_action = {
        "parameters": [_query("action", {"type": "string", "enum": ["ingestProposal", "ingestProposalBatch", "getCount"]}, True)],
        "requestBody": _json(
            {
                "type": "object",
                "properties": {
                    "proposal": _MCP,
                    "proposals": {"type": "array", "items": _MCP},
                    "async": {"type": "string", "enum": ["true", "false"]},
                    "aspect": {"type": "string", "enum": aspect_names},
                    "urnLike": {"type": "string", "description": "SQL LIKE pattern over URNs (getCount)"},
                },
            }
        ),
        "responses": {"200": _ok(_VALUE_OF, '{"value": "success"} or {"value": <count>}'), "412": _ERROR, "422": _ERROR},
    }
    entities_body = {
        "type": "object",
        "properties": {
            "urn": {"type": "string", "example": URN_EXAMPLE},
            "entity": {"type": "string", "enum": entity_types},
            "start": {"type": "integer", "minimum": 0},
            "count": {"type": "integer", "minimum": 0},
            "dryRun": {"type": "boolean"},
        },
    }
    return {
        ("/aspects", "post"): aspects_action,
        ("/aspects/", "post"): aspects_action,
        ("/entities", "post"): {
            "parameters": [_query("action", {"type": "string", "enum": ["delete", "listUrns", "deleteReferences"]}, True)],
            "requestBody": _json(entities_body),
            "responses": {"200": _ok(_VALUE_OF), "422": _ERROR},
        },
    }


def _openapi_operations() -> dict[tuple[str, str], dict[str, Any]]:
    items = {"type": "array", "items": _V3_ITEM}
    v3_write = {
        "parameters": [_query("async", {"type": "string", "enum": ["true", "false"]}), *_condition_headers()],
        "requestBody": _json(items),
        "responses": {"200": _ok(items), "202": _ok(items), "412": _ERROR},
    }
    return {
        ("/openapi/v3/entity/{entity_type}", "post"): v3_write,
        ("/openapi/v3/entity/{entity_type}", "patch"): v3_write,
        ("/openapi/v3/entity/{entity_type}/batchGet", "post"): {
            "requestBody": _json({"type": "array", "items": _V3_ITEM | {"additionalProperties": _OBJECT}}),
        },
        ("/openapi/v3/entity/{entity_type}/{rest}", "delete"): {"parameters": _condition_headers()},
        ("/openapi/v1/trace/write/{trace_id}", "post"): {
            "requestBody": _json({"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}),
        },
    }


def _merge(operation: dict[str, Any], extra: dict[str, Any]) -> None:
    names = {(p["name"], p["in"]) for p in extra.get("parameters", [])}
    kept = [p for p in operation.get("parameters", []) if (p["name"], p["in"]) not in names]
    if "parameters" in extra:
        operation["parameters"] = kept + extra["parameters"]
    if "requestBody" in extra:
        operation["requestBody"] = extra["requestBody"]
    operation.setdefault("responses", {}).update(extra.get("responses", {}))


def install(app: FastAPI) -> None:
    """Serve the enriched document at FastAPI's usual ``/openapi.json``."""

    def document() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            registry = get_registry()
            entity_types = sorted(registry.entities)
            for (path, method), extra in _documented(entity_types, sorted(registry.aspects)).items():
                operation = schema.get("paths", {}).get(path, {}).get(method)
                if operation is not None:
                    _merge(operation, extra)
            for path, operations in schema.get("paths", {}).items():
                for operation in operations.values():
                    for parameter in operation.get("parameters", []):
                        if parameter["name"] == "entity_type" and path.startswith("/openapi/v3/"):
                            parameter["schema"] = {"type": "string", "enum": entity_types}
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = document  # type: ignore[method-assign]
