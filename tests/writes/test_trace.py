"""ASYNC_WAIT: write responses carry a traceparent and the trace endpoint reports what was stored."""

from __future__ import annotations

import datahub.metadata.schema_classes as models
import requests
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.emitter.rest_emitter import EmitMode
from datahub.metadata.urns import MlModelGroupUrn

from tests.compat.helpers import unique
from tests.writes.helpers import stored


def test_sdk_async_wait_polls_the_trace_and_returns(openapi_client, server) -> None:  # type: ignore[no-untyped-def]
    urn = str(MlModelGroupUrn(platform="mlflow", name=unique("traced")))
    mcp = MetadataChangeProposalWrapper(entityUrn=urn, aspect=models.MLModelGroupPropertiesClass(description="waited"))
    openapi_client._graph.emit_mcps([mcp], emit_mode=EmitMode.ASYNC_WAIT)
    assert stored(server, urn, "mlModelGroupProperties")["description"] == "waited"


def test_trace_endpoint_reports_stored_and_missing_aspects(server) -> None:  # type: ignore[no-untyped-def]
    urn = str(MlModelGroupUrn(platform="mlflow", name=unique("trace")))
    write = requests.post(
        f"{server.url}/openapi/v3/entity/mlModelGroup?async=true",
        json=[{"urn": urn, "status": {"value": {"removed": False}}}],
        timeout=30,
    )
    assert write.status_code == 202
    version, trace_id, _span, flags = write.headers["traceparent"].split("-")
    assert (version, len(trace_id), flags) == ("00", 32, "01")

    reply = requests.post(
        f"{server.url}/openapi/v1/trace/write/{trace_id}",
        params={"onlyIncludeErrors": "false", "detailed": "true"},
        json={urn: ["status", "globalTags"]},
        timeout=30,
    ).json()
    assert reply[urn]["status"] == {
        "success": True,
        "primaryStorage": {"writeStatus": "ACTIVE_STATE"},
        "searchStorage": {"writeStatus": "ACTIVE_STATE"},
    }
    assert reply[urn]["globalTags"]["success"] is False
