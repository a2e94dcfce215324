"""Structured property definitions from YAML through the real CLI, and every value rule enforced on write."""

from __future__ import annotations

import json

import datahub.metadata.schema_classes as models
import pytest
from datahub.emitter.mcp import MetadataChangeProposalWrapper

from tests.compat.helpers import unique
from tests.writes.helpers import stored
from tests.writes.test_patch_builders import GroupPatch

PREFIX = "urn:li:structuredProperty:"


def _group() -> str:
    return f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{unique('sp-group')},PROD)"


def _assign(graph, urn: str, values: dict[str, list]) -> None:  # type: ignore[no-untyped-def]
    aspect = models.StructuredPropertiesClass(
        properties=[models.StructuredPropertyValueAssignmentClass(propertyUrn=p, values=v) for p, v in values.items()]
    )
    graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=aspect))


def test_definitions_from_yaml_are_read_back_by_cli(cli, server, ns) -> None:  # type: ignore[no-untyped-def]
    definition = stored(server, f"{PREFIX}{ns}.tier", "propertyDefinition")
    assert definition["displayName"] == "Tier"
    assert definition["valueType"] == "urn:li:dataType:datahub.string"
    assert definition["entityTypes"] == ["urn:li:entityType:datahub.mlModelGroup"]
    assert [a["value"] for a in definition["allowedValues"]] == [{"string": "gold"}, {"string": "silver"}]
    got = json.loads(cli("properties", "get", "--urn", f"{PREFIX}{ns}.steward").stdout)
    assert got["type"] == "urn:li:dataType:datahub.urn" and got["display_name"] == "Steward"
    assert got["type_qualifier"]["allowed_types"] == ["urn:li:entityType:datahub.corpuser"]
    listed = cli("properties", "list", "--no-details").stdout
    assert f"{PREFIX}{ns}.tier" in listed and f"{PREFIX}{ns}.origin" in listed


def test_valid_values_are_stored(client, server, ns) -> None:  # type: ignore[no-untyped-def]
    group = _group()
    _assign(
        client._graph,
        group,
        {
            f"{PREFIX}{ns}.tier": ["gold"],
            f"{PREFIX}{ns}.retention": [30.0, 90.0],
            f"{PREFIX}{ns}.reviewed": ["2026-01-31"],
            f"{PREFIX}{ns}.steward": ["urn:li:corpuser:jdoe"],
        },
    )
    values = {p["propertyUrn"]: p["values"] for p in stored(server, group, "structuredProperties")["properties"]}
    assert values[f"{PREFIX}{ns}.retention"] == [{"double": 30.0}, {"double": 90.0}]


REFUSALS = [
    ("unknown", lambda ns: {f"{PREFIX}{ns}.nope": ["x"]}, "no structured property with this URN is defined"),
    ("wrong type", lambda ns: {f"{PREFIX}{ns}.retention": ["thirty"]}, "valueType number needs a number"),
    ("bad date", lambda ns: {f"{PREFIX}{ns}.reviewed": ["31/01/2026"]}, "valueType date needs a date as YYYY-MM-DD"),
    ("not a urn", lambda ns: {f"{PREFIX}{ns}.steward": ["jdoe"]}, "valueType urn needs a URN"),
    ("urn type", lambda ns: {f"{PREFIX}{ns}.steward": ["urn:li:corpGroup:ml"]}, "is not one of the allowed types"),
    ("allowed values", lambda ns: {f"{PREFIX}{ns}.tier": ["bronze"]}, "is not one of the allowed values"),
    ("single", lambda ns: {f"{PREFIX}{ns}.tier": ["gold", "silver"]}, "cardinality SINGLE allows at most one value"),
]


@pytest.mark.parametrize(("case", "values", "rule"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_each_rule_is_refused_and_nothing_stored(client, server, ns, case, values, rule) -> None:  # type: ignore[no-untyped-def]
    group = _group()
    _assign(client._graph, group, {f"{PREFIX}{ns}.tier": ["silver"]})
    before = stored(server, group, "structuredProperties")
    with pytest.raises(Exception) as refused:
        _assign(client._graph, group, {f"{PREFIX}{ns}.tier": ["silver"], **values(ns)} if case != "single" else values(ns))
    message = str(refused.value)
    assert rule in message and "structuredProperties: property" in message
    assert next(iter(values(ns))) in message
    assert stored(server, group, "structuredProperties") == before


def test_property_not_allowed_on_entity_type(client, server, ns) -> None:  # type: ignore[no-untyped-def]
    model = f"urn:li:mlModel:(urn:li:dataPlatform:mlflow,{unique('sp-model')},PROD)"
    with pytest.raises(Exception, match="does not apply to entity type mlModel"):
        _assign(client._graph, model, {f"{PREFIX}{ns}.tier": ["gold"]})
    dataset = f"urn:li:dataset:(urn:li:dataPlatform:hive,{unique('sp-ds')},PROD)"
    _assign(client._graph, dataset, {f"{PREFIX}{ns}.retention": [7.0]})  # retention applies to datasets too


def test_patch_writes_are_checked_too(client, server, ns) -> None:  # type: ignore[no-untyped-def]
    group = _group()
    client._graph.emit(MetadataChangeProposalWrapper(entityUrn=group, aspect=models.StatusClass(removed=False)))
    with pytest.raises(Exception, match="platinum"):
        client.entities.update(GroupPatch(group).set_structured_property(f"{PREFIX}{ns}.tier", "platinum"))
    assert stored(server, group, "structuredProperties") is None


def test_immutable_value_cannot_change_or_be_removed(client, server, ns) -> None:  # type: ignore[no-untyped-def]
    group = _group()
    _assign(client._graph, group, {f"{PREFIX}{ns}.origin": ["vendor"]})
    _assign(client._graph, group, {f"{PREFIX}{ns}.origin": ["vendor"], f"{PREFIX}{ns}.tier": ["gold"]})
    with pytest.raises(Exception, match="immutable"):
        _assign(client._graph, group, {f"{PREFIX}{ns}.origin": ["in-house"]})
    with pytest.raises(Exception, match="immutable"):
        _assign(client._graph, group, {f"{PREFIX}{ns}.tier": ["gold"]})
    values = {p["propertyUrn"]: p["values"] for p in stored(server, group, "structuredProperties")["properties"]}
    assert values[f"{PREFIX}{ns}.origin"] == [{"string": "vendor"}]


def test_definition_change_that_breaks_values_is_refused(client, server, ns) -> None:  # type: ignore[no-untyped-def]
    urn = f"{PREFIX}{ns}.tier"
    definition = models.StructuredPropertyDefinitionClass(
        qualifiedName=f"{ns}.tier", valueType="urn:li:dataType:datahub.number", entityTypes=[]
    )
    with pytest.raises(Exception, match="valueType cannot change"):
        client._graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=definition))
    assert stored(server, urn, "propertyDefinition")["valueType"] == "urn:li:dataType:datahub.string"


def test_soft_deleted_definition_hides_values_hard_delete_removes_them(client, server, cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    own = unique("io.gone").replace("-", "")
    path = tmp_path / "gone.yaml"
    path.write_text(f"- id: {own}.flag\n  type: string\n  entity_types: [mlModelGroup]\n")
    cli("properties", "upsert", "-f", str(path))
    flag, group = f"{PREFIX}{own}.flag", _group()
    _assign(client._graph, group, {flag: ["on"]})
    client._graph.soft_delete_entity(flag)
    assert stored(server, group, "structuredProperties")["properties"] == []
    with pytest.raises(Exception, match="soft-deleted"):
        _assign(client._graph, _group(), {flag: ["on"]})
    client._graph.emit(MetadataChangeProposalWrapper(entityUrn=flag, aspect=models.StatusClass(removed=False)))
    assert [p["propertyUrn"] for p in stored(server, group, "structuredProperties")["properties"]] == [flag]
    client._graph.hard_delete_entity(flag)
    assert stored(server, group, "structuredProperties")["properties"] == []
    assert "does not exist" in cli("properties", "get", "--urn", flag).stdout


def test_refused_value_rolls_back_the_whole_batch(restli_client, server, ns) -> None:  # type: ignore[no-untyped-def]
    group = _group()
    good = MetadataChangeProposalWrapper(entityUrn=group, aspect=models.StatusClass(removed=False))
    bad = MetadataChangeProposalWrapper(
        entityUrn=group,
        aspect=models.StructuredPropertiesClass(
            properties=[models.StructuredPropertyValueAssignmentClass(propertyUrn=f"{PREFIX}{ns}.tier", values=["bronze"])]
        ),
    )
    with pytest.raises(Exception, match="bronze"):
        restli_client._graph.emit_mcps([good, bad])
    assert stored(server, group, "status") is None
