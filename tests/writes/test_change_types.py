"""CREATE, CREATE_ENTITY, DELETE and the SDK's create/delete flows, on both write protocols."""

from __future__ import annotations

import datahub.metadata.schema_classes as models
import pytest
import requests
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.errors import SdkUsageError
from datahub.metadata.urns import MlModelGroupUrn, MlModelUrn
from datahub.sdk.mlmodel import MLModel
from datahub.sdk.mlmodelgroup import MLModelGroup

from tests.compat.helpers import encoded, unique
from tests.writes.helpers import stored


def _group_urn() -> str:
    return str(MlModelGroupUrn(platform="mlflow", name=unique("g")))


def test_entities_create_then_create_again_is_refused(client, server) -> None:  # type: ignore[no-untyped-def]
    group = MLModelGroup(id=unique("created"), platform="mlflow", description="first")
    client.entities.create(group)
    assert client.entities.get(group.urn).description == "first"
    with pytest.raises(SdkUsageError, match="already exists"):
        client.entities.create(MLModelGroup(id=group.urn.name, platform="mlflow", description="second"))
    assert client.entities.get(group.urn).description == "first"


def test_create_entity_is_refused_by_the_server_when_the_entity_exists(restli_client, server) -> None:  # type: ignore[no-untyped-def]
    urn = _group_urn()
    restli_client._graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=models.StatusClass(removed=False)))
    key = MlModelGroupUrn.from_string(urn).to_key_aspect()
    mcp = MetadataChangeProposalWrapper(entityUrn=urn, aspect=key, changeType="CREATE_ENTITY")
    with pytest.raises(Exception, match="already exists"):
        restli_client._graph.emit(mcp)


def test_create_of_an_existing_aspect_is_refused_and_batch_rolls_back(restli_client, server) -> None:  # type: ignore[no-untyped-def]
    urn = _group_urn()
    graph = restli_client._graph
    first = models.MLModelGroupPropertiesClass(description="one")
    graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=first, changeType="CREATE"))
    batch = [
        MetadataChangeProposalWrapper(entityUrn=urn, aspect=models.GlobalTagsClass(tags=[])),
        MetadataChangeProposalWrapper(
            entityUrn=urn, aspect=models.MLModelGroupPropertiesClass(description="two"), changeType="CREATE"
        ),
    ]
    with pytest.raises(Exception, match="already exists") as raised:
        graph.emit_mcps(batch)
    assert "422" in str(raised.value) or "status" in str(raised.value)
    assert stored(server, urn, "mlModelGroupProperties")["description"] == "one"
    assert stored(server, urn, "globalTags") is None  # the whole batch was refused


def test_delete_change_type_removes_one_aspect(restli_client, server) -> None:  # type: ignore[no-untyped-def]
    urn = _group_urn()
    graph = restli_client._graph
    graph.emit(
        MetadataChangeProposalWrapper(
            entityUrn=urn, aspect=models.GlobalTagsClass(tags=[models.TagAssociationClass("urn:li:tag:x")])
        )
    )
    graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=models.StatusClass(removed=False)))
    reply = requests.post(
        f"{server.url}/aspects?action=ingestProposal",
        json={"proposal": {"entityType": "mlModelGroup", "entityUrn": urn, "aspectName": "globalTags", "changeType": "DELETE"}},
        timeout=30,
    )
    assert reply.status_code == 200
    assert stored(server, urn, "globalTags") is None
    assert stored(server, urn, "status") == {"removed": False}
    assert graph.exists(urn)


def test_soft_delete_keeps_the_entity_and_hard_delete_removes_it(client, server) -> None:  # type: ignore[no-untyped-def]
    model = MLModel(id=unique("doomed"), platform="mlflow", description="d")
    client.entities.upsert(model)
    client.entities.delete(model.urn)
    assert stored(server, str(model.urn), "status") == {"removed": True}
    assert client.entities.get(model.urn).description == "d"  # soft: still readable

    client.entities.delete(model.urn, hard=True)
    assert not client._graph.exists(str(model.urn))
    assert stored(server, str(model.urn), "mlModelProperties") is None
    with pytest.raises(SdkUsageError):
        client.entities.delete(model.urn)  # nothing left to delete


def test_hard_delete_reports_rows_removed(server) -> None:  # type: ignore[no-untyped-def]
    urn = str(MlModelUrn(platform="mlflow", name=unique("rows")))
    for aspect in ({"removed": False}, {"removed": True}):
        requests.post(
            f"{server.url}/aspects?action=ingestProposal",
            json={
                "proposal": {
                    "entityUrn": urn,
                    "aspectName": "status",
                    "changeType": "UPSERT",
                    "aspect": {"value": __import__("json").dumps(aspect), "contentType": "application/json"},
                }
            },
            timeout=30,
        ).raise_for_status()
    reply = requests.post(f"{server.url}/entities?action=delete", json={"urn": urn}, timeout=30).json()
    assert reply["value"]["rows"] == 3  # key aspect, status, one older status version
    assert requests.get(f"{server.url}/aspects/{encoded(urn)}", params={"aspect": "mlModelKey"}, timeout=30).status_code == 404


def test_unknown_change_type_is_a_clear_422(server) -> None:  # type: ignore[no-untyped-def]
    reply = requests.post(
        f"{server.url}/aspects?action=ingestProposal",
        json={
            "proposal": {
                "entityUrn": _group_urn(),
                "aspectName": "status",
                "changeType": "MERGE",
                "aspect": {"value": "{}", "contentType": "application/json"},
            }
        },
        timeout=30,
    )
    assert reply.status_code == 422
    assert "changeType" in reply.json()["message"]
