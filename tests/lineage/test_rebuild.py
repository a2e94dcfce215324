"""`mlcatalog graph rebuild` regenerates exactly the edges (and soft-delete marks) that writes produced."""

from __future__ import annotations

import subprocess
import sys

from datahub.sdk import DataHubClient
from sqlalchemy import create_engine, text

from tests.lineage.chain import build_chain

EDGE_COLUMNS = (
    "source_urn, aspect, relationship, destination_urn, is_lineage, is_upstream, created_on, created_actor, "
    "via, properties, upstream_urn, downstream_urn"
)


def graph_rows(database_url: str) -> tuple[set[tuple], set[str]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            edges = {tuple(row) for row in conn.execute(text(f"SELECT {EDGE_COLUMNS} FROM metadata_edge"))}
            removed = set(conn.execute(text("SELECT urn FROM metadata_graph_removed")).scalars())
    finally:
        engine.dispose()
    return edges, removed


def rebuild(database_url: str) -> str:
    command = [sys.executable, "-m", "mlcatalog", "graph", "rebuild", "--database", database_url]
    out = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_rebuild_produces_the_identical_edge_set(make_server) -> None:  # type: ignore[no-untyped-def]
    server = make_server()
    chain = build_chain(DataHubClient(server=server.url))
    written_edges, written_removed = graph_rows(server.database_url)
    assert len(written_edges) > 20 and written_removed == {chain.retired}

    report = rebuild(server.database_url)
    assert f"{len(written_edges)} edges before, {len(written_edges)} after" in report
    assert graph_rows(server.database_url) == (written_edges, written_removed)

    engine = create_engine(server.database_url)
    with engine.begin() as conn:  # lose the graph, as a bad restore would
        conn.execute(text("DELETE FROM metadata_edge WHERE relationship <> 'OwnedBy'"))
        conn.execute(text("DELETE FROM metadata_graph_removed"))
    engine.dispose()
    rebuild(server.database_url)
    assert graph_rows(server.database_url) == (written_edges, written_removed)
    group_members = DataHubClient(server=server.url).lineage.get_lineage(source_urn=chain.group, direction="upstream")
    assert {r.urn for r in group_members} == {chain.model_a, chain.model_b}
