"""Key aspects in a batch: materialised once per entity, and again after the batch deletes the entity."""

from __future__ import annotations

from sqlalchemy import func, select

from mlcatalog.registry import get_registry
from mlcatalog.services.ingest import IngestService
from mlcatalog.services.proposals import Proposal
from mlcatalog.store.sql import SqlStore, tables
from tests.compat.helpers import unique

KEY = "mlModelGroupKey"


def _group() -> str:
    return f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{unique('keys')},PROD)"


def _key_changes(store: SqlStore, urn: str) -> int:
    log = tables.change_log
    query = select(func.count()).select_from(log).where(log.c.urn == urn, log.c.aspect == KEY)
    with store.db.read() as conn:
        return int(conn.execute(query).scalar() or 0)


def test_a_batch_of_several_aspects_stores_the_key_once(store: SqlStore) -> None:
    urn = _group()
    IngestService(store, get_registry()).ingest(
        [
            Proposal(urn, "mlModelGroupProperties", value={"customProperties": {}, "name": "n"}),
            Proposal(urn, "globalTags", value={"tags": [{"tag": "urn:li:tag:gpu"}]}),
            Proposal(urn, "status", value={"removed": False}),
        ]
    )
    assert store.get_aspect(urn, KEY) is not None
    assert _key_changes(store, urn) == 1


def test_an_entity_deleted_and_written_again_in_one_batch_gets_its_key_back(store: SqlStore) -> None:
    urn = _group()
    IngestService(store, get_registry()).ingest(
        [
            Proposal(urn, "mlModelGroupProperties", value={"customProperties": {}, "name": "before"}),
            Proposal(urn, KEY, change_type="DELETE"),
            Proposal(urn, "mlModelGroupProperties", value={"customProperties": {}, "name": "after"}),
        ]
    )
    assert store.get_aspect(urn, KEY) is not None
    latest = store.get_aspect(urn, "mlModelGroupProperties")
    assert latest is not None and latest.value["name"] == "after"
