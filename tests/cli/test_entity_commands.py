"""`datahub get`, `put`, `exists`, `delete` and `timeline` against a live server."""

from __future__ import annotations

import json
from pathlib import Path

import datahub.metadata.schema_classes as models
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.metadata.urns import MlModelGroupUrn

from tests.compat.helpers import unique
from tests.writes.helpers import stored


def _group(restli_client, **properties) -> str:  # type: ignore[no-untyped-def]
    urn = str(MlModelGroupUrn(platform="mlflow", name=unique("cli")))
    aspect = models.MLModelGroupPropertiesClass(**properties)
    restli_client._graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=aspect))
    return urn


def test_put_then_get_and_exists(datahub, server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    urn = str(MlModelGroupUrn(platform="mlflow", name=unique("put")))
    assert datahub("exists", "--urn", urn).stdout.strip() == "false"
    data = tmp_path / "props.json"
    data.write_text(json.dumps({"description": "from the cli", "customProperties": {"k": "v"}}))
    datahub("put", "--urn", urn, "-a", "mlModelGroupProperties", "-d", str(data), "--run-id", "cli-run")

    assert datahub("exists", "--urn", urn).stdout.strip() == "true"
    printed = json.loads(datahub("get", "--urn", urn, "-a", "mlModelGroupProperties").stdout)
    assert printed["mlModelGroupProperties"] == {"description": "from the cli", "customProperties": {"k": "v"}}
    details = json.loads(datahub("get", "--urn", urn, "-a", "mlModelGroupProperties", "--details").stdout)
    assert details["mlModelGroupProperties"]["systemMetadata"]["runId"] == "cli-run"


def test_get_of_a_missing_urn_says_not_found(datahub) -> None:  # type: ignore[no-untyped-def]
    urn = str(MlModelGroupUrn(platform="mlflow", name=unique("absent")))
    result = datahub("get", "--urn", urn, check=False)
    assert result.returncode != 0 and "not found" in result.stderr + result.stdout


def test_put_of_an_invalid_aspect_reports_the_field(datahub, server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    urn = str(MlModelGroupUrn(platform="mlflow", name=unique("bad")))
    data = tmp_path / "bad.json"
    data.write_text(json.dumps({"description": 5}))
    result = datahub("put", "--urn", urn, "-a", "mlModelGroupProperties", "-d", str(data), check=False)
    assert "description" in result.stdout + result.stderr
    assert stored(server, urn, "mlModelGroupProperties") is None


def test_soft_then_hard_delete(datahub, restli_client, server) -> None:  # type: ignore[no-untyped-def]
    urn = _group(restli_client, description="to delete")
    datahub("delete", "--urn", urn, "--force")
    assert stored(server, urn, "status") == {"removed": True}
    assert (
        stored(server, urn, "mlModelGroupProperties") == {"description": "to delete", "customProperties": {}}
        or stored(server, urn, "mlModelGroupProperties")["description"] == "to delete"
    )

    datahub("delete", "--urn", urn, "--hard", "--force")
    assert datahub("exists", "--urn", urn).stdout.strip() == "false"


def test_timeline_prints_tag_changes(datahub, restli_client) -> None:  # type: ignore[no-untyped-def]
    urn = _group(restli_client, description="t")
    tags = models.GlobalTagsClass(tags=[models.TagAssociationClass("urn:li:tag:pii")])
    restli_client._graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=tags))
    restli_client._graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=models.GlobalTagsClass(tags=[])))
    out = datahub("timeline", "--urn", urn, "-c", "TAG").stdout
    assert "ADD TAG" in out and "REMOVE TAG" in out and "urn:li:tag:pii" in out
    verbose = datahub("timeline", "--urn", urn, "-c", "tag", "--verbose").stdout
    transactions = json.loads(verbose[verbose.index("[") :])
    assert [e["operation"] for t in transactions for e in t["changeEvents"]] == ["ADD", "REMOVE"]


def test_hard_delete_of_a_tag_removes_its_references(datahub, restli_client, server) -> None:  # type: ignore[no-untyped-def]
    urn = _group(restli_client, description="tagged")
    tag = f"urn:li:tag:{unique('gone')}"
    restli_client._graph.emit(MetadataChangeProposalWrapper(entityUrn=tag, aspect=models.TagPropertiesClass(name="gone")))
    tags = models.GlobalTagsClass(tags=[models.TagAssociationClass(tag)])
    restli_client._graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=tags))
    datahub("delete", "--urn", tag, "--hard", "--force")
    assert stored(server, urn, "globalTags") == {"tags": []}
    assert datahub("exists", "--urn", tag).stdout.strip() == "false"
