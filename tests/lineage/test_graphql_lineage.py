"""GraphQL lineage in DataHub's shapes, the entity lineage field and mlcatalog's mlImpact."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.lineage.chain import Chain
from tests.lineage.conftest import graphql

SCROLL = """
query scroll($input: ScrollAcrossLineageInput!) { scrollAcrossLineage(input: $input) {
  nextScrollId count total searchResults { degree degrees entity { urn type } paths { path { urn } } } } }
"""
SEARCH = """
query search($input: SearchAcrossLineageInput!) { searchAcrossLineage(input: $input) {
  start count total searchResults { degree entity { urn } } } }
"""
IMPACT = """
query impact($urn: String!) { mlImpact(urn: $urn) { urn total entities {
  degree entity { urn type } path { path { urn } } owners { owner { ... on CorpUser { username } } } } } }
"""


def test_scroll_pages_and_paths_through_the_cycle(server, chain: Chain) -> None:  # type: ignore[no-untyped-def]
    results, scroll_id, pages = [], None, 0
    while True:
        variables = {"input": {"urn": chain.raw, "direction": "DOWNSTREAM", "count": 4, "scrollId": scroll_id}}
        data = graphql(server, SCROLL, variables)["data"]["scrollAcrossLineage"]
        results += data["searchResults"]
        pages += 1
        scroll_id = data["nextScrollId"]
        if not scroll_id:
            break
    assert pages == 3 and data["total"] == len(results) == 11
    by_urn = {r["entity"]["urn"]: r for r in results}
    scores = by_urn[chain.scores]
    path = [p["urn"] for p in scores["paths"][0]["path"]]
    assert path == [chain.raw, chain.prep, chain.features, chain.train, chain.model_a, chain.group, chain.score, chain.scores]
    # prep is one hop from raw and is reached again around the cycle (scores feed prep).
    assert by_urn[chain.prep]["degree"] == 1 and 8 in by_urn[chain.prep]["degrees"]


def test_search_across_lineage_filters_text_type_and_soft_deleted(server, chain: Chain) -> None:  # type: ignore[no-untyped-def]
    base = {"urn": chain.features, "direction": "DOWNSTREAM", "count": 50}
    typed = graphql(server, SEARCH, {"input": {**base, "types": ["MLMODEL"]}})["data"]["searchAcrossLineage"]
    assert {r["entity"]["urn"] for r in typed["searchResults"]} == {chain.model_a, chain.model_b, chain.old}
    flags = {"includeSoftDeleted": True}
    with_removed = graphql(server, SEARCH, {"input": {**base, "types": ["MLMODEL"], "searchFlags": flags}})
    assert chain.retired in {r["entity"]["urn"] for r in with_removed["data"]["searchAcrossLineage"]["searchResults"]}
    text = graphql(server, SEARCH, {"input": {**base, "query": "trains models"}})["data"]["searchAcrossLineage"]
    assert [r["entity"]["urn"] for r in text["searchResults"]] == [chain.train]


def test_unsupported_filter_is_a_clear_error(server, chain: Chain) -> None:  # type: ignore[no-untyped-def]
    bad = {"urn": chain.raw, "direction": "UPSTREAM", "orFilters": [{"and": [{"field": "colour", "values": ["red"]}]}]}
    reply = graphql(server, SEARCH, {"input": bad})
    assert reply["data"]["searchAcrossLineage"] is None
    assert "colour" in reply["errors"][0]["message"]


def test_group_members_through_relationships_and_lineage(server, chain: Chain) -> None:  # type: ignore[no-untyped-def]
    query = """query g($urn: String!) { mlModelGroup(urn: $urn) {
      members: relationships(input: {types: ["MemberOf"], direction: INCOMING}) { total relationships { entity { urn } } }
      all: relationships(input: {types: ["MemberOf"], direction: INCOMING, includeSoftDelete: true}) { total }
      lineage(input: {direction: UPSTREAM}) { total relationships { type degree entity { urn type } } } } }"""
    group = graphql(server, query, {"urn": chain.group})["data"]["mlModelGroup"]
    members = {r["entity"]["urn"] for r in group["members"]["relationships"]}
    assert members == {chain.model_a, chain.model_b} and group["all"]["total"] == 3
    lineage = {(r["type"], r["entity"]["urn"]) for r in group["lineage"]["relationships"]}
    assert lineage == {("MemberOf", chain.model_a), ("MemberOf", chain.model_b)}


def test_ml_impact_lists_live_models_and_groups_with_owners(server, chain: Chain) -> None:  # type: ignore[no-untyped-def]
    data = graphql(server, IMPACT, {"urn": chain.raw})["data"]["mlImpact"]
    found = {e["entity"]["urn"]: e for e in data["entities"]}
    assert set(found) == {chain.model_a, chain.model_b, chain.group}  # not deprecated `old`, not removed `retired`
    assert found[chain.model_a]["owners"] == [{"owner": {"username": "alice"}}]
    assert found[chain.model_b]["owners"] == [{"owner": {"username": "bob"}}]
    assert [p["urn"] for p in found[chain.model_b]["path"]["path"]] == [
        chain.raw,
        chain.prep,
        chain.features,
        chain.run,
        chain.model_b,
    ]


def test_impact_cli_reads_the_same_answer(server, chain: Chain) -> None:  # type: ignore[no-untyped-def]
    command = [sys.executable, "-m", "mlcatalog", "impact", chain.extra, "--json", "--database", server.database_url]
    out = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    # extra -> model_b -> group -> score job -> scores -> (cycle) prep -> features -> train -> model_a
    assert {(r["urn"], r["hops"], tuple(r["owners"])) for r in payload["impacted"]} == {
        (chain.model_b, 1, ("urn:li:corpuser:bob",)),
        (chain.group, 2, ()),
        (chain.model_a, 8, ("urn:li:corpuser:alice",)),
    }
