"""Reads the tests in this package share: the stored JSON exactly as the rest.li API returns it."""

from __future__ import annotations

from typing import Any

import requests

from tests.compat.helpers import encoded


def stored(server: Any, urn: str, aspect: str, version: int = 0) -> Any:
    """The stored value of one aspect (None when absent), unwrapped from its Pegasus name."""
    reply = requests.get(f"{server.url}/aspects/{encoded(urn)}", params={"aspect": aspect, "version": version}, timeout=30)
    if reply.status_code == 404:
        return None
    reply.raise_for_status()
    ((_, value),) = reply.json()["aspect"].items()
    return value


def envelope(server: Any, urn: str, aspect: str) -> dict[str, Any] | None:
    """The /entitiesV2 envelope (value, systemMetadata, created) of one aspect."""
    reply = requests.get(f"{server.url}/entitiesV2/{encoded(urn)}", params={"aspects": f"List({aspect})"}, timeout=30)
    reply.raise_for_status()
    return reply.json()["aspects"].get(aspect)
