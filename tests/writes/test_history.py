"""Aspect versions, the retention setting and the timeline, through the SDK and HTTP."""

from __future__ import annotations

import datahub.metadata.schema_classes as models
import requests
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.ingestion.graph.client import DatahubClientConfig, DataHubGraph
from datahub.metadata.urns import MlModelGroupUrn

from tests.compat.helpers import encoded, unique
from tests.writes.helpers import stored


def _urn() -> str:
    return str(MlModelGroupUrn(platform="mlflow", name=unique("hist")))


def _write_descriptions(graph: DataHubGraph, urn: str, *descriptions: str) -> None:
    for description in descriptions:
        graph.emit(
            MetadataChangeProposalWrapper(entityUrn=urn, aspect=models.MLModelGroupPropertiesClass(description=description))
        )


def test_older_versions_are_readable(restli_client, server) -> None:  # type: ignore[no-untyped-def]
    urn, graph = _urn(), restli_client._graph
    _write_descriptions(graph, urn, "one", "two", "three")
    assert [stored(server, urn, "mlModelGroupProperties", n)["description"] for n in (1, 2, 0)] == ["one", "two", "three"]
    old = graph.get_aspect(urn, models.MLModelGroupPropertiesClass, version=1)
    assert old is not None and old.description == "one"
    assert stored(server, urn, "mlModelGroupProperties", 3) is None
    reply = requests.get(
        f"{server.url}/aspects/{encoded(urn)}", params={"aspect": "mlModelGroupProperties", "version": 2}, timeout=30
    )
    assert reply.json()["version"] == 2


def test_negative_version_is_a_422(server) -> None:  # type: ignore[no-untyped-def]
    reply = requests.get(f"{server.url}/aspects/{encoded(_urn())}", params={"aspect": "status", "version": -1}, timeout=30)
    assert reply.status_code == 422 and "version" in reply.json()["message"]


def test_retention_bounds_versions_per_aspect(make_server) -> None:  # type: ignore[no-untyped-def]
    server = make_server(env={"MLCATALOG_RETENTION_MAX_VERSIONS": "2"})
    graph = DataHubGraph(DatahubClientConfig(server=server.url))
    urn = _urn()
    _write_descriptions(graph, urn, "a", "b", "c", "d")
    assert stored(server, urn, "mlModelGroupProperties", 0)["description"] == "d"
    assert stored(server, urn, "mlModelGroupProperties", 3)["description"] == "c"
    assert [stored(server, urn, "mlModelGroupProperties", n) for n in (1, 2)] == [None, None]


def test_timeline_lists_tag_and_owner_changes(restli_client, server) -> None:  # type: ignore[no-untyped-def]
    urn, graph = _urn(), restli_client._graph
    tags = [models.TagAssociationClass("urn:li:tag:pii")]
    graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=models.GlobalTagsClass(tags=tags)))
    graph.emit(
        MetadataChangeProposalWrapper(
            entityUrn=urn, aspect=models.GlobalTagsClass(tags=[models.TagAssociationClass("urn:li:tag:gold")])
        )
    )
    owners = models.OwnershipClass(owners=[models.OwnerClass("urn:li:corpuser:ann", "TECHNICAL_OWNER")])
    graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=owners))
    _write_descriptions(graph, urn, "documented")

    url = f"{server.url}/openapi/v2/timeline/v1/{encoded(urn)}"
    reply = requests.get(url, params={"categories": "TAG,OWNERSHIP"}, timeout=30)
    assert reply.status_code == 200
    events = [[(e["category"], e["operation"], e["modifier"]) for e in t["changeEvents"]] for t in reply.json()]
    assert events == [
        [("TAG", "ADD", "urn:li:tag:pii")],
        [("TAG", "ADD", "urn:li:tag:gold"), ("TAG", "REMOVE", "urn:li:tag:pii")],
        [("OWNERSHIP", "ADD", "urn:li:corpuser:ann")],
    ]
    assert [t["semVer"] for t in reply.json()] == ["0.1.0-computed", "0.2.0-computed", "0.3.0-computed"]
    docs = requests.get(url, params={"categories": "DOCUMENTATION"}, timeout=30).json()
    assert [e["modifier"] for t in docs for e in t["changeEvents"]] == ["description"]


def test_timeline_refuses_unknown_categories(server) -> None:  # type: ignore[no-untyped-def]
    reply = requests.get(f"{server.url}/openapi/v2/timeline/v1/{encoded(_urn())}", params={"categories": "GOSSIP"}, timeout=30)
    assert reply.status_code == 422 and "GOSSIP" in reply.json()["message"]
