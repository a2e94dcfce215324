"""Reading a catalog the way a user checks it: rest.li entity and relationship reads."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests


def aspects(server: str, urn: str) -> dict[str, Any]:
    reply = requests.get(f"{server}/entitiesV2/{quote(urn, safe='')}", timeout=10)
    reply.raise_for_status()
    return {name: envelope["value"] for name, envelope in reply.json()["aspects"].items()}


def related(server: str, urn: str, types: str, direction: str = "OUTGOING") -> list[str]:
    params = {"urn": urn, "types": types, "direction": direction, "count": 1000}
    reply = requests.get(f"{server}/relationships", params=params, timeout=10)
    reply.raise_for_status()
    return sorted(r["entity"] for r in reply.json()["relationships"])


def urns(server: str, entity: str) -> list[str]:
    reply = requests.post(f"{server}/entities?action=listUrns", json={"entity": entity, "start": 0, "count": 1000}, timeout=10)
    reply.raise_for_status()
    return sorted(reply.json()["value"]["entities"])


def snapshot(server: str, entity_types: list[str]) -> dict[str, dict[str, Any]]:
    """Every aspect value of every entity of these types (system metadata left out)."""
    return {urn: aspects(server, urn) for kind in entity_types for urn in urns(server, kind)}


def past_versions(server: str, urn: str, aspect: str) -> int:
    """How many earlier versions of the aspect are stored (version 1, 2, ... answer until one is missing)."""
    count = 0
    while True:
        params = {"aspect": aspect, "version": count + 1}
        if requests.get(f"{server}/aspects/{quote(urn, safe='')}", params=params, timeout=10).status_code != 200:
            return count
        count += 1


def version_counts(server: str, found: dict[str, dict[str, object]]) -> dict[tuple[str, str], int]:
    return {(urn, name): past_versions(server, urn, name) for urn, aspects_ in found.items() for name in aspects_}
