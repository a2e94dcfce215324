"""The metadata change proposal (MCP): the one shape every write takes on its way in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CHANGE_TYPES = frozenset({"UPSERT", "CREATE", "CREATE_ENTITY", "UPDATE", "RESTATE", "PATCH", "DELETE"})
UPSERT_LIKE = frozenset({"UPSERT", "UPDATE", "RESTATE"})
SYSTEM_ACTOR = "urn:li:corpuser:datahub"


@dataclass
class Proposal:
    """One MCP as the ingest service needs it; ``label`` names it in error messages."""

    urn: str
    aspect_name: str
    change_type: str = "UPSERT"
    value: Any = None
    entity_type: str | None = None
    system_metadata: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    label: str = "proposal"
