"""The registry is derived from acryl-datahub's model: entity types, aspects, annotations."""

from __future__ import annotations

import pytest
from datahub.metadata import schema_classes

from mlcatalog.errors import InvalidInput
from mlcatalog.registry import get_registry

registry = get_registry()


def test_every_datahub_entity_type_is_registered_with_its_key() -> None:
    assert set(registry.entities) == set(schema_classes.KEY_ASPECTS)
    group = registry.entity("mlModelGroup")
    assert group.key_aspect == "mlModelGroupKey"
    assert {
        "mlModelGroupProperties",
        "ownership",
        "globalTags",
        "glossaryTerms",
        "domains",
        "institutionalMemory",
        "deprecation",
        "status",
        "container",
        "structuredProperties",
    } <= group.aspects
    assert group.snapshot_fqn == "com.linkedin.metadata.snapshot.MLModelGroupSnapshot"


def test_aspect_fqn_is_the_pegasus_name() -> None:
    assert registry.aspect("mlModelGroupProperties").fqn == "com.linkedin.ml.metadata.MLModelGroupProperties"
    assert registry.aspect("ownership").fqn == "com.linkedin.common.Ownership"
    assert registry.aspect("mlModelGroupKey").fqn == "com.linkedin.metadata.key.MLModelGroupKey"


def test_relationship_annotations_become_paths() -> None:
    found = {(r.name, r.path) for r in registry.aspect("mlModelProperties").relationships}
    assert ("MemberOf", ("groups", "*")) in found
    assert ("TrainedBy", ("trainingJobs", "*")) in found
    assert ("OwnedBy", ("owners", "*", "owner")) in {(r.name, r.path) for r in registry.aspect("ownership").relationships}
    assert ("TermedWith", ("terms", "*", "urn")) in {(r.name, r.path) for r in registry.aspect("glossaryTerms").relationships}
    edges = {(r.name, r.path) for r in registry.aspect("dataJobInputOutput").relationships}
    assert ("Consumes", ("inputDatasetEdges", "*", "destinationUrn")) in edges


def test_searchable_annotations_are_collected() -> None:
    paths = {s.path for s in registry.aspect("mlModelGroupProperties").searchables}
    assert ("name",) in paths and ("description",) in paths and ("customProperties", "*") in paths


def test_aspect_of_refuses_an_aspect_of_another_entity() -> None:
    with pytest.raises(InvalidInput, match="does not belong to entity type 'mlModelGroup'"):
        registry.aspect_of(registry.entity("mlModelGroup"), "datasetProperties")
    with pytest.raises(InvalidInput, match="unknown aspect 'nope'"):
        registry.aspect("nope")
    with pytest.raises(InvalidInput, match="unknown entity type 'spaceship'"):
        registry.entity("spaceship")


def test_timeseries_aspects_are_marked() -> None:
    assert registry.aspect("datasetProfile").is_timeseries
    assert not registry.aspect("ownership").is_timeseries


def test_graphql_entity_type_names_match_the_sdk() -> None:
    """Our enum names (kept off the SDK's heavy graph client import) agree with the SDK's for every entity."""
    from datahub.ingestion.graph.client import entity_type_to_graphql

    from mlcatalog.registry.graphql_names import graphql_entity_type

    names = list(get_registry().entities)
    assert names
    assert {n: graphql_entity_type(n) for n in names} == {n: entity_type_to_graphql(n) for n in names}


def test_parsed_urns_are_cached_but_each_caller_gets_its_own_key() -> None:
    urn = "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,cache-check,PROD)"
    first = registry.parse_urn(urn)
    first.key_value["name"] = "changed by a caller"
    again = registry.parse_urn(urn)
    assert again.key_value["name"] == "cache-check"
    assert again.entity is first.entity
    with pytest.raises(InvalidInput, match="myField"):  # refusals are never cached, and name the caller's field
        registry.parse_urn("urn:li:mlModelGroup:(bad", field_name="myField")
    with pytest.raises(InvalidInput, match="myField"):
        registry.parse_urn("urn:li:mlModelGroup:(bad", field_name="myField")
