"""Optimistic concurrency: If-Version-Match / If-Unmodified-Since refuse stale writes with 412."""

from __future__ import annotations

import json

import datahub.metadata.schema_classes as models
import pytest
import requests
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.metadata.urns import MlModelGroupUrn

from tests.compat.helpers import unique
from tests.writes.helpers import envelope, stored


def _urn() -> str:
    return str(MlModelGroupUrn(platform="mlflow", name=unique("cond")))


def _props(description: str) -> models.MLModelGroupPropertiesClass:
    return models.MLModelGroupPropertiesClass(description=description)


def test_version_match_accepts_the_current_version_and_refuses_a_stale_one(client, server) -> None:  # type: ignore[no-untyped-def]
    urn, graph = _urn(), client._graph
    graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=_props("v1"), headers={"If-Version-Match": "-1"}))
    seen = envelope(server, urn, "mlModelGroupProperties")
    assert seen is not None and seen["systemMetadata"]["version"] == "1"

    graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=_props("v2"), headers={"If-Version-Match": "1"}))
    assert envelope(server, urn, "mlModelGroupProperties")["systemMetadata"]["version"] == "2"

    stale = MetadataChangeProposalWrapper(entityUrn=urn, aspect=_props("lost update"), headers={"If-Version-Match": "1"})
    with pytest.raises(Exception, match="expected version 1, actual version 2"):
        graph.emit(stale)
    assert stored(server, urn, "mlModelGroupProperties")["description"] == "v2"


def test_version_minus_one_means_must_not_exist(client, server) -> None:  # type: ignore[no-untyped-def]
    urn, graph = _urn(), client._graph
    graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=_props("first")))
    with pytest.raises(Exception, match="actual version 1"):
        graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=_props("second"), headers={"If-Version-Match": "-1"}))
    assert stored(server, urn, "mlModelGroupProperties")["description"] == "first"


def test_patch_honours_version_match(client, server) -> None:  # type: ignore[no-untyped-def]
    urn, graph = _urn(), client._graph
    graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=models.StatusClass(removed=False)))
    patch = {"patch": [{"op": "add", "path": "/removed", "value": True}]}
    body = {
        "proposal": {
            "entityUrn": urn,
            "aspectName": "status",
            "changeType": "PATCH",
            "headers": {"If-Version-Match": "7"},
            "aspect": {"value": json.dumps(patch), "contentType": "application/json-patch+json"},
        }
    }
    reply = requests.post(f"{server.url}/aspects?action=ingestProposal", json=body, timeout=30)
    assert reply.status_code == 412
    assert "If-Version-Match" in reply.json()["message"]
    assert stored(server, urn, "status") == {"removed": False}


def test_unmodified_since_as_http_header_on_openapi(server) -> None:  # type: ignore[no-untyped-def]
    urn = _urn()
    url = f"{server.url}/openapi/v3/entity/mlModelGroup?async=false"
    item = [{"urn": urn, "status": {"value": {"removed": False}}}]
    assert requests.post(url, json=item, timeout=30).status_code == 200
    past = {"If-Unmodified-Since": "2001-01-01T00:00:00Z"}
    reply = requests.post(url, json=[{"urn": urn, "status": {"value": {"removed": True}}}], headers=past, timeout=30)
    assert reply.status_code == 412
    assert "If-Unmodified-Since" in reply.json()["message"]
    future = {"If-Unmodified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}
    reply = requests.post(url, json=[{"urn": urn, "status": {"value": {"removed": True}}}], headers=future, timeout=30)
    assert reply.status_code == 200
    assert stored(server, urn, "status") == {"removed": True}


def test_an_unparseable_date_is_a_422_naming_the_header(server) -> None:  # type: ignore[no-untyped-def]
    url = f"{server.url}/openapi/v3/entity/mlModelGroup?async=false"
    reply = requests.post(
        url,
        json=[{"urn": _urn(), "status": {"value": {"removed": True}}}],
        headers={"If-Modified-Since": "yesterday"},
        timeout=30,
    )
    assert reply.status_code == 422
    assert "If-Modified-Since" in reply.json()["message"]
