"""Batched writes: a batch reads its entities once and sends its rows together, yet means the same.

The write transaction answers reads of the batch's entities from memory and holds inserts until
just before commit; these tests pin down that the statements no longer grow with the batch, and
that what is stored (versions, systemMetadata, change log, edges, run tracking, search) is what
proposal-by-proposal writing stored.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, func, select

from mlcatalog.errors import AlreadyExists
from mlcatalog.registry import get_registry
from mlcatalog.services.ingest import IngestService
from mlcatalog.services.proposals import Proposal
from mlcatalog.store.sql import SqlStore, tables
from tests.compat.helpers import unique


def _group(prefix: str = "batching") -> str:
    return f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{unique(prefix)},PROD)"


def _properties(name: str) -> dict[str, Any]:
    return {"customProperties": {}, "name": name}


def _tags(*tags: str) -> dict[str, Any]:
    return {"tags": [{"tag": f"urn:li:tag:{tag}"} for tag in tags]}


def _entity_batch(count: int) -> list[Proposal]:
    proposals = []
    for _ in range(count):
        urn = _group()
        proposals += [
            Proposal(urn, "mlModelGroupProperties", value=_properties(urn[-12:])),
            Proposal(urn, "globalTags", value=_tags("gpu", "nlp")),
            Proposal(urn, "status", value={"removed": False}),
            Proposal(urn, "ownership", value={"owners": [{"owner": "urn:li:corpuser:ann", "type": "DATAOWNER"}]}),
        ]
    return proposals


def _statements(store: SqlStore, proposals: list[Proposal]) -> int:
    count = 0

    def counted(*_: Any) -> None:
        nonlocal count
        count += 1

    event.listen(store.db.engine, "before_cursor_execute", counted)
    try:
        IngestService(store, get_registry()).ingest(proposals)
    finally:
        event.remove(store.db.engine, "before_cursor_execute", counted)
    return count


def _rows(store: SqlStore, table: Any, **where: str) -> list[Any]:
    query = select(table).where(*(table.c[name] == value for name, value in where.items()))
    with store.db.read() as conn:
        return list(conn.execute(query).all())


def test_statements_do_not_grow_with_the_batch(store: SqlStore) -> None:
    small = _statements(store, _entity_batch(2))
    large = _statements(store, _entity_batch(40))  # 160 aspects, 40 entities, 40 key aspects
    assert large == small, f"{small} statements for 2 entities, {large} for 40"
    assert large < 40


def test_writes_to_one_aspect_in_one_batch_keep_every_version(store: SqlStore) -> None:
    urn = _group()
    IngestService(store, get_registry()).ingest(
        [
            Proposal(urn, "globalTags", value=_tags("a", "b")),
            Proposal(urn, "globalTags", value=_tags("c")),
            Proposal(urn, "globalTags", value=_tags("c"), system_metadata={"runId": "again"}),
        ]
    )
    latest, archived = store.get_aspect(urn, "globalTags"), store.get_aspect(urn, "globalTags", 1)
    assert latest is not None and archived is not None
    assert latest.value == _tags("c") and archived.value == _tags("a", "b")
    assert latest.system_metadata is not None
    assert latest.system_metadata["version"] == "2" and latest.system_metadata["runId"] == "again"
    assert store.get_aspect(urn, "globalTags", 2) is None
    changes = [row.version for row in _rows(store, tables.change_log, urn=urn, aspect="globalTags")]
    assert changes == [0, 1]  # two changes; the equal third value made no version and no change
    edges = _rows(store, tables.edges, source_urn=urn, aspect="globalTags")
    assert [row.destination_urn for row in edges] == ["urn:li:tag:c"]


def test_a_later_batch_replaces_the_edges_of_an_aspect(store: SqlStore) -> None:
    urn = _group()
    service = IngestService(store, get_registry())
    service.ingest([Proposal(urn, "globalTags", value=_tags("a", "b"))])
    service.ingest([Proposal(urn, "globalTags", value=_tags("b", "c"))])
    edges = _rows(store, tables.edges, source_urn=urn, aspect="globalTags")
    assert sorted(row.destination_urn for row in edges) == ["urn:li:tag:b", "urn:li:tag:c"]
    assert store.get_aspect(urn, "globalTags", 1) is not None  # the first value, archived


def test_a_run_writing_one_aspect_twice_is_tracked_once(store: SqlStore) -> None:
    urn = _group()
    service = IngestService(store, get_registry())
    service.ingest([Proposal(urn, "globalTags", value=_tags("old"))])
    run = {"runId": unique("run")}
    service.ingest(
        [
            Proposal(urn, "globalTags", value=_tags("new"), system_metadata=run),
            Proposal(urn, "globalTags", value=_tags("newer"), system_metadata=run),
        ]
    )
    service.ingest([Proposal(urn, "globalTags", value=_tags("newest"), system_metadata=run)])
    tracked = _rows(store, tables.run_aspects, run_id=run["runId"], urn=urn)
    assert [(row.aspect, row.previous_metadata) for row in tracked] == [("globalTags", '{"tags":[{"tag":"urn:li:tag:old"}]}')]
    assert tracked[0].last_on >= tracked[0].first_on


def test_a_refused_batch_leaves_nothing_behind(store: SqlStore) -> None:
    existing, fresh = _group(), _group("refused")
    service = IngestService(store, get_registry())
    service.ingest([Proposal(existing, "mlModelGroupProperties", value=_properties("kept"))])
    with pytest.raises(AlreadyExists):
        service.ingest(
            [
                Proposal(fresh, "mlModelGroupProperties", value=_properties("refusedname")),
                Proposal(fresh, "globalTags", value=_tags("gone")),
                Proposal(existing, "mlModelGroupProperties", change_type="CREATE", value=_properties("clash")),
            ]
        )
    for table, column in [
        (tables.aspects, "urn"),
        (tables.change_log, "urn"),
        (tables.edges, "source_urn"),
        (tables.search_document, "urn"),
    ]:
        assert _rows(store, table, **{column: fresh}) == []
    with store.db.read() as conn:  # field rows live only beside their document
        fields, documents = tables.search_field, tables.search_document
        orphans = select(func.count()).select_from(fields).where(fields.c.doc_id.not_in(select(documents.c.id)))
        assert conn.execute(orphans).scalar() == 0
    current = store.get_aspect(existing, "mlModelGroupProperties")
    assert current is not None and current.value == _properties("kept")


def test_search_sees_every_entity_of_a_batch(store: SqlStore) -> None:
    proposals = _entity_batch(3)
    IngestService(store, get_registry()).ingest(proposals)
    urns = {p.urn for p in proposals}
    documents = tables.search_document
    with store.db.read() as conn:
        stored = conn.execute(select(func.count()).select_from(documents).where(documents.c.urn.in_(urns))).scalar()
    assert stored == 3
