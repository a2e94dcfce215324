"""URNs parse, validate and yield their key aspect as DataHub does."""

from __future__ import annotations

import pytest

from mlcatalog.errors import CatalogError
from mlcatalog.registry import get_registry

registry = get_registry()


@pytest.mark.parametrize(
    ("urn", "entity", "key"),
    [
        (
            "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,recommendation-models,PROD)",
            "mlModelGroup",
            {"platform": "urn:li:dataPlatform:mlflow", "name": "recommendation-models", "origin": "PROD"},
        ),
        (
            "urn:li:mlModel:(urn:li:dataPlatform:sagemaker,churn/v2,DEV)",
            "mlModel",
            {"platform": "urn:li:dataPlatform:sagemaker", "name": "churn/v2", "origin": "DEV"},
        ),
        (
            "urn:li:dataJob:(urn:li:dataFlow:(airflow,train,prod),task)",
            "dataJob",
            {"flow": "urn:li:dataFlow:(airflow,train,prod)", "jobId": "task"},
        ),
        ("urn:li:corpuser:jdoe", "corpuser", {"username": "jdoe"}),
        (
            "urn:li:versionSet:(758fa3c0f3973ff62ef9e671ac061f18,mlModel)",
            "versionSet",
            {"id": "758fa3c0f3973ff62ef9e671ac061f18", "entityType": "mlModel"},
        ),
        ("urn:li:tag:production-ready", "tag", {"name": "production-ready"}),
        ("urn:li:glossaryTerm:Classification.PII", "glossaryTerm", {"name": "Classification.PII"}),
        (
            "urn:li:dataset:(urn:li:dataPlatform:hive,db.table,PROD)",
            "dataset",
            {"platform": "urn:li:dataPlatform:hive", "name": "db.table", "origin": "PROD"},
        ),
    ],
)
def test_valid_urns_yield_their_key(urn: str, entity: str, key: dict) -> None:
    parsed = registry.parse_urn(urn)
    assert (parsed.urn, parsed.entity.name, parsed.key_value) == (urn, entity, key)


def test_reserved_characters_survive_a_round_trip() -> None:
    urn = "urn:li:mlModel:(urn:li:dataPlatform:mlflow,name with spaces %41 ä,PROD)"
    assert registry.parse_urn(urn).key_value["name"] == "name with spaces %41 ä"


@pytest.mark.parametrize(
    ("urn", "reason"),
    [
        ("", "a URN string is required"),
        ("recommendation-models", "malformed URN"),
        ("urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,only-two)", "should have 3 parts"),
        ("urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,g,MARS)", "'MARS' is not a valid FabricType"),
        ("urn:li:spaceship:enterprise", "unknown entity type 'spaceship'"),
        ("urn:li:corpuser:" + "x" * 600, "exceeds max_urn_length=500"),  # the URN column is VARCHAR(500)
    ],
)
def test_invalid_urns_are_refused_with_a_reason(urn: str, reason: str) -> None:
    with pytest.raises(CatalogError, match=reason) as raised:  # a too-long URN is a LimitExceeded (400)
        registry.parse_urn(urn, "entityUrn")
    assert raised.value.message.startswith("entityUrn:")
