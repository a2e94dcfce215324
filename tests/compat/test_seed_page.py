"""The ML Model Group page's own examples, unmodified, against a fresh server; then its curl calls."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from datahub.metadata.urns import MlModelGroupUrn
from datahub.sdk import DataHubClient
from datahub.sdk.mlmodel import MLModel
from datahub.sdk.mlmodelgroup import MLModelGroup

from tests.support.seed_page import curl_commands, python_examples, seed_page

PAGE = seed_page()
pytestmark = pytest.mark.skipif(PAGE is None, reason="../shared/seed/ml-model-group.md is not present")
FETCHED_GROUP = re.compile(r'name="([\w.-]+)"')


def _run_example(code: str, directory: Path, server_url: str) -> str:
    script = directory / "example.py"
    script.write_text(code)
    env = {**os.environ, "DATAHUB_GMS_URL": server_url, "DATAHUB_TELEMETRY_ENABLED": "false"}
    env.pop("DATAHUB_GMS_TOKEN", None)
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"example failed:\n{code}\n--- stderr ---\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, backend: str):  # type: ignore[no-untyped-def]
    """Run every example of the page in page order on a fresh server; yield the server and outputs."""
    from tests.support.databases import temporary_database
    from tests.support.server import ServerProcess

    directory = tmp_path_factory.mktemp("seed")
    examples = python_examples(PAGE.read_text())  # type: ignore[union-attr]
    with temporary_database(backend, directory) as url, ServerProcess(url, directory / "server.log") as server:
        client = DataHubClient(server=server.url)
        outputs = {}
        for example in examples:
            if "client.entities.get(" in example.code:
                for name in FETCHED_GROUP.findall(example.code):  # the groups an example fetches must exist
                    urn = MlModelGroupUrn(platform="mlflow", name=name)
                    if not client._graph.exists(str(urn)):
                        client.entities.upsert(MLModelGroup(id=name, platform="mlflow", description=f"{name} group"))
            outputs[example.name] = _run_example(example.code, directory, server.url)
        yield server, outputs


def test_page_has_the_ten_examples() -> None:
    names = [e.name for e in python_examples(PAGE.read_text())]  # type: ignore[union-attr]
    assert names == [
        "mlmodel_group_create",
        "mlmodel_group_add_lineage",
        "mlmodel_group_add_owner",
        "mlmodel_group_add_tags",
        "mlmodel_group_add_terms",
        "mlmodel_group_add_documentation",
        "mlmodel_group_add_domain",
        "mlmodel_group_deprecate",
        "mlgroup_add_to_mlmodel",
        "mlmodel_group_read",
    ]


def test_examples_have_their_effects(seeded) -> None:  # type: ignore[no-untyped-def]
    server, outputs = seeded
    client = DataHubClient(server=server.url)
    recs = client.entities.get(MlModelGroupUrn(platform="mlflow", name="recommendation-models"))
    assert recs.training_jobs == ["urn:li:dataJob:(urn:li:dataFlow:(airflow,train_recommendation_model,prod),training_task)"]
    assert [o.owner for o in recs.owners or []] == ["urn:li:corpuser:data_science_team"]
    assert [t.tag for t in recs.tags or []] == ["urn:li:tag:production-ready"]
    assert [t.urn for t in recs.terms or []] == ["urn:li:glossaryTerm:Recommendation"]
    assert [link.url for link in recs.links or []] == ["https://wiki.example.com/ml/recommendation-models"]
    assert str(recs.domain) == "urn:li:domain:marketing"

    legacy = client.entities.get(MlModelGroupUrn(platform="mlflow", name="legacy-recommendation-models"))
    import datahub.metadata.schema_classes as models

    deprecation = legacy._get_aspect(models.DeprecationClass)
    assert deprecation is not None and deprecation.deprecated
    assert deprecation.note == "This model group has been replaced by the new transformer-based recommendation models"

    model = client.entities.get(MLModel.get_urn_type()(platform="mlflow", name="my-recommendations-model"))
    assert model.model_group == "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,my-recommendations-model-group,PROD)"

    assert "Model Group Name:  My Recommendations Model Group" in outputs["mlmodel_group_read"]
    assert "Grouping of ml model related to home page recommendations" in outputs["mlmodel_group_read"]
    assert "{'framework': 'pytorch'}" in outputs["mlmodel_group_read"]


def _curl(command: str, server_url: str) -> dict:  # type: ignore[type-arg]
    args = shlex.split(command.replace("http://localhost:8080", server_url))
    done = subprocess.run([*args, "--silent", "--show-error", "--fail-with-body"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr + done.stdout
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_curl_get_entity_returns_the_snapshot(seeded) -> None:  # type: ignore[no-untyped-def]
    server, _ = seeded
    command = curl_commands(PAGE.read_text())[0]  # type: ignore[union-attr]
    snapshot = _curl(command, server.url)["value"]["com.linkedin.metadata.snapshot.MLModelGroupSnapshot"]
    assert snapshot["urn"] == "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,recommendation-models,PROD)"
    aspects = {name: value for item in snapshot["aspects"] for name, value in item.items()}
    assert aspects["com.linkedin.metadata.key.MLModelGroupKey"] == {
        "platform": "urn:li:dataPlatform:mlflow",
        "name": "recommendation-models",
        "origin": "PROD",
    }
    assert aspects["com.linkedin.common.Ownership"]["owners"] == [
        {"owner": "urn:li:corpuser:data_science_team", "type": "TECHNICAL_OWNER"}
    ]
    assert aspects["com.linkedin.common.GlobalTags"] == {"tags": [{"tag": "urn:li:tag:production-ready"}]}
    assert aspects["com.linkedin.common.GlossaryTerms"]["terms"] == [{"urn": "urn:li:glossaryTerm:Recommendation"}]
    assert aspects["com.linkedin.domain.Domains"] == {"domains": ["urn:li:domain:marketing"]}
    assert aspects["com.linkedin.common.InstitutionalMemory"]["elements"][0]["url"] == (
        "https://wiki.example.com/ml/recommendation-models"
    )
    assert "com.linkedin.ml.metadata.MLModelGroupProperties" in aspects


def test_curl_relationships_lists_member_models(seeded) -> None:  # type: ignore[no-untyped-def]
    server, _ = seeded
    client = DataHubClient(server=server.url)
    group = MlModelGroupUrn(platform="mlflow", name="recommendation-models")
    for version in ("v1", "v2"):
        model = MLModel(id=f"recommendation-model-{version}", platform="mlflow")
        model.set_model_group(group)
        client.entities.upsert(model)
    command = curl_commands(PAGE.read_text())[1]  # type: ignore[union-attr]
    reply = _curl(command, server.url)
    assert (reply["start"], reply["count"], reply["total"]) == (0, 2, 2)
    assert sorted((r["type"], r["entity"]) for r in reply["relationships"]) == [
        ("MemberOf", "urn:li:mlModel:(urn:li:dataPlatform:mlflow,recommendation-model-v1,PROD)"),
        ("MemberOf", "urn:li:mlModel:(urn:li:dataPlatform:mlflow,recommendation-model-v2,PROD)"),
    ]
