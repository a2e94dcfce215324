"""MLflow → mlcatalog with ``mlcatalog ingest mlflow``: a real MLflow tracking server on 127.0.0.1
(SQLite backend in a temporary directory) and a real catalog server.

The last test changes the MLflow world (re-ingestion); the others only read what the first run wrote.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mlcatalog.cli import main
from tests.integrations import catalog_reads as read
from tests.integrations.conftest import run_cli, run_datahub_ingest
from tests.integrations.mlflow_data import MlflowWorld, build
from tests.support.processes import mlflow_server
from tests.support.server import ServerProcess

GROUP = "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{},PROD)"
MODEL = "urn:li:mlModel:(urn:li:dataPlatform:mlflow,{}_{},PROD)"


@dataclass
class Ingested:
    world: MlflowWorld
    summary: dict[str, Any]
    terminal: str
    catalog: str
    tracking_uri: str


@pytest.fixture(scope="module")
def ingested(catalog: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ingested]:
    mlflow = mlflow_server(tmp_path_factory.mktemp("mlflow")).start()
    try:
        world = build(mlflow.url)
        summary, terminal = run_cli(["mlflow", "--tracking-uri", mlflow.url, "--server", catalog.url])
        yield Ingested(world, summary, terminal, catalog.url, mlflow.url)
    finally:
        mlflow.stop()


def test_summary_counts_what_arrived(ingested: Ingested) -> None:
    entities = ingested.summary["entities"]
    assert entities["mlModelGroup"] == 2
    assert entities["mlModel"] == 5
    assert entities["dataProcessInstance"] == 5
    assert entities["container"] == 2  # the churn experiment and MLflow's Default experiment
    assert ingested.summary["failures"] == [] and ingested.summary["warnings"] == []
    assert ingested.summary["aspects_by_name"]["versionProperties"] == 5
    assert "mlModelGroup" in ingested.terminal and "failures: 0" in ingested.terminal


def test_registered_models_become_groups_with_versioned_members(ingested: Ingested) -> None:
    group = GROUP.format("churn-classifier")
    properties = read.aspects(ingested.catalog, group)["mlModelGroupProperties"]
    assert properties["description"] == "churn-classifier for the demo"
    assert properties["customProperties"] == {"owner_team": "risk"}
    members = read.related(ingested.catalog, group, "MemberOf", "INCOMING")
    assert members == [MODEL.format("churn-classifier", v) for v in ("1", "2", "3")]

    versions = {}
    for number in ("1", "2", "3"):
        found = read.aspects(ingested.catalog, MODEL.format("churn-classifier", number))
        versions[number] = found["versionProperties"]
        assert found["mlModelProperties"]["description"] == f"churn-classifier v{number}"
    assert [versions[n]["version"]["versionTag"] for n in ("1", "2", "3")] == ["1", "2", "3"]
    assert [[a["versionTag"] for a in versions[n].get("aliases", [])] for n in ("1", "2", "3")] == [
        [],
        ["champion"],
        ["challenger"],
    ]
    assert len({v["versionSet"] for v in versions.values()}) == 1


def test_versions_carry_hyperparameters_metrics_and_training_run(ingested: Ingested) -> None:
    model = MODEL.format("churn-classifier", "2")
    properties = read.aspects(ingested.catalog, model)["mlModelProperties"]
    assert {p["name"]: p["value"] for p in properties["hyperParams"]} == {"learning_rate": "0.05", "max_depth": "6"}
    assert {m["name"]: m["value"] for m in properties["trainingMetrics"]} == {"auc": "0.86", "accuracy": "0.81"}

    [run] = read.related(ingested.catalog, model, "TrainedBy")
    run_aspects = read.aspects(ingested.catalog, run)
    assert run_aspects["mlTrainingRunProperties"]["id"] == ingested.world.runs["churn-classifier/2"]
    assert run_aspects["dataProcessInstanceProperties"]["name"] == "churn-classifier-run-2"
    assert read.related(ingested.catalog, run, "DataProcessInstanceProduces") == [model]
    [experiment] = read.related(ingested.catalog, run, "IsPartOf")
    assert read.aspects(ingested.catalog, experiment)["containerProperties"]["name"] == "churn-experiments"


def test_model_lineage_reaches_the_training_data_location(ingested: Ingested) -> None:
    model = MODEL.format("churn-classifier", "2")
    reference = "urn:li:dataset:(urn:li:dataPlatform:mlflow,churn-train-2025,PROD)"
    location = "urn:li:dataset:(urn:li:dataPlatform:s3,ml-data/churn-train-2025.parquet,PROD)"
    [run] = read.related(ingested.catalog, model, "TrainedBy")
    assert read.related(ingested.catalog, run, "DataProcessInstanceConsumes") == [reference]
    assert read.related(ingested.catalog, reference, "DownstreamOf") == [location]
    training = read.aspects(ingested.catalog, model)["mlModelTrainingData"]["trainingData"]
    assert [item["dataset"] for item in training] == [reference]
    schema = read.aspects(ingested.catalog, reference)["schemaMetadata"]
    assert [f["fieldPath"] for f in schema["fields"]] == ["tenure", "churned"]


def test_sdk_upstream_lineage_of_a_model_reaches_its_training_data(ingested: Ingested) -> None:
    from datahub.sdk import DataHubClient, Dataset

    client = DataHubClient(server=ingested.catalog)
    model = MODEL.format("churn-classifier", "2")
    [run] = read.related(ingested.catalog, model, "TrainedBy")
    upstream = {str(r.urn) for r in client.lineage.get_lineage(source_urn=model, direction="upstream", max_hops=3)}
    assert upstream == {run, "urn:li:dataset:(urn:li:dataPlatform:mlflow,churn-train-2025,PROD)"}

    # The storage location is linked but not catalogued by MLflow ingestion; once its own source writes it,
    # the model's lineage reaches it.
    location = Dataset(platform="s3", name="ml-data/churn-train-2025.parquet", description="churn training data")
    client.entities.upsert(location)
    upstream = {str(r.urn) for r in client.lineage.get_lineage(source_urn=model, direction="upstream", max_hops=3)}
    assert str(location.urn) in upstream


ENTITY_TYPES = ["mlModelGroup", "mlModel", "dataProcessInstance", "container", "dataset"]


def _mlflow_snapshot(server: str) -> dict[str, dict[str, Any]]:
    """Everything MLflow ingestion wrote (not the S3 dataset another test catalogues by hand)."""
    return {urn: found for urn, found in read.snapshot(server, ENTITY_TYPES).items() if "dataPlatform:s3," not in urn}


def _aliases(server: str, urn: str) -> list[str]:
    return [a["versionTag"] for a in read.aspects(server, urn)["versionProperties"].get("aliases", [])]


def test_reingest_is_a_no_op_then_follows_deletes_and_alias_moves(ingested: Ingested, tmp_path: Path) -> None:
    catalog = ingested.catalog
    before = _mlflow_snapshot(catalog)
    assert len(before) == 2 + 5 + 5 + 2 + 3  # groups, versions, runs, experiments, dataset references
    versions_before = read.version_counts(catalog, before)

    # The second run goes through DataHub's own CLI with the recipe mlcatalog prints: same pipeline, same state.
    printed = CliRunner().invoke(
        main, ["ingest", "mlflow", "--tracking-uri", ingested.tracking_uri, "--server", catalog, "--print-recipe"]
    )
    assert printed.exit_code == 0, printed.output
    (tmp_path / "recipe.yml").write_text(printed.output)
    assert "Pipeline finished successfully" in run_datahub_ingest(tmp_path / "recipe.yml")
    assert _mlflow_snapshot(catalog) == before
    assert read.version_counts(catalog, before) == versions_before  # no aspect was written again

    ingested.world.client.delete_model_version("fraud-detector", "1")
    ingested.world.client.set_registered_model_alias("churn-classifier", "champion", "3")
    summary, _ = run_cli(["mlflow", "--tracking-uri", ingested.tracking_uri, "--server", catalog, "--no-progress"])

    deleted = MODEL.format("fraud-detector", "1")
    assert summary["soft_deleted"] == [deleted]
    assert read.aspects(catalog, deleted)["status"] == {"removed": True}
    assert read.aspects(catalog, MODEL.format("fraud-detector", "2"))["status"] == {"removed": False}
    assert _aliases(catalog, MODEL.format("churn-classifier", "2")) == []
    assert _aliases(catalog, MODEL.format("churn-classifier", "3")) == ["challenger", "champion"]
