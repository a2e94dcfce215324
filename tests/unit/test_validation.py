"""Aspect values are checked against DataHub's schemas in the Pegasus JSON the clients send."""

from __future__ import annotations

import pytest

from mlcatalog.errors import InvalidInput
from mlcatalog.registry import get_registry

registry = get_registry()


def test_values_the_sdk_sends_are_accepted() -> None:
    registry.aspect("mlModelProperties").validate(
        {
            "customProperties": {},
            "tags": [],
            "groups": ["urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,g,PROD)"],
            "hyperParams": [{"name": "lr", "value": "0.1"}],
            "trainingMetrics": [{"name": "auc", "value": "0.9"}],
        }
    )
    registry.aspect("structuredProperties").validate(
        {"properties": [{"propertyUrn": "urn:li:structuredProperty:p", "values": [{"string": "a"}, {"double": 1.5}]}]}
    )
    registry.aspect("glossaryTerms").validate(
        {"terms": [{"urn": "urn:li:glossaryTerm:T"}], "auditStamp": {"time": 0, "actor": "urn:li:corpuser:x"}}
    )


@pytest.mark.parametrize(
    ("aspect", "value", "message"),
    [
        ("mlModelGroupProperties", {"name": 5}, "mlModelGroupProperties.name: expected string, got number 5"),
        ("mlModelGroupProperties", {"customProperties": {"a": True}}, "customProperties.a: expected string"),
        ("ownership", {}, "ownership.owners: missing required field of Ownership"),
        ("ownership", {"owners": [{"owner": "u", "type": "BOSS"}]}, "owners[0].type: 'BOSS' is not a valid OwnershipType"),
        ("status", {"removed": "yes"}, "status.removed: expected boolean"),
        ("status", {"removed": False, "x": 1}, "status.x: unrecognized field found but not allowed"),
        ("deprecation", {"deprecated": True, "note": "n", "actor": "a", "decommissionTime": 1.5}, "decommissionTime"),
        ("structuredProperties", {"properties": [{"propertyUrn": "p", "values": [{"int": 1}]}]}, "union members"),
        ("mlModelGroupProperties", {"trainingJobs": "urn:li:dataJob:x"}, "expected an array"),
    ],
)
def test_schema_violations_name_the_field(aspect: str, value: dict, message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("[", r"\[").replace("]", r"\]")):
        registry.aspect(aspect).validate(value)


def test_deeply_nested_values_are_refused_not_crashed() -> None:
    value: dict = {"customProperties": {}}
    nested: dict = value
    for _ in range(200):
        nested["x"] = {}
        nested = nested["x"]
    with pytest.raises(InvalidInput):
        registry.aspect("mlModelGroupProperties").validate(value)
