"""Re-ingesting MLflow: a second run (here through ``datahub ingest -c`` with the printed recipe) changes
nothing; a version deleted in MLflow is soft-deleted and a moved alias moves (stateful ingestion, whose
checkpoint lives in the catalog's timeseries store)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.integrations import catalog_reads as read
from tests.integrations.conftest import run_cli, run_datahub_ingest
from tests.integrations.mlflow_data import build
from tests.support.processes import mlflow_server
from tests.support.server import ServerProcess

ENTITY_TYPES = ["mlModelGroup", "mlModel", "dataProcessInstance", "container", "dataset"]
MODEL = "urn:li:mlModel:(urn:li:dataPlatform:mlflow,{},PROD)"


def _aliases(server: str, urn: str) -> list[str]:
    return [a["versionTag"] for a in read.aspects(server, urn)["versionProperties"].get("aliases", [])]


def _printed_recipe(tracking_uri: str, server: str, path: Path) -> Path:
    args = ["ingest", "mlflow", "--tracking-uri", tracking_uri, "--server", server, "--print-recipe"]
    recipe = subprocess.run([sys.executable, "-m", "mlcatalog", *args], capture_output=True, text=True, check=True).stdout
    path.write_text(recipe)
    return path


def test_reingest_is_a_no_op_then_follows_deletes_and_alias_moves(catalog: ServerProcess, tmp_path: Path) -> None:
    mlflow = mlflow_server(tmp_path).start()
    try:
        world = build(mlflow.url)
        run_cli(["mlflow", "--tracking-uri", mlflow.url, "--server", catalog.url, "--no-progress"])
        before = read.snapshot(catalog.url, ENTITY_TYPES)
        assert len(before) == 2 + 5 + 5 + 2 + 3  # groups, versions, runs, experiments, dataset references

        output = run_datahub_ingest(_printed_recipe(mlflow.url, catalog.url, tmp_path / "recipe.yml"))
        assert "Pipeline finished successfully" in output
        assert read.snapshot(catalog.url, ENTITY_TYPES) == before
        rewritten = [
            (urn, name) for urn, found in before.items() for name in found if read.has_older_version(catalog.url, urn, name)
        ]
        assert rewritten == []

        world.client.delete_model_version("fraud-detector", "1")
        world.client.set_registered_model_alias("churn-classifier", "champion", "3")
        summary, _ = run_cli(["mlflow", "--tracking-uri", mlflow.url, "--server", catalog.url, "--no-progress"])
    finally:
        mlflow.stop()

    deleted = MODEL.format("fraud-detector_1")
    assert summary["soft_deleted"] == [deleted]
    assert read.aspects(catalog.url, deleted)["status"] == {"removed": True}
    assert read.aspects(catalog.url, MODEL.format("fraud-detector_2"))["status"] == {"removed": False}
    assert _aliases(catalog.url, MODEL.format("churn-classifier_2")) == []
    assert _aliases(catalog.url, MODEL.format("churn-classifier_3")) == ["challenger", "champion"]
