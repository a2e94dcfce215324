"""Indexes derived from aspects (relationship graph, search, ...), kept in the write's transaction.

The ingest service calls every registered index after each aspect change and each entity
deletion, inside the same transaction, so a read right after a write sees all of them. A
rebuild replays the stored aspects through the same calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from mlcatalog.registry.entities import AspectSpec, ParsedUrn
from mlcatalog.services.graph import edges_for
from mlcatalog.services.proposals import Proposal
from mlcatalog.store.base import WriteTransaction

STATUS_ASPECT = "status"


@dataclass(frozen=True)
class AspectChange:
    target: ParsedUrn
    spec: AspectSpec
    value: dict[str, Any] | None  # None when the aspect was deleted
    previous: dict[str, Any] | None
    now_ms: int
    actor: str


class DerivedIndex(Protocol):
    def aspect_changed(self, tx: WriteTransaction, change: AspectChange) -> None: ...

    def entity_deleted(self, tx: WriteTransaction, target: ParsedUrn) -> None: ...

    def batch_finished(self, tx: WriteTransaction, changes: list[AspectChange]) -> list[Proposal] | None:
        """After the whole batch is applied, before commit. Raising a CatalogError refuses the batch;
        returned proposals (side effects such as isLatest flags) are applied in the same transaction."""


class GraphIndex:
    """Relationship edges from ``@Relationship`` annotations, and soft-delete marks from ``status``."""

    def aspect_changed(self, tx: WriteTransaction, change: AspectChange) -> None:
        edges = edges_for(change.target.urn, change.spec, change.value, change.now_ms, change.actor)
        tx.replace_edges(change.target.urn, change.spec.name, edges)
        if change.spec.name == STATUS_ASPECT:
            tx.mark_removed(change.target.urn, bool((change.value or {}).get("removed")))

    def entity_deleted(self, tx: WriteTransaction, target: ParsedUrn) -> None:
        tx.delete_edges_from(target.urn)
        tx.mark_removed(target.urn, False)

    def batch_finished(self, tx: WriteTransaction, changes: list[AspectChange]) -> list[Proposal] | None:
        return None


def default_indexes() -> list[DerivedIndex]:
    from mlcatalog.registry import get_registry
    from mlcatalog.services.forms import FormTracker, documented_aspects
    from mlcatalog.services.rules import PromotionGuard  # these build on this module's types
    from mlcatalog.services.search_index import SearchIndex
    from mlcatalog.services.structured import StructuredPropertyValidator
    from mlcatalog.services.versions import VersionSetMaintainer

    registry = get_registry()
    key_aspects = {name: spec.key_aspect for name, spec in registry.entities.items()}
    return [
        GraphIndex(),
        VersionSetMaintainer(),
        PromotionGuard(),
        StructuredPropertyValidator(),
        FormTracker(key_aspects, documented_aspects(registry)),
        SearchIndex(registry),
    ]
