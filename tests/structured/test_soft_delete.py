"""Soft-deleting a definition hides its values from reads, full text, filters and facets; restoring brings them back."""

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
SEARCH = """
query s($input: SearchAcrossEntitiesInput!) {
  searchAcrossEntities(input: $input) { total searchResults { entity { urn
    ... on MLModelGroup { structuredProperties { properties { structuredProperty { urn } } } } } } }
}
"""
AGGREGATE = """
query a($input: AggregateAcrossEntitiesInput!) {
  aggregateAcrossEntities(input: $input) { facets { field aggregations { value count } } }
}
"""


@pytest.fixture
def shade(server, cli, tmp_path):  # type: ignore[no-untyped-def]
    """A fresh property ``<ns>.shade`` and a model group holding a value only it carries."""
    own = unique("io.shade").replace("-", "")
    path = tmp_path / "shade.yaml"
    path.write_text(f"- id: {own}.shade\n  type: string\n  display_name: Shade\n  entity_types: [mlModelGroup]\n")
    cli("properties", "upsert", "-f", str(path))
    client = DataHubClient(server=server.url)
    word, value = unique("shadeq").replace("-", ""), unique("amber").replace("-", "")
    group = f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{word},PROD)"
    aspect = models.StructuredPropertiesClass(
        properties=[models.StructuredPropertyValueAssignmentClass(propertyUrn=f"{PREFIX}{own}.shade", values=[value])]
    )
    client._graph.emit(MetadataChangeProposalWrapper(entityUrn=group, aspect=aspect))
    return client, f"{PREFIX}{own}.shade", f"structuredProperties.{own}.shade", word, value, group


def _visible(server, client, field: str, word: str, value: str, group: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What each read path shows of the value: filter hits, full-text hits, facet counts, GraphQL values."""
    filtered = set(map(str, client.search.get_urns(query=word, filter=F.custom_filter(field, "EQUAL", [value]))))
    text = set(map(str, client.search.get_urns(query=value)))
    facets = graphql(server, AGGREGATE, {"input": {"query": word, "types": ["MLMODEL_GROUP"], "facets": [field]}})
    facet = [f for f in facets["aggregateAcrossEntities"]["facets"] if f["field"] == field]
    counts = {a["value"]: a["count"] for f in facet for a in f["aggregations"]}
    found = graphql(server, SEARCH, {"input": {"query": word, "types": ["MLMODEL_GROUP"]}})["searchAcrossEntities"]
    entries = [p for r in found["searchResults"] for p in r["entity"]["structuredProperties"]["properties"]]
    shown = [p["structuredProperty"]["urn"] for p in entries]
    return {"filter": filtered, "text": text, "facet": counts, "graphql": shown}


def test_soft_delete_hides_values_from_search_and_restore_brings_them_back(server, shade) -> None:  # type: ignore[no-untyped-def]
    client, prop, field, word, value, group = shade
    before = _visible(server, client, field, word, value, group)
    assert before == {"filter": {group}, "text": {group}, "facet": {value: 1}, "graphql": [prop]}

    client._graph.soft_delete_entity(prop)
    with pytest.raises(Exception, match="soft-deleted structured property"):
        list(client.search.get_urns(query=word, filter=F.custom_filter(field, "EQUAL", [value])))
    assert set(map(str, client.search.get_urns(query=value))) == set()
    facets = graphql(server, AGGREGATE, {"input": {"query": word, "types": ["MLMODEL_GROUP"], "facets": [field]}})
    assert all(not f["aggregations"] for f in facets["aggregateAcrossEntities"]["facets"] if f["field"] == field)
    found = graphql(server, SEARCH, {"input": {"query": word, "types": ["MLMODEL_GROUP"]}})["searchAcrossEntities"]
    assert [r["entity"]["urn"] for r in found["searchResults"]] == [group]  # the entity itself stays findable
    assert found["searchResults"][0]["entity"]["structuredProperties"]["properties"] == []

    client._graph.emit(MetadataChangeProposalWrapper(entityUrn=prop, aspect=models.StatusClass(removed=False)))
    assert _visible(server, client, field, word, value, group) == before


def test_restli_filter_on_soft_deleted_property_is_refused(server, shade) -> None:  # type: ignore[no-untyped-def]
    client, prop, field, word, value, _group = shade
    client._graph.soft_delete_entity(prop)
    criterion = {"field": field, "values": [value], "condition": "EQUAL"}
    body = {"input": word, "entity": "mlModelGroup", "start": 0, "count": 10, "filter": {"or": [{"and": [criterion]}]}}
    reply = requests.post(f"{server.url}/entities?action=search", json=body, timeout=30)
    assert reply.status_code == 422 and "soft-deleted structured property" in reply.text and prop in reply.text


def test_soft_deleted_definition_cannot_be_changed_until_restored(server, shade) -> None:  # type: ignore[no-untyped-def]
    client, prop, *_ = shade
    client._graph.soft_delete_entity(prop)
    definition = models.StructuredPropertyDefinitionClass(
        qualifiedName=prop.removeprefix(PREFIX),
        valueType="urn:li:dataType:datahub.string",
        entityTypes=["urn:li:entityType:datahub.mlModelGroup"],
        displayName="Renamed",
    )
    with pytest.raises(Exception, match="soft-deleted and cannot be changed"):
        client._graph.emit(MetadataChangeProposalWrapper(entityUrn=prop, aspect=definition))
    client._graph.emit(MetadataChangeProposalWrapper(entityUrn=prop, aspect=models.StatusClass(removed=False)))
    client._graph.emit(MetadataChangeProposalWrapper(entityUrn=prop, aspect=definition))
    assert client._graph.get_aspect(prop, models.StructuredPropertyDefinitionClass).displayName == "Renamed"


def test_search_rebuild_keeps_values_of_soft_deleted_definitions_out(server, shade) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    client, prop, _field, word, value, group = shade
    client._graph.soft_delete_entity(prop)
    command = [sys.executable, "-m", "mlcatalog", "search", "rebuild", "--database", server.database_url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert set(map(str, client.search.get_urns(query=value))) == set()
    assert set(map(str, client.search.get_urns(query=word))) == {group}
