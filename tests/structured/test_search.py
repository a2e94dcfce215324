"""Searching model groups by structured property value: equality, IN, number and date ranges, facets."""

from __future__ import annotations

import datahub.metadata.schema_classes as models
import pytest
import requests
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.sdk import DataHubClient
from datahub.sdk.search_filters import FilterDsl as F

from tests.compat.helpers import unique
from tests.search.helpers import graphql

PREFIX = "urn:li:structuredProperty:"


@pytest.fixture(scope="module")
def catalog(server, ns):  # type: ignore[no-untyped-def]
    """Three model groups with tier, retention and review date set."""
    client = DataHubClient(server=server.url)
    word = unique("spq").replace("-", "")
    rows = {"a": ("gold", 30.0, "2026-01-10"), "b": ("silver", 90.0, "2026-03-01"), "c": ("gold", 365.0, "2026-06-30")}
    urns = {}
    for key, (tier, retention, reviewed) in rows.items():
        urn = f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{word}-{key},PROD)"
        values = {"tier": [tier], "retention": [retention], "reviewed": [reviewed]}
        aspect = models.StructuredPropertiesClass(
            properties=[
                models.StructuredPropertyValueAssignmentClass(propertyUrn=f"{PREFIX}{ns}.{name}", values=v)
                for name, v in values.items()
            ]
        )
        client._graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=aspect))
        urns[key] = urn
    return client, word, urns


def _sdk(client, word: str, name: str, condition: str, values: list[str]) -> set[str]:  # type: ignore[no-untyped-def]
    filter = F.custom_filter(f"structuredProperties.{name}", condition, values)
    return set(map(str, client.search.get_urns(query=word, filter=filter)))


def test_sdk_filters_by_equality_in_and_ranges(catalog, ns) -> None:  # type: ignore[no-untyped-def]
    client, word, u = catalog
    assert _sdk(client, word, f"{ns}.tier", "EQUAL", ["gold"]) == {u["a"], u["c"]}
    assert _sdk(client, word, f"{ns}.tier", "EQUAL", ["gold", "silver"]) == {u["a"], u["b"], u["c"]}
    assert _sdk(client, word, f"{ns}.retention", "GREATER_THAN", ["60"]) == {u["b"], u["c"]}
    assert _sdk(client, word, f"{ns}.retention", "LESS_THAN_OR_EQUAL_TO", ["90"]) == {u["a"], u["b"]}
    assert _sdk(client, word, f"{ns}.reviewed", "GREATER_THAN_OR_EQUAL_TO", ["2026-03-01"]) == {u["b"], u["c"]}
    assert _sdk(client, word, f"{ns}.reviewed", "LESS_THAN", ["2026-02-01"]) == {u["a"]}


def test_restli_search_filters_by_property(server, catalog, ns) -> None:  # type: ignore[no-untyped-def]
    _client, word, u = catalog
    criterion = {"field": f"structuredProperties.{ns}.retention", "values": ["100"], "condition": "GREATER_THAN"}
    body = {"input": word, "entity": "mlModelGroup", "start": 0, "count": 10, "filter": {"or": [{"and": [criterion]}]}}
    value = requests.post(f"{server.url}/entities?action=search", json=body, timeout=30).json()["value"]
    assert [e["entity"] for e in value["entities"]] == [u["c"]]


SEARCH = """
query s($input: SearchAcrossEntitiesInput!) {
  searchAcrossEntities(input: $input) { total searchResults { entity { urn } } }
}
"""
AGGREGATE = """
query a($input: AggregateAcrossEntitiesInput!) {
  aggregateAcrossEntities(input: $input) { facets { field aggregations { value count } } }
}
"""


def test_graphql_filter_and_facet_on_property(server, catalog, ns) -> None:  # type: ignore[no-untyped-def]
    _client, word, u = catalog
    field = f"structuredProperties.{ns}.tier"
    variables = {
        "input": {
            "query": word,
            "types": ["MLMODEL_GROUP"],
            "count": 10,
            "orFilters": [{"and": [{"field": field, "values": ["silver"], "condition": "EQUAL"}]}],
        }
    }
    result = graphql(server, SEARCH, variables)["searchAcrossEntities"]
    assert [r["entity"]["urn"] for r in result["searchResults"]] == [u["b"]]
    unfiltered = {"input": {"query": word, "types": ["MLMODEL_GROUP"], "facets": [field]}}
    facets = {f["field"]: f for f in graphql(server, AGGREGATE, unfiltered)["aggregateAcrossEntities"]["facets"]}
    assert {(a["value"], a["count"]) for a in facets[field]["aggregations"]} == {("gold", 2), ("silver", 1)}
