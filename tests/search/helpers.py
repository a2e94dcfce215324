"""Helpers for search tests: a GraphQL caller and a catalog writer that uses the official SDK."""

from __future__ import annotations

from typing import Any

import requests
from datahub.metadata.urns import CorpUserUrn, DomainUrn, GlossaryTermUrn, TagUrn
from datahub.sdk.mlmodelgroup import MLModelGroup


def graphql(server: Any, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    reply = requests.post(f"{server.url}/api/graphql", json={"query": query, "variables": variables or {}}, timeout=30)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert not body.get("errors"), body["errors"]
    return body["data"]  # type: ignore[no-any-return]


def model_group(
    client: Any,
    name: str,
    description: str = "",
    platform: str = "mlflow",
    env: str = "PROD",
    tags: tuple[str, ...] = (),
    terms: tuple[str, ...] = (),
    owners: tuple[str, ...] = (),
    domain: str | None = None,
    properties: dict[str, str] | None = None,
    display_name: str | None = None,
) -> str:
    group = MLModelGroup(
        id=name,
        platform=platform,
        env=env,
        name=display_name or name,
        description=description,
        custom_properties=properties or {},
        tags=[TagUrn(t) for t in tags] or None,
        terms=[GlossaryTermUrn(t) for t in terms] or None,
        owners=[CorpUserUrn(o) for o in owners] or None,
        domain=DomainUrn(domain) if domain else None,
    )
    client.entities.upsert(group)
    return str(group.urn)
