"""Relevance: labelled queries over a generated ML catalog; mean reciprocal rank must stay above a floor.

The floor was set from the first honest run (see docs/search.md); a ranking change that lowers MRR
below it fails here, one that raises it should raise the floor.
"""

from __future__ import annotations

import requests

from tests.search_relevance.catalog import group_urn, proposals
from tests.search_relevance.queries import LABELLED

MRR_FLOOR = 0.97
SEARCH = """
query s($q: String!) {
  searchAcrossEntities(input: {query: $q, types: [MLMODEL_GROUP], count: 10}) { searchResults { entity { urn } } }
}
"""


def test_labelled_queries_mean_reciprocal_rank(make_server) -> None:  # type: ignore[no-untyped-def]
    from datahub.sdk import DataHubClient

    server = make_server()
    graph = DataHubClient(server=server.url)._graph
    graph.emit_mcps(proposals())
    assert len(LABELLED) >= 40

    ranks = {}
    for query, expected in LABELLED:
        reply = requests.post(f"{server.url}/api/graphql", json={"query": SEARCH, "variables": {"q": query}}, timeout=30)
        urns = [r["entity"]["urn"] for r in reply.json()["data"]["searchAcrossEntities"]["searchResults"]]
        ranks[query] = urns.index(group_urn(expected)) + 1 if group_urn(expected) in urns else None
    mrr = sum(1 / r for r in ranks.values() if r) / len(ranks)
    misses = {q: r for q, r in ranks.items() if r != 1}
    print(f"\nsearch relevance: MRR {mrr:.3f} over {len(ranks)} labelled queries; not first: {misses}")
    assert mrr >= MRR_FLOOR, f"MRR {mrr:.3f} fell below {MRR_FLOOR}; not first: {misses}"
