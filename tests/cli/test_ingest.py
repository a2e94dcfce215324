"""`datahub ingest` (file source -> datahub-rest sink) in every sink mode, then list-runs, show, rollback."""

from __future__ import annotations

import json
from pathlib import Path

import datahub.metadata.schema_classes as models
import pytest
import requests
import yaml
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.ingestion.sink.file import write_metadata_file
from datahub.metadata.schema_classes import SystemMetadataClass
from datahub.metadata.urns import MlModelGroupUrn, MlModelUrn

from tests.compat.helpers import unique
from tests.writes.helpers import envelope, stored


def _recipe(tmp_path: Path, mcps: list[MetadataChangeProposalWrapper], run_id: str, **sink: object) -> Path:
    data = tmp_path / f"{run_id}.json"
    write_metadata_file(data, mcps)
    recipe = tmp_path / f"{run_id}.yml"
    recipe.write_text(
        yaml.safe_dump(
            {
                "run_id": run_id,
                "pipeline_name": "ml-file-pipeline",
                "source": {"type": "file", "config": {"path": str(data)}},
                "sink": {"type": "datahub-rest", "config": sink},
            }
        )
    )
    return recipe


def _group_mcps(name: str, description: str) -> tuple[str, list[MetadataChangeProposalWrapper]]:
    urn = str(MlModelGroupUrn(platform="mlflow", name=name))
    properties = models.MLModelGroupPropertiesClass(description=description)
    tags = models.GlobalTagsClass(tags=[models.TagAssociationClass("urn:li:tag:ingested")])
    return urn, [
        MetadataChangeProposalWrapper(entityUrn=urn, aspect=properties),
        MetadataChangeProposalWrapper(entityUrn=urn, aspect=tags),
    ]


@pytest.mark.parametrize(
    ("sink", "env"),
    [
        ({"mode": "SYNC"}, {}),
        ({"mode": "ASYNC"}, {}),
        ({"mode": "ASYNC_BATCH"}, {}),
        ({"mode": "ASYNC_BATCH", "endpoint": "openapi"}, {"DATAHUB_EMIT_MODE": "ASYNC_WAIT"}),
    ],
    ids=["SYNC", "ASYNC", "ASYNC_BATCH", "ASYNC_WAIT-openapi"],
)
def test_ingest_every_sink_mode_stores_aspects_with_run_metadata(datahub, server, tmp_path, sink, env) -> None:  # type: ignore[no-untyped-def]
    run_id = unique("run")
    urn, mcps = _group_mcps(unique("ingested"), "from a file")
    result = datahub("ingest", "-c", str(_recipe(tmp_path, mcps, run_id, server=server.url, **sink)), env=env)
    assert "Pipeline finished successfully" in result.stdout + result.stderr
    assert (
        stored(server, urn, "mlModelGroupProperties") == {"description": "from a file", "customProperties": {}}
        or stored(server, urn, "mlModelGroupProperties")["description"] == "from a file"
    )
    system_metadata = envelope(server, urn, "globalTags")["systemMetadata"]
    assert (system_metadata["runId"], system_metadata["pipelineName"]) == (run_id, "ml-file-pipeline")

    if sink["mode"] == "SYNC":  # the run commands once: each CLI start costs seconds
        assert run_id in datahub("ingest", "list-runs").stdout
        shown = datahub("ingest", "show", "--run-id", run_id).stdout
        assert urn in shown and "globalTags" in shown and "mlModelGroupKey" in shown


def test_rollback_restores_previous_values_and_soft_deletes_created_entities(datahub, server, restli_client, tmp_path) -> None:  # type: ignore[no-untyped-def]
    existing = str(MlModelGroupUrn(platform="mlflow", name=unique("existing")))
    before = models.MLModelGroupPropertiesClass(description="before the run")
    restli_client._graph.emit(MetadataChangeProposalWrapper(entityUrn=existing, aspect=before))
    created = str(MlModelUrn(platform="mlflow", name=unique("created")))
    mcps = [
        MetadataChangeProposalWrapper(entityUrn=existing, aspect=models.MLModelGroupPropertiesClass(description="from the run")),
        MetadataChangeProposalWrapper(
            entityUrn=existing, aspect=models.GlobalTagsClass(tags=[models.TagAssociationClass("urn:li:tag:t")])
        ),
        MetadataChangeProposalWrapper(entityUrn=created, aspect=models.MLModelPropertiesClass(description="new model")),
    ]
    run_id = unique("rollme")
    datahub("ingest", "-c", str(_recipe(tmp_path, mcps, run_id, server=server.url, mode="SYNC")))
    assert stored(server, existing, "mlModelGroupProperties")["description"] == "from the run"

    dry = datahub("ingest", "rollback", "--run-id", run_id, "--dry-run").stdout
    assert "will delete 1 entities" in " ".join(dry.split())
    assert stored(server, existing, "mlModelGroupProperties")["description"] == "from the run"

    out = datahub("ingest", "rollback", "--run-id", run_id, "--force").stdout
    assert "deleted 1 entities" in " ".join(out.split())
    assert stored(server, existing, "mlModelGroupProperties")["description"] == "before the run"
    assert stored(server, existing, "globalTags") is None
    assert stored(server, created, "status") == {"removed": True}
    assert stored(server, created, "mlModelProperties") is None
    assert run_id not in datahub("ingest", "list-runs").stdout
    assert run_id in datahub("ingest", "list-runs", "--include-soft-deletes").stdout


def test_rollback_leaves_aspects_a_later_run_overwrote(server, restli_client) -> None:  # type: ignore[no-untyped-def]
    urn = str(MlModelGroupUrn(platform="mlflow", name=unique("overwritten")))
    for run, description in (("first-" + urn[-10:], "one"), ("second-" + urn[-10:], "two")):
        mcp = MetadataChangeProposalWrapper(
            entityUrn=urn,
            aspect=models.MLModelGroupPropertiesClass(description=description),
            systemMetadata=SystemMetadataClass(runId=run),
        )
        restli_client._graph.emit(mcp)
    reply = requests.post(
        f"{server.url}/runs?action=rollback", json={"runId": "first-" + urn[-10:], "dryRun": False}, timeout=30
    ).json()
    assert reply["value"]["unsafeEntities"] == [{"urn": urn}]
    assert stored(server, urn, "mlModelGroupProperties")["description"] == "two"
    describe = requests.post(
        f"{server.url}/runs?action=describe", json={"runId": "second-" + urn[-10:], "includeAspect": True}, timeout=30
    )
    assert [row["aspectName"] for row in describe.json()["value"]] == ["mlModelGroupProperties"]
    assert describe.json()["value"][0]["aspect"]["description"] == "two"
    assert json.dumps(describe.json())  # plain JSON, as the CLI prints it
