"""deleteReferences: remove every reference to an entity from the aspects that hold one.

The relationship edges say which aspects of which entities point at the URN and along which
annotated path (``tags/*/tag``). Each such aspect is rewritten without the array elements (or
map entries) that point at it, through the one ingest path, in one batch. An aspect that would
no longer be valid without the reference (a required field held it) is deleted instead.
"""

from __future__ import annotations

import copy
from typing import Any

from mlcatalog.errors import InvalidInput
from mlcatalog.registry.entities import EntityRegistry
from mlcatalog.services.ingest import IngestService
from mlcatalog.services.proposals import Proposal
from mlcatalog.store.base import Store

SAMPLE_SIZE = 100


class ReferenceService:
    def __init__(self, store: Store, registry: EntityRegistry, ingest: IngestService) -> None:
        self.store = store
        self.registry = registry
        self.ingest = ingest

    def delete_references(self, urn: str, dry_run: bool, actor: str) -> dict[str, Any]:
        target = self.registry.parse_urn(urn)
        edges = self.store.history.referencing(target.urn)
        related = [{"relationshipType": e.relationship, "urn": e.source_urn, "aspect": e.aspect} for e in edges]
        if not dry_run and edges:
            holders = sorted({(edge.source_urn, edge.aspect) for edge in edges})
            proposals = [p for source, aspect in holders if (p := self._rewrite(source, aspect, target.urn)) is not None]
            if proposals:
                self.ingest.ingest(proposals, actor)
        return {"total": len(related), "relatedAspects": related[:SAMPLE_SIZE]}

    def _rewrite(self, source: str, aspect: str, urn: str) -> Proposal | None:
        current = self.store.get_aspect(source, aspect)
        if current is None:
            return None
        spec = self.registry.aspect(aspect)
        value = copy.deepcopy(current.value)
        for relationship in spec.relationships:
            _strip(value, relationship.path, urn)
        label = f"deleteReferences {source} {aspect}"
        try:
            spec.validate(value)
        except InvalidInput:
            return Proposal(source, aspect, "DELETE", label=label)
        return Proposal(source, aspect, "UPSERT", value, label=label)


def _points_at(node: Any, path: tuple[str, ...], urn: str) -> bool:
    """Whether ``node`` reaches ``urn`` along ``path`` through plain fields (no fan-out)."""
    for part in path:
        if part == "*" or not isinstance(node, dict):
            return False
        node = node.get(part)
    return node == urn


def _strip(node: Any, path: tuple[str, ...], urn: str) -> None:
    """Remove, in place, the elements along ``path`` that point at ``urn``."""
    if not path:
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(node, list):
            node[:] = [item for item in node if not _points_at(item, rest, urn)]
            for item in node:
                _strip(item, rest, urn)
        elif isinstance(node, dict):
            for key in [k for k, item in node.items() if _points_at(item, rest, urn)]:
                del node[key]
            for item in node.values():
                _strip(item, rest, urn)
    elif isinstance(node, dict) and head in node:
        if not rest and node[head] == urn:
            del node[head]
        else:
            _strip(node[head], rest, urn)
