"""The official SDK against a server with authentication on: tokens, roles and the recorded actor."""

from __future__ import annotations

import datahub.metadata.schema_classes as models
import pytest
import requests
from datahub.configuration.common import OperationalError
from datahub.ingestion.graph.client import get_default_graph
from datahub.metadata.urns import MlModelGroupUrn, TagUrn
from datahub.sdk import DataHubClient
from datahub.sdk.mlmodelgroup import MLModelGroup

from mlcatalog.store.sql import open_store
from tests.compat.helpers import encoded, unique
from tests.support.tokens import AuthServer


def _group(name: str) -> MLModelGroup:
    return MLModelGroup(id=name, name="Churn models", platform="mlflow", description="d")


def _error_text(exc: BaseException) -> str:
    """The server's message as the SDK surfaces it (OperationalError info, or the HTTPError's body)."""
    response = getattr(exc, "response", None)
    return str(exc) + (response.text if response is not None else "")


def _raw_entity(secured: AuthServer, urn: str) -> dict:
    reply = requests.get(f"{secured.url}/entitiesV2/{encoded(urn)}", headers=secured.headers("reader"))
    assert reply.status_code == 200, reply.text
    return reply.json()["aspects"]


@pytest.fixture(params=["restli", "openapi"])
def editor(request: pytest.FixtureRequest, secured: AuthServer, monkeypatch: pytest.MonkeyPatch) -> DataHubClient:
    """An editor's SDK client: explicit token (rest.li writes) or DATAHUB_GMS_TOKEN (OpenAPI writes)."""
    if request.param == "restli":
        return DataHubClient(server=secured.url, token=secured.tokens["editor"])
    monkeypatch.setenv("DATAHUB_GMS_URL", secured.url)
    monkeypatch.setenv("DATAHUB_GMS_TOKEN", secured.tokens["editor"])
    get_default_graph.cache_clear()
    return DataHubClient.from_env()


def test_editor_writes_and_its_user_is_the_recorded_actor(editor: DataHubClient, secured: AuthServer) -> None:
    name = unique("churn")
    editor.entities.upsert(_group(name))
    urn = str(MlModelGroupUrn(platform="mlflow", name=name))

    assert editor.entities.get(urn).name == "Churn models"
    aspects = _raw_entity(secured, urn)
    assert aspects["mlModelGroupProperties"]["created"]["actor"] == "urn:li:corpuser:editor-bot"
    assert aspects["mlModelGroupKey"]["created"]["actor"] == "urn:li:corpuser:editor-bot"


def test_actor_is_the_token_user_whatever_the_client_claims(secured: AuthServer) -> None:
    urn = str(MlModelGroupUrn(platform="mlflow", name=unique("claims")))
    proposal = {
        "entityType": "mlModelGroup",
        "entityUrn": urn,
        "changeType": "UPSERT",
        "aspectName": "globalTags",
        "aspect": {"value": '{"tags":[{"tag":"urn:li:tag:x"}]}', "contentType": "application/json"},
        "headers": {"X-DataHub-Actor": "urn:li:corpuser:mallory"},
        "auditHeader": {"time": 0, "messageId": "m", "actor": "urn:li:corpuser:mallory"},
        "systemMetadata": {"runId": "r", "properties": {"actor": "urn:li:corpuser:mallory"}},
    }
    headers = {**secured.headers("editor"), "X-DataHub-Actor": "urn:li:corpuser:mallory"}
    reply = requests.post(f"{secured.url}/aspects?action=ingestProposal", json={"proposal": proposal}, headers=headers)
    assert reply.status_code == 200, reply.text

    assert _raw_entity(secured, urn)["globalTags"]["created"]["actor"] == "urn:li:corpuser:editor-bot"
    store = open_store(secured.database_url, migrate=False)
    try:
        logged = [change for _, change in store.changes(0, 100_000) if change.urn == urn]
    finally:
        store.close()
    assert {(c.aspect, c.actor) for c in logged} == {
        ("mlModelGroupKey", "urn:li:corpuser:editor-bot"),
        ("globalTags", "urn:li:corpuser:editor-bot"),
    }


def test_config_is_readable_without_a_token(secured: AuthServer) -> None:
    reply = requests.get(f"{secured.url}/config")
    assert reply.status_code == 200
    assert reply.json()["noCode"] == "true"


def test_no_token_is_401_with_a_clear_message(secured: AuthServer) -> None:
    client = DataHubClient(server=secured.url)  # /config passes: it is public
    urn = MlModelGroupUrn(platform="mlflow", name=unique("anon"))
    with pytest.raises((OperationalError, requests.HTTPError)) as caught:
        client.entities.upsert(_group(urn.name))
    assert "authentication required" in _error_text(caught.value)
    reply = requests.get(f"{secured.url}/entitiesV2/{encoded(str(urn))}")
    assert reply.status_code == 401
    assert reply.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer <token>" in reply.json()["message"]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer mlc_not-a-real-token", "invalid token"),
        ("Basic client-id:client-secret", "expected 'Bearer <token>'"),
        ("Bearer ", "expected 'Bearer <token>'"),
    ],
)
def test_wrong_token_is_401(secured: AuthServer, header: str, message: str) -> None:
    reply = requests.get(
        f"{secured.url}/relationships",
        params={"urn": "urn:li:corpuser:x", "direction": "INCOMING"},
        headers={"Authorization": header},
    )
    assert reply.status_code == 401
    assert message in reply.json()["message"]


def test_sdk_with_a_wrong_token_cannot_read(secured: AuthServer) -> None:
    client = DataHubClient(server=secured.url, token="mlc_wrong")
    with pytest.raises((OperationalError, requests.HTTPError)) as caught:
        client._graph.get_aspect("urn:li:corpuser:someone", models.CorpUserKeyClass)
    assert "invalid token" in _error_text(caught.value)


def test_reader_reads_but_cannot_write_and_nothing_changes(secured: AuthServer) -> None:
    name = unique("readonly")
    DataHubClient(server=secured.url, token=secured.tokens["editor"]).entities.upsert(_group(name))
    urn = MlModelGroupUrn(platform="mlflow", name=name)
    reader = DataHubClient(server=secured.url, token=secured.tokens["reader"])

    group = reader.entities.get(urn)
    assert group.name == "Churn models"
    group.add_tag(TagUrn("sneaky"))
    with pytest.raises(OperationalError) as caught:
        reader.entities.update(group)
    assert "forbidden" in str(caught.value) and "'reader'" in str(caught.value)
    assert "globalTags" not in _raw_entity(secured, str(urn))


def test_hard_delete_needs_admin(secured: AuthServer) -> None:
    name = unique("doomed")
    editor = DataHubClient(server=secured.url, token=secured.tokens["editor"])
    editor.entities.upsert(_group(name))
    urn = str(MlModelGroupUrn(platform="mlflow", name=name))

    with pytest.raises(OperationalError) as caught:
        editor._graph.hard_delete_entity(urn)
    assert "forbidden" in str(caught.value) and "'admin'" in str(caught.value)
    assert "mlModelGroupProperties" in _raw_entity(secured, urn)

    admin = DataHubClient(server=secured.url, token=secured.tokens["admin"])
    admin._graph.hard_delete_entity(urn)
    assert not admin.entities._graph.exists(urn)


def test_deleting_an_aspect_through_an_mcp_needs_admin(secured: AuthServer) -> None:
    name = unique("aspect-delete")
    DataHubClient(server=secured.url, token=secured.tokens["editor"]).entities.upsert(_group(name))
    urn = str(MlModelGroupUrn(platform="mlflow", name=name))
    delete = {"entityType": "mlModelGroup", "entityUrn": urn, "changeType": "DELETE", "aspectName": "mlModelGroupProperties"}

    def send(role: str) -> requests.Response:
        url = f"{secured.url}/aspects?action=ingestProposalBatch"
        return requests.post(url, json={"proposals": [delete]}, headers=secured.headers(role))

    refused = send("editor")
    assert refused.status_code == 403 and "delete metadata" in refused.json()["message"]
    assert "mlModelGroupProperties" in _raw_entity(secured, urn)
    assert send("admin").status_code == 200
    assert "mlModelGroupProperties" not in _raw_entity(secured, urn)


def test_soft_delete_is_an_editor_write(secured: AuthServer) -> None:
    name = unique("soft")
    editor = DataHubClient(server=secured.url, token=secured.tokens["editor"])
    editor.entities.upsert(_group(name))
    urn = str(MlModelGroupUrn(platform="mlflow", name=name))
    editor.entities.delete(urn)
    assert _raw_entity(secured, urn)["status"]["value"] == {"removed": True}


def test_reader_searches_through_graphql(secured: AuthServer) -> None:
    name = unique("searchable")
    DataHubClient(server=secured.url, token=secured.tokens["editor"]).entities.upsert(_group(name))
    reader = DataHubClient(server=secured.url, token=secured.tokens["reader"])
    found = [str(urn) for urn in reader.search.get_urns(query=name)]
    assert found == [str(MlModelGroupUrn(platform="mlflow", name=name))]
    anonymous = requests.post(f"{secured.url}/api/graphql", json={"query": "{ __typename }"})
    assert anonymous.status_code == 401
