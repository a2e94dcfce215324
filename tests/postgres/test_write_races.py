"""Racing writers on one database through separate stores (as separate servers have), both backends.

Each store has its own engine and connection pool, so on PostgreSQL these are genuinely
concurrent transactions; on SQLite they queue on the file's write lock.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from mlcatalog.registry import get_registry
from mlcatalog.services.ingest import IngestService
from mlcatalog.services.proposals import Proposal
from mlcatalog.store.sql import SqlStore, open_store, tables
from tests.compat.helpers import unique
from tests.support.databases import temporary_database

MODEL = "urn:li:mlModel:(urn:li:dataPlatform:mlflow,{},PROD)"


@pytest.fixture
def stores(backend: str, tmp_path: Path) -> Iterator[list[SqlStore]]:
    with temporary_database(backend, tmp_path) as url:
        opened = [open_store(url) for _ in range(3)]
        yield opened
        for store in opened:
            store.close()


def _race(workers: int, work: Callable[[int], None]) -> list[str]:
    """Run ``work(worker)`` on ``workers`` threads released together; the errors they raised."""
    errors: list[str] = []
    start = threading.Barrier(workers)

    def run(worker: int) -> None:
        start.wait()
        try:
            work(worker)
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=run, args=(w,)) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _history(store: SqlStore, urn: str, aspect: str) -> list[tuple[int, str]]:
    table = tables.aspects
    query = (
        select(table.c.version, table.c.metadata).where(table.c.urn == urn, table.c.aspect == aspect).order_by(table.c.version)
    )
    with store.db.read() as conn:
        return [(row.version, row.metadata) for row in conn.execute(query)]


def _descriptions(store: SqlStore, urn: str) -> tuple[list[int], set[str]]:
    import json

    rows = _history(store, urn, "mlModelProperties")
    return [version for version, _ in rows], {json.loads(metadata)["description"] for _, metadata in rows}


def test_first_writes_to_a_new_entity_race_without_losing_any(stores: list[SqlStore]) -> None:
    """No version-0 row exists when 12 writers on 3 stores start: every write still lands."""
    urn = MODEL.format(unique("first"))
    services = [IngestService(store, get_registry()) for store in stores]

    def work(worker: int) -> None:
        for n in range(4):
            services[worker % 3].ingest([Proposal(urn, "mlModelProperties", value={"description": f"w{worker}-{n}"})])

    assert _race(12, work) == []
    versions, descriptions = _descriptions(stores[0], urn)
    assert versions == list(range(48))  # v0 is the latest, v1..v47 the history: contiguous
    assert descriptions == {f"w{w}-{n}" for w in range(12) for n in range(4)}
    assert [v for v, _ in _history(stores[0], urn, "mlModelKey")] == [0]


def test_batches_naming_entities_in_opposite_orders_all_succeed(stores: list[SqlStore]) -> None:
    """Connectors send multi-entity batches; two servers locking them in different orders must not
    deadlock each other into failed writes."""
    urns = [MODEL.format(unique(f"batch{k}")) for k in range(4)]
    services = [IngestService(store, get_registry()) for store in stores]

    def work(worker: int) -> None:
        order = random.Random(worker).sample(urns, len(urns))
        for n in range(3):
            batch = [Proposal(urn, "mlModelProperties", value={"description": f"w{worker}-{n}"}) for urn in order]
            services[worker % 3].ingest(batch)

    assert _race(8, work) == []
    for urn in urns:
        versions, descriptions = _descriptions(stores[0], urn)
        assert versions == list(range(24))
        assert descriptions == {f"w{w}-{n}" for w in range(8) for n in range(3)}


def test_concurrent_patches_each_add_their_tag(stores: list[SqlStore]) -> None:
    """A patch is read-modify-write: racing patches on a new entity must all see each other's result."""
    urn = MODEL.format(unique("patch"))
    services = [IngestService(store, get_registry()) for store in stores]

    def work(worker: int) -> None:
        op = [{"op": "add", "path": f"/tags/urn:li:tag:t{worker}", "value": {"tag": f"urn:li:tag:t{worker}"}}]
        services[worker % 3].ingest([Proposal(urn, "globalTags", change_type="PATCH", value=op)])

    assert _race(10, work) == []
    latest = stores[1].get_aspect(urn, "globalTags")
    assert latest is not None
    assert sorted(tag["tag"] for tag in latest.value["tags"]) == sorted(f"urn:li:tag:t{w}" for w in range(10))
    assert [v for v, _ in _history(stores[0], urn, "globalTags")] == list(range(10))


def test_delete_racing_writes_leaves_a_consistent_entity(stores: list[SqlStore]) -> None:
    """Writes racing a hard delete either land before it (and go) or after it (and stay, from v0)."""
    urn = MODEL.format(unique("delete"))
    services = [IngestService(store, get_registry()) for store in stores]
    services[0].ingest([Proposal(urn, "mlModelProperties", value={"description": "seed"})])

    def work(worker: int) -> None:
        if worker == 0:
            services[0].delete_entity(urn)
            return
        for n in range(3):
            services[worker % 3].ingest([Proposal(urn, "mlModelProperties", value={"description": f"w{worker}-{n}"})])

    assert _race(6, work) == []
    versions, _ = _descriptions(stores[0], urn)
    assert versions == list(range(len(versions)))
    assert [v for v, _ in _history(stores[0], urn, "mlModelKey")] == ([0] if versions else [])
