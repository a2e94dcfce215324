"""Small HTTP helpers for tests that talk to several servers at once."""

from __future__ import annotations

import json
from typing import Any

import requests

from tests.compat.helpers import encoded


def mcp(urn: str, aspect: str, value: dict[str, Any], entity_type: str = "mlModel") -> dict[str, Any]:
    """A rest.li MetadataChangeProposal as the SDK's emitter sends it."""
    return {
        "entityType": entity_type,
        "entityUrn": urn,
        "changeType": "UPSERT",
        "aspectName": aspect,
        "aspect": {"value": json.dumps(value), "contentType": "application/json"},
    }


def ingest_batch(session: requests.Session, base_url: str, proposals: list[dict[str, Any]]) -> requests.Response:
    return session.post(
        f"{base_url}/aspects", params={"action": "ingestProposalBatch"}, json={"proposals": proposals}, timeout=60
    )


def aspect(base_url: str, urn: str, name: str, version: int = 0) -> dict[str, Any] | None:
    """The aspect's value at ``version`` (0 = latest), or None when there is none."""
    reply = requests.get(f"{base_url}/aspects/{encoded(urn)}", params={"aspect": name, "version": version}, timeout=30)
    if reply.status_code == 404:
        return None
    reply.raise_for_status()
    return next(iter(reply.json()["aspect"].values()))
