"""Revisions 0013 (field rows keyed by document id) and 0016 (facet tokens with one prefix): an index
built before them keeps answering."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text

from mlcatalog.registry import get_registry
from mlcatalog.services.ingest import IngestService
from mlcatalog.services.proposals import Proposal
from mlcatalog.services.search import SearchRequest, SearchService
from mlcatalog.store.sql.database import MIGRATIONS, Database
from mlcatalog.store.sql.store import SqlStore
from tests.support.databases import temporary_database


def _group(name: str, tags: list[str]) -> list[Proposal]:
    urn = f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{name},PROD)"
    return [
        Proposal(urn, "mlModelGroupProperties", value={"name": name, "description": f"the {name} model"}),
        Proposal(urn, "globalTags", value={"tags": [{"tag": f"urn:li:tag:{tag}"} for tag in tags]}),
    ]


def _move(database: Database, revision: str, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.connect() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)
        conn.commit()


def _rows_by_urn(conn: Connection, key: str) -> list[tuple[object, ...]]:
    join = "d.urn = f.urn" if key == "urn" else "d.id = f.doc_id"
    query = f"SELECT d.urn, f.field, f.value_lc, f.value FROM search_field f JOIN search_document d ON {join} ORDER BY 1, 2, 3"
    return [tuple(row) for row in conn.execute(text(query))]


def test_field_rows_move_to_document_ids_and_back(backend: str, tmp_path: Path) -> None:
    with temporary_database(backend, tmp_path) as url:
        database = Database(url)
        try:
            database.migrate()
            store = SqlStore(database)
            IngestService(store, get_registry()).ingest(_group("churn", ["pii", "tier1"]) + _group("fraud", ["tier1"]))
            with database.read() as conn:
                before = _rows_by_urn(conn, "doc_id")
            churn = "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,churn,PROD)"
            assert (churn, "tags", "urn:li:tag:pii", "urn:li:tag:pii") in before

            _move(database, "0012_search_facets", down=True)
            with database.read() as conn:
                assert _rows_by_urn(conn, "urn") == before
            _move(database, "heads")
            with database.read() as conn:
                assert _rows_by_urn(conn, "doc_id") == before

            # A filter SQL answers (CONTAIN) and a facet both read the migrated rows.
            contain = [{"and": [{"field": "tags", "condition": "CONTAIN", "values": ["pii"]}]}]
            service = SearchService(store, get_registry())
            page = service.search(SearchRequest(query="*", or_filters=contain, facets=["tags"]))
            assert [hit.urn for hit in page.hits] == [churn]
            assert dict(page.facets["tags"]) == {"urn:li:tag:pii": 1, "urn:li:tag:tier1": 1}

            # Equality filters are FTS5 facet tokens on SQLite, rewritten by 0016 on the way down and up.
            not_pii = [{"and": [{"field": "tags", "values": ["urn:li:tag:pii"], "negated": True}]}]
            page = service.search(SearchRequest(query="model", or_filters=not_pii))
            assert [hit.urn for hit in page.hits] == ["urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,fraud,PROD)"]
        finally:
            database.close()
