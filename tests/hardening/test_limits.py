"""Every configured bound answers 413/400 naming the limit, and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import datahub.metadata.schema_classes as models
import pytest
import requests
from datahub.configuration.common import OperationalError
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.metadata.urns import MlModelGroupUrn
from datahub.sdk import DataHubClient

from mlcatalog.errors import QueryTimeout
from mlcatalog.store.sql.database import Database
from tests.compat.helpers import encoded, unique
from tests.support.databases import temporary_database
from tests.support.server import ServerProcess

LIMITS = {
    "MLCATALOG_MAX_BODY_BYTES": "200000",
    "MLCATALOG_MAX_BATCH_SIZE": "5",
    "MLCATALOG_MAX_URN_LENGTH": "120",
    "MLCATALOG_MAX_JSON_DEPTH": "12",
    "MLCATALOG_MAX_STRING_LENGTH": "1000",
    "MLCATALOG_MAX_PAGE_SIZE": "50",
}


@pytest.fixture(scope="module")
def limited(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    directory = tmp_path_factory.mktemp(f"limits-{backend}")
    with temporary_database(backend, directory) as url, ServerProcess(url, directory / "server.log", env=LIMITS) as proc:
        yield proc


def _urn(name: str | None = None) -> str:
    return str(MlModelGroupUrn(platform="mlflow", name=name or unique("limited")))


def _proposal(urn: str, value: object) -> dict:
    return {
        "entityType": "mlModelGroup",
        "entityUrn": urn,
        "changeType": "UPSERT",
        "aspectName": "mlModelGroupProperties",
        "aspect": {"value": json.dumps(value), "contentType": "application/json"},
    }


def _batch(server: ServerProcess, proposals: list[dict]) -> requests.Response:
    return requests.post(f"{server.url}/aspects?action=ingestProposalBatch", json={"proposals": proposals})


def _stored(server: ServerProcess, urn: str) -> bool:
    reply = requests.get(f"{server.url}/aspects/{encoded(urn)}", params={"aspect": "mlModelGroupKey"})
    return reply.status_code == 200


def test_body_over_max_body_bytes_is_413(limited: ServerProcess) -> None:
    urn = _urn()
    big = [_proposal(urn, {"name": "x" * 900, "customProperties": {}}) for _ in range(250)]
    reply = _batch(limited, big)
    assert reply.status_code == 413
    assert "max_body_bytes=200000" in reply.json()["message"]
    assert not _stored(limited, urn)


def test_streamed_body_without_length_is_cut_at_the_limit(limited: ServerProcess) -> None:
    body = json.dumps({"proposals": [_proposal(_urn(), {"name": "y" * 900, "customProperties": {}})] * 250}).encode()
    chunks = (body[i : i + 65536] for i in range(0, len(body), 65536))
    reply = requests.post(f"{limited.url}/aspects?action=ingestProposalBatch", data=chunks)
    assert reply.status_code == 413
    assert "max_body_bytes" in reply.json()["message"]


def test_batch_over_max_batch_size_is_413_and_nothing_is_written(limited: ServerProcess) -> None:
    urns = [_urn() for _ in range(6)]
    reply = _batch(limited, [_proposal(u, {"name": "n", "customProperties": {}}) for u in urns])
    assert reply.status_code == 413
    assert "max_batch_size=5" in reply.json()["message"]
    assert not any(_stored(limited, u) for u in urns)
    assert _batch(limited, [_proposal(u, {"name": "n", "customProperties": {}}) for u in urns[:5]]).status_code == 200


def test_sdk_sees_the_batch_limit(limited: ServerProcess) -> None:
    client = DataHubClient(server=limited.url)
    mcps = [
        MetadataChangeProposalWrapper(entityUrn=_urn(), aspect=models.MLModelGroupPropertiesClass(name=f"g{i}")) for i in range(6)
    ]
    with pytest.raises(OperationalError) as caught:
        client._graph.emit_mcps(mcps)
    assert "max_batch_size" in str(caught.value)
    assert not any(_stored(limited, mcp.entityUrn or "") for mcp in mcps)


def test_urn_over_max_urn_length_is_400(limited: ServerProcess) -> None:
    urn = _urn("u" * 120)
    reply = _batch(limited, [_proposal(urn, {"name": "n", "customProperties": {}})])
    assert reply.status_code == 400
    assert "max_urn_length=120" in reply.json()["message"]
    read = requests.get(f"{limited.url}/entitiesV2/{encoded(urn)}")
    assert read.status_code == 400 and "max_urn_length" in read.json()["message"]


def test_nesting_over_max_json_depth_is_400(limited: ServerProcess) -> None:
    urn = _urn()
    deep: dict = {}
    node = deep
    for _ in range(20):
        node["k"] = {}
        node = node["k"]
    reply = _batch(limited, [_proposal(urn, {"name": "n", "customProperties": {}, "x": deep})])
    assert reply.status_code == 400
    assert "max_json_depth=12" in reply.json()["message"]
    assert not _stored(limited, urn)
    pathological = requests.post(
        f"{limited.url}/aspects?action=ingestProposal",
        data="[" * 100_000 + "]" * 100_000,
        headers={"Content-Type": "application/json"},
    )
    assert pathological.status_code == 400 and "max_json_depth" in pathological.json()["message"]


def test_string_over_max_string_length_is_400(limited: ServerProcess) -> None:
    urn = _urn()
    reply = _batch(limited, [_proposal(urn, {"name": "n" * 1001, "customProperties": {}})])
    assert reply.status_code == 400
    assert "max_string_length=1000" in reply.json()["message"]
    assert not _stored(limited, urn)
    openapi = requests.post(
        f"{limited.url}/openapi/v3/entity/mlModelGroup?async=false",
        json=[{"urn": urn, "mlModelGroupProperties": {"value": {"name": "n" * 1001, "customProperties": {}}}}],
    )
    assert openapi.status_code == 400 and "max_string_length" in openapi.json()["message"]


def test_page_over_max_page_size_is_400(limited: ServerProcess) -> None:
    reply = requests.get(f"{limited.url}/relationships", params={"urn": _urn(), "direction": "INCOMING", "count": 51})
    assert reply.status_code == 400
    assert "max_page_size=50" in reply.json()["message"]
    listing = requests.post(f"{limited.url}/entities?action=listUrns", json={"entity": "mlModelGroup", "start": 0, "count": 51})
    assert listing.status_code == 400 and "max_page_size" in listing.json()["message"]


def test_slow_statement_is_cancelled_at_the_timeout(backend: str, tmp_path: Path) -> None:
    slow = {
        "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT count(*) FROM n",
        "postgres": "SELECT pg_sleep(30)",
    }[backend]
    with _database_with_timeout(backend, tmp_path) as database:
        with pytest.raises(QueryTimeout) as caught, database.read() as conn:
            conn.exec_driver_sql(slow).all()
        assert "statement_timeout_ms=200" in caught.value.message
        with database.read() as conn:  # the connection is usable afterwards
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1


def test_slow_point_read_is_cancelled_at_the_timeout(backend: str, tmp_path: Path) -> None:
    """The hot reads bypass SQLAlchemy's execute (store/sql/rawread.py); the timeout still holds."""
    slow = {
        "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) SELECT count(*) FROM n",
        "postgres": "SELECT pg_sleep(30) WHERE 1 = ?",
    }[backend]
    with _database_with_timeout(backend, tmp_path) as database:
        with pytest.raises(QueryTimeout, match="statement_timeout_ms=200"):
            database.fetch(slow, (1_000_000_000 if backend == "sqlite" else 1,))
        assert database.fetch("SELECT 1 WHERE 1 = ?", (1,)) == [(1,)]  # the pooled connection is usable


@contextmanager
def _database_with_timeout(backend: str, directory: Path) -> Iterator[Database]:
    """A temporary database whose statements are cancelled after 200 ms."""
    with temporary_database(backend, directory) as url:
        database = Database(url, statement_timeout_ms=200)
        try:
            yield database
        finally:
            database.close()
