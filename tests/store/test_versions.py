"""Versioned aspects in metadata_aspect_v2 layout, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading

import requests
from sqlalchemy import select

from mlcatalog.registry import get_registry
from mlcatalog.services.ingest import IngestService
from mlcatalog.services.proposals import Proposal
from mlcatalog.store.sql import SqlStore, tables
from tests.compat.helpers import encoded, unique

GROUP = "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{},PROD)"


def _props(urn: str, description: str) -> Proposal:
    return Proposal(urn, "mlModelGroupProperties", value={"customProperties": {}, "description": description})


def test_each_change_pushes_the_previous_value_to_the_next_version(store: SqlStore) -> None:
    ingest, urn = IngestService(store, get_registry()), GROUP.format("versions")
    for description in ("first", "second", "second", "third"):
        ingest.ingest([_props(urn, description)])

    with store.db.read() as conn:
        rows = conn.execute(
            select(tables.aspects.c.aspect, tables.aspects.c.version, tables.aspects.c.metadata)
            .where(tables.aspects.c.urn == urn)
            .order_by(tables.aspects.c.aspect, tables.aspects.c.version)
        ).all()
    descriptions = [(r.version, json.loads(r.metadata).get("description")) for r in rows if r.aspect == "mlModelGroupProperties"]
    assert descriptions == [(0, "third"), (1, "first"), (2, "second")]  # the repeated "second" made no version
    assert [(r.aspect, r.version) for r in rows if r.aspect == "mlModelGroupKey"] == [("mlModelGroupKey", 0)]


def test_system_metadata_and_audit_are_kept(store: SqlStore) -> None:
    ingest, urn = IngestService(store, get_registry()), GROUP.format("audit")
    proposal = _props(urn, "d")
    proposal.system_metadata = {"runId": "run-1", "lastObserved": 1700000000000, "pipelineName": "p"}
    ingest.ingest([proposal], actor="urn:li:corpuser:alice")
    record = store.get_aspect(urn, "mlModelGroupProperties")
    assert record is not None
    assert record.system_metadata == {
        "runId": "run-1",
        "lastObserved": 1700000000000,
        "pipelineName": "p",
        "lastRunId": "no-run-id-provided",
        "version": "1",  # DataHub's systemMetadata.version: the aspect's version number
    }
    assert record.created_by == "urn:li:corpuser:alice" and record.created_on > 1700000000000


def test_hard_delete_removes_every_row_and_edge(store: SqlStore) -> None:
    ingest, group = IngestService(store, get_registry()), GROUP.format("hard")
    model = "urn:li:mlModel:(urn:li:dataPlatform:mlflow,hard-model,PROD)"
    ingest.ingest([Proposal(model, "mlModelProperties", value={"groups": [group]})])
    assert store.related(group, ["MemberOf"], incoming=True, start=0, count=10)[0] == 1
    assert ingest.delete_entity(model) == 2  # key + properties
    assert store.latest_aspects(model) == {}
    assert store.related(group, ["MemberOf"], incoming=True, start=0, count=10)[0] == 0


def test_concurrent_writers_through_the_server_lose_nothing(server) -> None:  # type: ignore[no-untyped-def]
    """16 threads each write 5 distinct descriptions to one aspect: v0 plus v1..v79, every value kept."""
    urn = GROUP.format(unique("race"))
    errors: list[str] = []

    def writer(worker: int) -> None:
        session = requests.Session()
        for n in range(5):
            item = {"urn": urn, "mlModelGroupProperties": {"value": {"description": f"w{worker}-{n}"}}}
            reply = session.post(f"{server.url}/openapi/v3/entity/mlModelGroup", params={"async": "false"}, json=[item])
            if reply.status_code != 200:
                errors.append(reply.text)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    seen = set()
    for version in range(0, 80):
        reply = requests.get(
            f"{server.url}/aspects/{encoded(urn)}", params={"aspect": "mlModelGroupProperties", "version": version}
        )
        assert reply.status_code == 200, f"version {version} missing"
        seen.add(reply.json()["aspect"]["com.linkedin.ml.metadata.MLModelGroupProperties"]["description"])
    assert (
        requests.get(
            f"{server.url}/aspects/{encoded(urn)}", params={"aspect": "mlModelGroupProperties", "version": 80}
        ).status_code
        == 404
    )
    assert seen == {f"w{w}-{n}" for w in range(16) for n in range(5)}
