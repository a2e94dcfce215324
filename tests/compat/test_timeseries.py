"""Timeseries aspects through the SDK: points keyed by time, newest first, filtered like DataHub does."""

from __future__ import annotations

import json
import subprocess
import sys

import datahub.metadata.schema_classes as models
import pytest
import requests
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.ingestion.graph.client import DatahubClientConfig, DataHubGraph

from tests.compat.helpers import unique


@pytest.fixture
def graph(server):  # type: ignore[no-untyped-def]
    return DataHubGraph(DatahubClientConfig(server=server.url))


def _checkpoint(pipeline: str, stamp: int, run_id: str) -> models.DatahubIngestionCheckpointClass:
    return models.DatahubIngestionCheckpointClass(
        timestampMillis=stamp,
        pipelineName=pipeline,
        platformInstanceId="",
        config="",
        state=models.IngestionCheckpointStateClass(formatVersion="1.0", serde="base85-bz2-json", payload="x"),
        runId=run_id,
    )


def _job(pipeline: str) -> str:
    return f"urn:li:dataJob:(urn:li:dataFlow:(datahub,{pipeline},prod),stale_entity_removal)"


def test_latest_checkpoint_is_the_newest_point_matching_the_filter(graph) -> None:  # type: ignore[no-untyped-def]
    pipeline, other = unique("pipeline"), unique("other")
    job = _job(pipeline)
    for stamp, name, run in [(1000, pipeline, "r1"), (3000, pipeline, "r3"), (5000, other, "r5"), (2000, pipeline, "r2")]:
        graph.emit_mcp(MetadataChangeProposalWrapper(entityUrn=job, aspect=_checkpoint(name, stamp, run)))

    latest = graph.get_latest_timeseries_value(job, models.DatahubIngestionCheckpointClass, {"pipelineName": pipeline})
    assert latest is not None and latest.runId == "r3"
    values = graph.get_timeseries_values(job, models.DatahubIngestionCheckpointClass, filter={}, limit=10)
    assert [v.runId for v in values] == ["r5", "r3", "r2", "r1"]
    assert graph.get_latest_timeseries_value(job, models.DatahubIngestionCheckpointClass, {"pipelineName": "nope"}) is None


def test_same_timestamp_overwrites_and_points_are_not_versions(graph, server) -> None:  # type: ignore[no-untyped-def]
    pipeline = unique("pipeline")
    job = _job(pipeline)
    graph.emit_mcp(MetadataChangeProposalWrapper(entityUrn=job, aspect=_checkpoint(pipeline, 1000, "first")))
    graph.emit_mcp(MetadataChangeProposalWrapper(entityUrn=job, aspect=_checkpoint(pipeline, 1000, "second")))

    values = graph.get_timeseries_values(job, models.DatahubIngestionCheckpointClass, filter={}, limit=10)
    assert [v.runId for v in values] == ["second"]
    # A timeseries write alone does not make the entity exist, and entitiesV2 never shows the points.
    assert not graph.exists(job)
    reply = requests.get(f"{server.url}/entitiesV2/{requests.utils.quote(job, safe='')}").json()
    assert "datahubIngestionCheckpoint" not in reply["aspects"]


def test_run_events_read_back_through_the_cli(graph, server) -> None:  # type: ignore[no-untyped-def]
    dpi = f"urn:li:dataProcessInstance:{unique('run')}"
    created = models.AuditStampClass(time=1, actor="urn:li:corpuser:datahub")
    graph.emit_mcp(MetadataChangeProposalWrapper(entityUrn=dpi, aspect=models.DataProcessInstancePropertiesClass("run", created)))
    for stamp in (10, 20):
        event = models.DataProcessInstanceRunEventClass(timestampMillis=stamp, status="COMPLETE")
        graph.emit_mcp(MetadataChangeProposalWrapper(entityUrn=dpi, aspect=event))
    env = {"DATAHUB_GMS_URL": server.url, "DATAHUB_TELEMETRY_ENABLED": "false", "PATH": ""}
    out = subprocess.run(
        [sys.executable, "-m", "datahub", "get", "--urn", dpi, "-a", "dataProcessInstanceRunEvent"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert json.loads(out)["dataProcessInstanceRunEvent"]["timestampMillis"] == 20


def test_bad_timeseries_requests_are_refused(server) -> None:  # type: ignore[no-untyped-def]
    url = f"{server.url}/aspects?action=getTimeseriesAspectValues"
    not_timeseries = {"urn": "urn:li:mlModel:(urn:li:dataPlatform:mlflow,m,PROD)", "aspect": "mlModelProperties"}
    reply = requests.post(url, json=not_timeseries)
    assert reply.status_code == 422 and "not a timeseries aspect" in reply.json()["message"]
    reply = requests.post(url, json={"urn": _job("p"), "aspect": "datahubIngestionCheckpoint", "limit": "many"})
    assert reply.status_code == 422 and "limit" in reply.json()["message"]
    patch = {
        "entityUrn": _job("p"),
        "entityType": "dataJob",
        "changeType": "PATCH",
        "aspectName": "datahubIngestionCheckpoint",
        "aspect": {"value": "[]", "contentType": "application/json-patch+json"},
    }
    reply = requests.post(f"{server.url}/aspects?action=ingestProposal", json={"proposal": patch})
    assert reply.status_code == 422 and "only takes UPSERT" in reply.json()["message"]


def test_hard_delete_removes_points(graph) -> None:  # type: ignore[no-untyped-def]
    pipeline = unique("pipeline")
    job = _job(pipeline)
    graph.emit_mcp(MetadataChangeProposalWrapper(entityUrn=job, aspect=models.StatusClass(removed=True)))
    graph.emit_mcp(MetadataChangeProposalWrapper(entityUrn=job, aspect=_checkpoint(pipeline, 1000, "r")))
    rows, points = graph.hard_delete_entity(job)
    assert (rows, points) == (2, 1)
    assert graph.get_timeseries_values(job, models.DatahubIngestionCheckpointClass, filter={}) == []
