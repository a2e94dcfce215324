"""GraphQL entity queries in DataHub's shapes, over data written by the official SDK."""

from __future__ import annotations

import requests
from datahub.metadata.urns import CorpUserUrn, MlModelGroupUrn, TagUrn
from datahub.sdk.mlmodel import MLModel
from datahub.sdk.mlmodelgroup import MLModelGroup

from tests.compat.helpers import unique

GROUP_QUERY = """
query group($urn: String!) {
  mlModelGroup(urn: $urn) {
    urn type name origin platform { name }
    properties { name description customProperties { key value } }
    ownership { owners { type owner { ... on CorpUser { username } } } }
    tags { tags { tag { urn name } } }
    relationships(input: {types: ["MemberOf"], direction: INCOMING}) { total relationships { entity { urn type } } }
  }
}
"""


def graphql(server, query: str, variables: dict | None = None) -> dict:  # type: ignore[no-untyped-def]
    reply = requests.post(f"{server.url}/api/graphql", json={"query": query, "variables": variables or {}})
    assert reply.status_code == 200
    return reply.json()


def test_model_group_query_returns_governance_and_members(server, restli_client) -> None:  # type: ignore[no-untyped-def]
    name = unique("gql-group")
    restli_client.entities.upsert(
        MLModelGroup(
            id=name,
            platform="mlflow",
            name="GQL Group",
            description="for graphql",
            custom_properties={"team": "recs"},
            owners=[CorpUserUrn("alice")],
            tags=[TagUrn("nlp")],
        )
    )
    group = MlModelGroupUrn(platform="mlflow", name=name)
    model = MLModel(id=unique("gql-model"), platform="mlflow")
    model.set_model_group(group)
    restli_client.entities.upsert(model)

    data = graphql(server, GROUP_QUERY, {"urn": str(group)})["data"]["mlModelGroup"]

    assert (data["type"], data["name"], data["origin"], data["platform"]["name"]) == ("MLMODEL_GROUP", name, "PROD", "mlflow")
    assert data["properties"]["description"] == "for graphql"
    assert data["properties"]["customProperties"] == [{"key": "team", "value": "recs"}]
    assert data["ownership"]["owners"][0]["owner"] == {"username": "alice"}
    assert data["tags"]["tags"][0]["tag"] == {"urn": "urn:li:tag:nlp", "name": "nlp"}
    assert data["relationships"]["total"] == 1
    assert data["relationships"]["relationships"][0]["entity"] == {"urn": str(model.urn), "type": "MLMODEL"}


def test_unknown_urn_is_null_and_malformed_query_is_an_error(server) -> None:  # type: ignore[no-untyped-def]
    missing = "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,does-not-exist,PROD)"
    assert graphql(server, GROUP_QUERY, {"urn": missing}) == {"data": {"mlModelGroup": None}}
    reply = graphql(server, "{ mlModelGroup { urn } }")
    assert reply["errors"] and "urn" in reply["errors"][0]["message"]


def test_sdk_execute_graphql_reads_entity(server, restli_client) -> None:  # type: ignore[no-untyped-def]
    name = unique("gql-sdk")
    restli_client.entities.upsert(MLModelGroup(id=name, platform="mlflow", description="via sdk graphql"))
    urn = str(MlModelGroupUrn(platform="mlflow", name=name))
    result = restli_client._graph.execute_graphql(
        "query e($urn: String!) { entity(urn: $urn) { urn type ... on MLModelGroup { description } } }", {"urn": urn}
    )
    assert result["entity"] == {"urn": urn, "type": "MLMODEL_GROUP", "description": "via sdk graphql"}
