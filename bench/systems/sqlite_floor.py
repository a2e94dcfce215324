"""The floor: raw ``sqlite3`` storing the same aspect rows, an FTS5 index and an edge table.

No HTTP, no validation, no versioning: one ``executemany`` per 200 aspects (the SDK's batch
size) in a WAL database, as fast as Python can put these rows into SQLite. The gap to it is
what mlcatalog's server layers (and the SDK client) cost.
"""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any

from bench.context import Context
from bench.measure import Figure, Results, latencies, percentiles, rate, size_mb

SCHEMA = """
CREATE TABLE metadata_aspect_v2 (urn TEXT, aspect TEXT, version INTEGER, metadata TEXT, systemmetadata TEXT,
    createdon INTEGER, createdby TEXT, PRIMARY KEY (urn, aspect, version));
CREATE TABLE edges (source TEXT, relationship TEXT, destination TEXT, PRIMARY KEY (source, relationship, destination));
CREATE INDEX edges_destination ON edges (destination, relationship);
CREATE VIRTUAL TABLE search USING fts5(urn UNINDEXED, name, description);
"""
# Which aspect fields hold names, descriptions and relationship targets in this workload.
TEXT_ASPECTS = {"mlModelGroupProperties", "mlModelProperties", "editableDatasetProperties", "dataJobInfo"}
EDGE_FIELDS = {
    "mlModelProperties": (("groups", "MemberOf"), ("trainingJobs", "TrainedBy")),
    "dataJobInputOutput": (("inputDatasets", "Consumes"),),
}
LINEAGE_QUERY = """
WITH RECURSIVE upstream(urn, hops) AS (
    SELECT ?, 0
    UNION
    SELECT e.destination, u.hops + 1 FROM edges e JOIN upstream u ON e.source = u.urn
    WHERE u.hops < 3 AND e.relationship IN ('TrainedBy', 'Consumes', 'DownstreamOf')
)
SELECT urn FROM upstream WHERE hops > 0
"""
BATCH = 200


def _rows(mcps: list[Any], now_ms: int) -> tuple[list[tuple], list[tuple], list[tuple]]:
    aspects, edges, documents = [], [], []
    for mcp in mcps:
        value = mcp.aspect.to_obj()
        aspects.append((mcp.entityUrn, mcp.aspectName, 0, json.dumps(value), None, now_ms, "urn:li:corpuser:bench"))
        for field, relationship in EDGE_FIELDS.get(mcp.aspectName, ()):
            edges += [(mcp.entityUrn, relationship, target) for target in value.get(field, [])]
        if mcp.aspectName == "upstreamLineage":
            edges += [(mcp.entityUrn, "DownstreamOf", up["dataset"]) for up in value["upstreams"]]
        if mcp.aspectName in TEXT_ASPECTS:
            documents.append((mcp.entityUrn, value.get("name", ""), value.get("description", "")))
    return aspects, edges, documents


def run(ctx: Context) -> Results:
    path = ctx.workdir / "floor.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(SCHEMA)
    mcps = ctx.flat()
    started = time.perf_counter()
    for start in range(0, len(mcps), BATCH):
        aspects, edges, documents = _rows(mcps[start : start + BATCH], int(time.time() * 1000))
        db.execute("BEGIN")
        db.executemany("INSERT OR REPLACE INTO metadata_aspect_v2 VALUES (?,?,?,?,?,?,?)", aspects)
        db.executemany("INSERT OR IGNORE INTO edges VALUES (?,?,?)", edges)
        db.executemany("INSERT INTO search VALUES (?,?,?)", documents)
        db.execute("COMMIT")
    results: Results = {"ingest batch": rate(len(mcps), time.perf_counter() - started, "executemany, 200 per transaction")}
    results["database size"] = Figure(size_mb(path), "MB")

    def get(urn: str) -> dict[str, Any]:
        rows = db.execute("SELECT aspect, metadata FROM metadata_aspect_v2 WHERE urn = ? AND version = 0", (urn,))
        return {aspect: json.loads(metadata) for aspect, metadata in rows}

    def search(term: str) -> list[Any]:
        return db.execute("SELECT urn FROM search WHERE search MATCH ? ORDER BY rank LIMIT 10", (term,)).fetchall()

    def related(urn: str) -> list[Any]:
        query = "SELECT source FROM edges WHERE destination = ? AND relationship = 'MemberOf' ORDER BY source LIMIT 100"
        return db.execute(query, (urn,)).fetchall()

    models = ctx.model_sample()
    results.update(percentiles(latencies(get, models), "get entity", "SELECT + json.loads"))
    results.update(percentiles(latencies(search, ctx.search_terms()), "search", "FTS5 MATCH, top 10 by bm25"))
    results.update(percentiles(latencies(related, ctx.group_sample()), "relationships"))
    results.update(
        percentiles(latencies(lambda urn: db.execute(LINEAGE_QUERY, (urn,)).fetchall(), models), "lineage 3-hop", "recursive CTE")
    )
    db.close()
    return results
