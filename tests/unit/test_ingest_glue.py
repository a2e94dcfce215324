"""The pieces of connector glue that need no server: dataset locations and the run summary."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import datahub.metadata.schema_classes as models
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.ingestion.api.workunit import MetadataWorkUnit

from mlcatalog.ingest.mlflow import dataset_location
from mlcatalog.ingest.progress import IngestSummary


def test_dataset_location_from_mlflow_sources() -> None:
    assert dataset_location("s3", json.dumps({"uri": "s3://bucket/a/b.parquet"})) == ("s3", "bucket/a/b.parquet")
    assert dataset_location("gs", json.dumps({"uri": "gs://bucket/x/"})) == ("gcs", "bucket/x")
    assert dataset_location("http", json.dumps({"url": "https://example.com/data.csv"})) is None
    assert dataset_location("local", "not json") is None


def test_summary_counts_entities_aspects_and_soft_deletes() -> None:
    model = "urn:li:mlModel:(urn:li:dataPlatform:mlflow,m_1,PROD)"
    group = "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,m,PROD)"
    summary = IngestSummary()
    for urn, aspect in [
        (model, models.MLModelPropertiesClass(groups=[group])),
        (model, models.StatusClass(removed=True)),
        (group, models.MLModelGroupPropertiesClass()),
        (group, models.StatusClass(removed=False)),
    ]:
        summary.observe(MetadataChangeProposalWrapper(entityUrn=urn, aspect=aspect).as_workunit())
    snapshot = models.MLModelSnapshotClass(
        urn="urn:li:mlModel:(urn:li:dataPlatform:sagemaker,s,PROD)",
        aspects=[models.MLModelPropertiesClass(), models.BrowsePathsClass(paths=["/sagemaker"])],
    )
    summary.observe(MetadataWorkUnit(id="mce", mce=models.MetadataChangeEventClass(proposedSnapshot=snapshot)))

    assert summary.entity_counts == {"mlModel": 2, "mlModelGroup": 1}
    assert summary.aspect_count == 6
    assert summary.soft_deleted == [model]


def test_a_server_that_is_not_a_catalog_is_a_clear_error(tmp_path: Path) -> None:
    """Any web server without /config (here a static file server) is refused before anything is read."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as web:
        threading.Thread(target=web.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{web.server_address[1]}"
        args = ["ingest", "mlflow", "--tracking-uri", url, "--server", url, "--no-progress"]
        done = subprocess.run([sys.executable, "-m", "mlcatalog", *args], capture_output=True, text=True, timeout=120)
        web.shutdown()
    assert done.returncode != 0
    assert f"could not start the ingestion into {url}" in done.stderr
    assert "Traceback" not in done.stderr
