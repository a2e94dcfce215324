"""Promotion rules refuse alias moves and deprecation changes until their conditions hold, via any API."""

from __future__ import annotations

import subprocess
import sys

import datahub.metadata.schema_classes as models
import pytest
import requests
from datahub.configuration.common import OperationalError
from datahub.emitter import mce_builder
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.metadata.urns import CorpUserUrn, MlModelGroupUrn
from datahub.sdk import DataHubClient
from datahub.sdk.mlmodel import MLModel
from datahub.sdk.mlmodelgroup import MLModelGroup

from tests.compat.helpers import encoded

CHAMPION_RULE = {
    "name": "champion-needs-care",
    "appliesTo": {"aliases": ["champion"]},
    "conditions": [
        {"hasOwnerOfType": "TECHNICAL_OWNER"},
        {"trainedOnDataset": True},
        {"groupNotDeprecated": True},
        {"actorNotOnlyOwner": True},
    ],
}


@pytest.fixture
def catalog(make_server):  # type: ignore[no-untyped-def]
    """A fresh server (rules are catalog-wide) with a group and one model version."""
    server = make_server()
    assert requests.post(f"{server.url}/openapi/v1/promotion-rules", json=CHAMPION_RULE).status_code == 201
    client = DataHubClient(server=server.url)
    client.entities.upsert(MLModelGroup(id="recs", platform="mlflow"))
    group = MlModelGroupUrn(platform="mlflow", name="recs")
    model = MLModel(id="recs-v1", platform="mlflow", version="1")
    model.set_model_group(group)
    client.entities.upsert(model)
    return server, client, group, model.urn


def _champion(server, model_urn) -> list:  # type: ignore[no-untyped-def]
    reply = requests.get(f"{server.url}/aspects/{encoded(str(model_urn))}", params={"aspect": "versionProperties"})
    return reply.json()["aspect"]["com.linkedin.common.VersionProperties"].get("aliases", [])


def test_move_is_refused_with_every_unmet_condition_and_nothing_changes(catalog) -> None:  # type: ignore[no-untyped-def]
    server, client, _, model_urn = catalog
    model = client.entities.get(model_urn)
    model.add_version_alias("champion")
    model.add_owner(CorpUserUrn("alice"))  # same batch; BUSINESS-less default type is TECHNICAL_OWNER
    with pytest.raises(OperationalError) as refused:
        client.entities.update(model)
    message = refused.value.info["message"]
    assert "promotion rule 'champion-needs-care' refuses the alias 'champion'" in message
    assert "training lineage reaches no dataset" in message
    assert "no owner of type" not in message  # the owner from the same request counts
    assert _champion(server, model_urn) == []
    assert client.entities.get(model_urn).owners in (None, [])  # the whole batch was rolled back


def test_move_passes_once_conditions_hold_through_either_api(catalog, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    server, client, _, model_urn = catalog
    job = mce_builder.make_data_job_urn("airflow", "train_recs", "fit")
    dataset = mce_builder.make_dataset_urn("hive", "clicks")
    client._graph.emit_mcp(
        MetadataChangeProposalWrapper(
            entityUrn=job, aspect=models.DataJobInputOutputClass(inputDatasets=[dataset], outputDatasets=[])
        )
    )
    model = client.entities.get(model_urn)
    model.add_training_job(job)
    model.add_owner(CorpUserUrn("alice"))
    client.entities.update(model)

    from datahub.ingestion.graph.client import get_default_graph

    monkeypatch.setenv("DATAHUB_GMS_URL", server.url)
    get_default_graph.cache_clear()
    openapi_client = DataHubClient.from_env()  # OpenAPI v3 writes
    model = openapi_client.entities.get(model_urn)
    model.add_version_alias("champion")
    openapi_client.entities.update(model)
    assert _champion(server, model_urn) == [{"versionTag": "champion"}]


def test_deprecated_group_blocks_champion_and_deprecation_rules_guard_changes(catalog) -> None:  # type: ignore[no-untyped-def]
    server, client, group, model_urn = catalog
    rule = {
        "name": "deprecate-with-business-owner",
        "appliesTo": {"deprecation": True},
        "conditions": [{"hasOwnerOfType": "BUSINESS_OWNER"}],
    }
    assert requests.post(f"{server.url}/openapi/v1/promotion-rules", json=rule).status_code == 201

    fetched = client.entities.get(group)
    fetched._set_aspect(models.DeprecationClass(deprecated=True, note="old", actor="urn:li:corpuser:datahub"))
    with pytest.raises(OperationalError, match="deprecation change"):
        client.entities.update(fetched)
    fetched.add_owner((CorpUserUrn("bob"), models.OwnershipTypeClass.BUSINESS_OWNER))
    client.entities.update(fetched)  # now allowed

    model = client.entities.get(model_urn)
    model.add_version_alias("champion")
    with pytest.raises(OperationalError) as refused:
        client.entities.update(model)
    assert f"its model group {group} is deprecated" in refused.value.info["message"]


def test_rules_are_managed_through_cli_and_validated(make_server) -> None:  # type: ignore[no-untyped-def]
    server = make_server()

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mlcatalog", "rules", *args, "--server", server.url],
            capture_output=True,
            text=True,
            timeout=60,
        )

    added = cli("add", "--name", "needs-owner", "--alias", "champion", "--require-owner-type", "TECHNICAL_OWNER")
    assert added.returncode == 0, added.stderr
    listed = cli("list").stdout
    assert "needs-owner" in listed and "hasOwnerOfType" in listed
    assert "already exists" in cli("add", "--name", "needs-owner", "--alias", "x", "--require-other-owner").stderr
    assert "conditions" in cli("add", "--name", "empty", "--alias", "x").stderr
    assert cli("remove", listed.split()[0]).returncode == 0
    assert "needs-owner" not in cli("list").stdout
