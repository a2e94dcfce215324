"""Bad input gets a 4xx naming the item and the reason, and changes nothing — not even the rest of its batch."""

from __future__ import annotations

import json

import pytest
import requests
from datahub.configuration.common import OperationalError
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.metadata.schema_classes import StatusClass

from tests.compat.helpers import encoded, unique


def _mcp(urn: str, aspect: str, value: object, entity_type: str = "mlModelGroup", raw: str | None = None) -> dict:
    return {
        "entityType": entity_type,
        "entityUrn": urn,
        "changeType": "UPSERT",
        "aspectName": aspect,
        "aspect": {"value": raw if raw is not None else json.dumps(value), "contentType": "application/json"},
    }


def _group_urn() -> str:
    return f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{unique('bad')},PROD)"


BAD_PROPOSALS = {
    "malformed urn": (lambda: _mcp("urn:li:mlModelGroup:(not-enough-parts)", "status", {"removed": False}), "entityUrn"),
    "not an urn": (lambda: _mcp("recommendation-models", "status", {"removed": False}), "entityUrn"),
    "invalid origin": (
        lambda: _mcp("urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,g,NOT_A_FABRIC)", "status", {"removed": False}),
        "NOT_A_FABRIC",
    ),
    "unknown entity type": (lambda: _mcp("urn:li:spaceship:enterprise", "status", {"removed": False}, "spaceship"), "spaceship"),
    "aspect of another entity": (lambda: _mcp(_group_urn(), "datasetProperties", {"name": "x"}), "datasetProperties"),
    "unknown aspect": (lambda: _mcp(_group_urn(), "noSuchAspect", {"a": 1}), "noSuchAspect"),
    "wrong field type": (lambda: _mcp(_group_urn(), "mlModelGroupProperties", {"name": 5}), "mlModelGroupProperties.name"),
    "missing required field": (
        lambda: _mcp(_group_urn(), "ownership", {"lastModified": {"time": 0, "actor": "urn:li:corpuser:a"}}),
        "ownership.owners",
    ),
    "invalid enum": (
        lambda: _mcp(_group_urn(), "ownership", {"owners": [{"owner": "urn:li:corpuser:a", "type": "CAPTAIN"}]}),
        "ownership.owners[0].type",
    ),
    "unknown field": (lambda: _mcp(_group_urn(), "status", {"removed": False, "colour": "red"}), "status.colour"),
    "aspect value not json": (lambda: _mcp(_group_urn(), "status", None, raw="{removed: yes"), "aspect.value"),
    "entity type mismatch": (lambda: _mcp(_group_urn(), "status", {"removed": False}, entity_type="mlModel"), "entityType"),
}


def _stored(server, urn: str, aspect: str = "status") -> bool:  # type: ignore[no-untyped-def]
    return requests.get(f"{server.url}/aspects/{encoded(urn)}", params={"aspect": aspect, "version": 0}).status_code == 200


@pytest.mark.parametrize("case", sorted(BAD_PROPOSALS))
def test_bad_proposal_refuses_whole_batch(server, case: str) -> None:  # type: ignore[no-untyped-def]
    make_bad, named = BAD_PROPOSALS[case]
    good_urn = _group_urn()
    batch = [_mcp(good_urn, "status", {"removed": False}), make_bad()]
    reply = requests.post(
        f"{server.url}/aspects", params={"action": "ingestProposalBatch"}, json={"proposals": batch, "async": "false"}
    )
    assert 400 <= reply.status_code < 500, reply.text
    body = reply.json()
    assert named in body["message"] and body["message"].startswith("proposals[1]")
    assert body["status"] == reply.status_code
    assert not _stored(server, good_urn), "the valid proposal before the bad one must not be stored"


def test_bad_item_refuses_whole_openapi_request(server) -> None:  # type: ignore[no-untyped-def]
    good_urn, bad_urn = _group_urn(), _group_urn()
    body = [
        {"urn": good_urn, "status": {"value": {"removed": False}}},
        {"urn": bad_urn, "mlModelGroupProperties": {"value": {"customProperties": {"k": 1}}}},
    ]
    reply = requests.post(f"{server.url}/openapi/v3/entity/mlModelGroup", params={"async": "false"}, json=body)
    assert reply.status_code == 422
    assert "[1].mlModelGroupProperties" in reply.json()["message"] and "customProperties.k" in reply.json()["message"]
    assert not _stored(server, good_urn) and not _stored(server, bad_urn, "mlModelGroupProperties")


@pytest.mark.parametrize(
    ("path", "params", "raw"),
    [
        ("/aspects", {"action": "ingestProposal"}, b"{not json"),
        ("/aspects", {"action": "ingestProposalBatch"}, b'{"proposals": "nope"}'),
        ("/aspects", {"action": "noSuchAction"}, b"{}"),
        ("/openapi/v3/entity/mlModelGroup", {}, b"[{]"),
        ("/openapi/v3/entity/spaceship", {}, b"[]"),
        ("/entities", {"action": "delete"}, b'{"urn": "garbage"}'),
    ],
)
def test_malformed_requests_are_4xx(server, path: str, params: dict, raw: bytes) -> None:  # type: ignore[no-untyped-def]
    reply = requests.post(f"{server.url}{path}", params=params, data=raw, headers={"Content-Type": "application/json"})
    assert 400 <= reply.status_code < 500, reply.text
    assert reply.json()["message"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/aspects/urn%3Ali%3AmlModelGroup%3Abroken", {"aspect": "status", "version": "0"}),
        ("/aspects/urn%3Ali%3AmlModelGroup%3A(urn%3Ali%3AdataPlatform%3Amlflow,g,PROD)", {"aspect": "nope"}),
        ("/aspects/urn%3Ali%3AmlModelGroup%3A(urn%3Ali%3AdataPlatform%3Amlflow,g,PROD)", {"aspect": "status", "version": "x"}),
        ("/entitiesV2/not-an-urn", {}),
        ("/relationships", {"urn": "urn:li:corpuser:a", "direction": "SIDEWAYS", "types": "OwnedBy"}),
        ("/relationships", {"direction": "INCOMING"}),
    ],
)
def test_bad_reads_are_4xx(server, path: str, params: dict) -> None:  # type: ignore[no-untyped-def]
    reply = requests.get(f"{server.url}{path}", params=params)
    assert 400 <= reply.status_code < 500, reply.text


def test_sdk_reports_the_server_reason(restli_client) -> None:  # type: ignore[no-untyped-def]
    """The official emitter surfaces our message in its OperationalError."""
    urn = "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,sdk-bad,NOT_A_FABRIC)"
    with pytest.raises(OperationalError) as raised:
        restli_client._graph.emit_mcps([MetadataChangeProposalWrapper(entityUrn=urn, aspect=StatusClass(removed=False))])
    assert "NOT_A_FABRIC" in str(raised.value.info.get("message", ""))
