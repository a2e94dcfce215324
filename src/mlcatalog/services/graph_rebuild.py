"""Regenerate the relationship graph from the stored aspects (``mlcatalog graph rebuild``).

The rebuild replays every latest aspect through the same GraphIndex the write path uses, with the
aspect's own stored time and actor, so it yields exactly the edges incremental writes produced.
It runs in one transaction: readers see the old graph until the new one is complete.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlcatalog.errors import CatalogError
from mlcatalog.registry.entities import EntityRegistry
from mlcatalog.services.derived import AspectChange, GraphIndex
from mlcatalog.store.base import Store, WriteTransaction

PAGE = 2000


@dataclass(frozen=True)
class RebuildReport:
    aspects: int
    skipped: int
    edges_before: int
    edges_after: int


def rebuild_graph(store: Store, registry: EntityRegistry) -> RebuildReport:
    before = store.count_edges()
    index = GraphIndex()

    def work(tx: WriteTransaction) -> tuple[int, int]:
        tx.clear_graph()
        seen = skipped = 0
        after: tuple[str, str] | None = None
        while page := tx.latest_aspects_after(after, PAGE):
            for record in page:
                seen += 1
                spec = registry.aspects.get(record.aspect)
                try:
                    target = registry.parse_urn(record.urn)
                except CatalogError:
                    target = None
                if spec is None or target is None:
                    skipped += 1
                    continue
                change = AspectChange(target, spec, record.value, None, record.created_on, record.created_by)
                index.aspect_changed(tx, change)
            after = (page[-1].urn, page[-1].aspect)
        return seen, skipped

    seen, skipped = store.transact(work)
    return RebuildReport(seen, skipped, before, store.count_edges())
