"""GraphQL search, scroll, autocomplete, aggregation and browse, in DataHub's shapes."""

from __future__ import annotations

import pytest
import requests
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.metadata.schema_classes import BrowsePathEntryClass, BrowsePathsV2Class

from tests.compat.helpers import unique
from tests.search.helpers import graphql, model_group

SEARCH = """
query s($input: SearchAcrossEntitiesInput!) {
  searchAcrossEntities(input: $input) {
    start count total
    searchResults { entity { urn type ... on MLModelGroup { name properties { description } } } matchedFields { name } }
    facets { field displayName aggregations { value count entity { urn } } }
  }
}
"""


@pytest.fixture(scope="module")
def ranked(server):  # type: ignore[no-untyped-def]
    """A small catalog whose ranking is unambiguous: names beat descriptions beat custom properties."""
    from datahub.sdk import DataHubClient

    client = DataHubClient(server=server.url)
    w = unique("qk").replace("-", "")
    urns = {
        "exact": model_group(client, f"{w}", "plain", tags=("nlp",)),
        "name": model_group(client, f"{w}-churn-model", "predicts churn", tags=("nlp",)),
        "desc": model_group(client, f"other-{w[-6:]}-ranker", f"uses {w} features for ranking"),
        "prop": model_group(client, f"props-{w[-6:]}-model", "nothing here", properties={"source": w}),
        "both": model_group(client, f"{w}-fraud-detector", "catches card fraud"),
    }
    return client, w, urns


def _search(server, query: str, **extra) -> dict:  # type: ignore[no-untyped-def]
    variables = {"input": {"query": query, "types": ["MLMODEL_GROUP"], "start": 0, "count": 10, **extra}}
    return graphql(server, SEARCH, variables)["searchAcrossEntities"]


def _urns(result: dict) -> list[str]:
    return [r["entity"]["urn"] for r in result["searchResults"]]


def test_exact_name_then_name_words_then_description_then_properties(server, ranked) -> None:  # type: ignore[no-untyped-def]
    _, w, u = ranked
    result = _search(server, w)
    urns = _urns(result)
    assert result["total"] == 5
    assert urns[0] == u["exact"]
    assert urns.index(u["name"]) < urns.index(u["desc"]) < urns.index(u["prop"])


def test_all_words_rank_first_and_a_missing_word_does_not_empty_results(server, ranked) -> None:  # type: ignore[no-untyped-def]
    _, w, u = ranked
    # Other tests on the shared server also describe fraud: they may match the missing-word tiers too.
    urns = _urns(_search(server, f"{w} fraud detector", count=1000))
    assert urns[0] == u["both"]
    assert set(u.values()) <= set(urns)
    assert _urns(_search(server, f"{w} nonexistentword"))[0] == u["exact"]


def test_prefix_phrase_field_syntax_and_star(server, ranked) -> None:  # type: ignore[no-untyped-def]
    _, w, u = ranked
    assert _urns(_search(server, f"{w} fraud detect"))[0] == u["both"]
    assert _urns(_search(server, f'"card fraud" {w}'))[0] == u["both"]
    assert u["both"] in _urns(_search(server, '"card fraud"', count=1000))
    assert u["both"] not in _urns(_search(server, '"fraud card"', count=1000))
    assert set(_urns(_search(server, f"name:{w}-churn"))) == {u["name"]}
    assert _urns(_search(server, u["desc"])) == [u["desc"]]
    star = _search(
        server,
        "*",
        orFilters=[
            {"and": [{"field": "tags", "values": ["urn:li:tag:nlp"]}, {"field": "name", "condition": "CONTAIN", "values": [w]}]}
        ],
    )
    assert set(_urns(star)) == {u["exact"], u["name"]}


def test_facets_count_the_matches(server, ranked) -> None:  # type: ignore[no-untyped-def]
    _, w, _ = ranked
    facets = {f["field"]: f for f in _search(server, w)["facets"]}
    assert {"value": "MLMODEL_GROUP", "count": 5, "entity": None} in facets["_entityType"]["aggregations"]
    tags = facets["tags"]["aggregations"]
    assert tags == [{"value": "urn:li:tag:nlp", "count": 2, "entity": {"urn": "urn:li:tag:nlp"}}]
    assert facets["tags"]["displayName"] == "Tagged With"


SCROLL = """
query q($q: String!, $s: String) {
  scrollAcrossEntities(input: {query: $q, count: 2, scrollId: $s}) { nextScrollId searchResults { entity { urn } } }
}
"""
AUTOCOMPLETE = """
query a($q: String!) { autoComplete(input: {type: MLMODEL_GROUP, query: $q, limit: 5}) { query suggestions entities { urn } } }
"""
AUTOCOMPLETE_MANY = """
query a($q: String!) { autoCompleteForMultiple(input: {query: $q, limit: 10}) { suggestions { type suggestions } } }
"""
AGGREGATE = """
query a($q: String!) {
  aggregateAcrossEntities(input: {query: $q, facets: ["platform", "tags"]}) { facets { field aggregations { value count } } }
}
"""
BROWSE = """
query b($p: [String!]) {
  browseV2(input: {type: MLMODEL_GROUP, path: $p}) { total groups { name count hasSubGroups } metadata { path totalNumEntities } }
}
"""


def test_sort_and_paging_by_start_and_scroll(server, ranked) -> None:  # type: ignore[no-untyped-def]
    _, w, u = ranked
    by_name = _urns(_search(server, w, sortInput={"sortCriterion": {"field": "name", "sortOrder": "ASCENDING"}}))
    names = [urn.split(",")[1] for urn in by_name]
    assert names == sorted(names, key=str.lower)
    newest = _urns(_search(server, w, sortInput={"sortCriteria": [{"field": "lastModified", "sortOrder": "DESCENDING"}]}))
    assert newest[0] == u["both"]
    pages = [_urns(_search(server, w, start=start, count=2)) for start in (0, 2, 4)]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [urn for page in pages for urn in page] == _urns(_search(server, w))
    seen, scroll_id = [], None
    while True:
        page = graphql(server, SCROLL, {"q": w, "s": scroll_id})["scrollAcrossEntities"]
        seen += [r["entity"]["urn"] for r in page["searchResults"]]
        scroll_id = page["nextScrollId"]
        if not scroll_id:
            break
    assert seen == _urns(_search(server, w, types=None))


def test_autocomplete_single_and_multiple(server, ranked) -> None:  # type: ignore[no-untyped-def]
    _, w, u = ranked
    one = graphql(server, AUTOCOMPLETE, {"q": f"{w}-fr"})["autoComplete"]
    assert one["suggestions"] == [f"{w}-fraud-detector"]
    assert one["entities"] == [{"urn": u["both"]}]
    groups = graphql(server, AUTOCOMPLETE_MANY, {"q": w})["autoCompleteForMultiple"]["suggestions"]
    assert groups[0]["type"] == "MLMODEL_GROUP" and groups[0]["suggestions"][0] == w


def test_aggregate_across_entities(server, ranked) -> None:  # type: ignore[no-untyped-def]
    _, w, _ = ranked
    data = graphql(server, AGGREGATE, {"q": w})["aggregateAcrossEntities"]
    facets = {f["field"]: f["aggregations"] for f in data["facets"]}
    assert facets["platform"] == [{"value": "urn:li:dataPlatform:mlflow", "count": 5}]
    assert facets["tags"] == [{"value": "urn:li:tag:nlp", "count": 2}]


def test_browse_v2_groups_by_browse_path(server) -> None:  # type: ignore[no-untyped-def]
    from datahub.sdk import DataHubClient

    client = DataHubClient(server=server.url)
    root = unique("browse")
    for name, path in [("a", [root, "team-a"]), ("b", [root, "team-a"]), ("c", [root, "team-b"])]:
        urn = model_group(client, f"{root}-{name}")
        entries = [BrowsePathEntryClass(id=p) for p in path]
        client._graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=BrowsePathsV2Class(path=entries)))
    top = graphql(server, BROWSE, {"p": [root]})["browseV2"]
    assert top["groups"] == [
        {"name": "team-a", "count": 2, "hasSubGroups": False},
        {"name": "team-b", "count": 1, "hasSubGroups": False},
    ]
    assert top["metadata"] == {"path": [root], "totalNumEntities": 3}


def test_search_flags_introspection_and_bad_filter(server) -> None:  # type: ignore[no-untyped-def]
    fields = graphql(
        server, "query inputTypeFields($name: String!) { __type(name: $name) { inputFields { name } } }", {"name": "SearchFlags"}
    )
    names = {f["name"] for f in fields["__type"]["inputFields"]}
    assert {"skipCache", "includeSoftDeleted", "skipAggregates", "maxAggValues"} <= names
    reply = requests.post(
        f"{server.url}/api/graphql",
        json={
            "query": SEARCH,
            "variables": {
                "input": {
                    "query": "x",
                    "orFilters": [{"and": [{"field": "createdAt", "condition": "GREATER_THAN", "values": ["soon"]}]}],
                }
            },
        },
        timeout=30,
    ).json()
    assert "GREATER_THAN needs a number" in reply["errors"][0]["message"]
