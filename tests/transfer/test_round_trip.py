"""`mlcatalog export` / `mlcatalog import`: SQLite -> {backend} -> SQLite gives the same catalog."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select, text

from mlcatalog.registry import get_registry
from mlcatalog.services.rules import RuleService
from mlcatalog.services.search import SearchRequest, SearchService
from mlcatalog.services.timeseries import TimeseriesService
from mlcatalog.store.sql import SqlStore, open_store, tables
from mlcatalog.store.sql.transfer_tables import SECTIONS
from tests.support.databases import temporary_database
from tests.transfer.catalog import DATASET, GROUP, JOB, RUN, model, populate


def mlcatalog(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "mlcatalog", *args], capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    return result


def _rows(store: SqlStore, table: object, order: list[str]) -> list[tuple[object, ...]]:
    with store.db.read() as conn:
        return [tuple(row) for row in conn.execute(select(table).order_by(*(table.c[name] for name in order)))]  # type: ignore[attr-defined]


def _search_rows(store: SqlStore) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    documents = [row[1:] for row in _rows(store, tables.search_document, ["urn"])]  # without the surrogate id
    fields, docs = tables.search_field, tables.search_document
    query = (
        select(docs.c.urn, fields.c.field, fields.c.value_lc, fields.c.value, fields.c.num)
        .join(docs, docs.c.id == fields.c.doc_id)
        .order_by(docs.c.urn, fields.c.field, fields.c.value_lc)
    )
    with store.db.read() as conn:  # field rows by their document's URN: ids differ between stores
        return documents, [tuple(row) for row in conn.execute(query)]


def test_sqlite_to_backend_to_sqlite_gives_an_identical_catalog(backend: str, tmp_path: Path) -> None:
    source_url, final_url = f"sqlite:///{tmp_path / 'source.db'}", f"sqlite:///{tmp_path / 'final.db'}"
    source = open_store(source_url)
    populate(source)
    source.close()

    with temporary_database(backend, tmp_path) as middle_url:
        exported = mlcatalog("export", str(tmp_path / "a.jsonl"), "--database", source_url)
        assert "exported 17 aspect rows of 5 entities, 3 timeseries points" in exported.stdout
        imported = mlcatalog("import", str(tmp_path / "a.jsonl"), "--database", middle_url)
        assert "imported 17 aspect rows of 5 entities, 3 timeseries points" in imported.stdout
        mlcatalog("export", str(tmp_path / "b.jsonl.gz"), "--database", middle_url)
        middle = open_store(middle_url)
        try:
            middle_edges = middle.related(GROUP, ["MemberOf"], incoming=True, start=0, count=10)
            found = SearchService(middle, get_registry()).search(SearchRequest(query="Startseite"))
            assert [hit.urn for hit in found.hits] == [GROUP]  # the search index was rebuilt on this backend
            rule = RuleService(middle).add({"name": "after import", "appliesTo": {"deprecation": True},
                                            "conditions": [{"groupNotDeprecated": True}]})  # fmt: skip
            assert rule["id"] == 3  # the imported rule kept id 2 and the next id is past it
            if backend == "postgres":  # import analysed the tables: the planner knows their size (-1: never)
                with middle.db.read() as conn:
                    reltuples = conn.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'metadata_aspect_v2'"))
                    assert reltuples.scalar() == 17
        finally:
            middle.close()
    mlcatalog("import", str(tmp_path / "b.jsonl.gz"), "--database", final_url)
    mlcatalog("export", str(tmp_path / "c.jsonl"), "--database", final_url)

    a = (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()
    b = gzip.decompress((tmp_path / "b.jsonl.gz").read_bytes()).decode("utf-8").splitlines()
    c = (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()
    assert a[1:] == b[1:] == c[1:]  # every version, value, systemMetadata, createdon and createdby, byte for byte
    assert json.loads(b[0])["source"] == {"sqlite": "sqlite", "postgres": "postgresql"}[backend]
    assert [m.urn for m in middle_edges[1]] == [model(1), model(2), model(3)]

    source, final = open_store(source_url), open_store(final_url)
    try:
        aspect_key = ["urn", "aspect", "version"]
        assert _rows(final, tables.aspects, aspect_key) == _rows(source, tables.aspects, aspect_key)
        edge_key = ["source_urn", "aspect", "relationship", "destination_urn"]
        assert _rows(final, tables.edges, edge_key) == _rows(source, tables.edges, edge_key)  # rebuilt, same stamps
        for table, key in SECTIONS.values():  # carried row for row
            assert _rows(final, table, list(key)) == _rows(source, table, list(key)), table.name
        assert _search_rows(final) == _search_rows(source)  # rebuilt: same documents and facet values
        assert len(_rows(final, tables.access_tokens, ["id"])) == 0  # never exported
        history = final.get_aspect(GROUP, "mlModelGroupProperties", 1)
        assert history is not None and history.value["description"] == "first draft"
        assert history.created_by == "urn:li:corpuser:alice"
        job = final.get_aspect(JOB, "dataJobInputOutput")
        assert job is not None and job.system_metadata is not None and job.system_metadata["runId"] == "nightly-7"
        points = TimeseriesService(final, get_registry())
        assert sorted(p.value["rowCount"] for p in points.values(DATASET, "datasetProfile")) == [300, 1200]
        assert points.values(RUN, "dataProcessInstanceRunEvent")[0].value["status"] == "COMPLETE"
        assert [run.run_id for run in final.history.runs(0, 10, include_rolled_back=True)] == ["nightly-7"]
    finally:
        source.close()
        final.close()
