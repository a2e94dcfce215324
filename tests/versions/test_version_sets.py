"""Version sets: isLatest on exactly one version, the set pointing at it, readable through GraphQL."""

from __future__ import annotations

import requests
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.metadata.schema_classes import VersionPropertiesClass, VersionTagClass
from datahub.metadata.urns import MlModelUrn, VersionSetUrn

from tests.compat.helpers import unique


def _version(client, version_set: str, name: str, label: str, aliases: list[str] | None = None) -> str:  # type: ignore[no-untyped-def]
    urn = str(MlModelUrn(platform="mlflow", name=name))
    client._graph.emit_mcp(
        MetadataChangeProposalWrapper(
            entityUrn=urn,
            aspect=VersionPropertiesClass(
                versionSet=version_set,
                version=VersionTagClass(versionTag=label),
                sortId=label.zfill(10),
                aliases=[VersionTagClass(versionTag=a) for a in aliases or []],
            ),
        )
    )
    return urn


def _latest_flags(client, urns: list[str]) -> list[bool]:  # type: ignore[no-untyped-def]
    return [bool(client._graph.get_aspect(u, VersionPropertiesClass).isLatest) for u in urns]


def test_is_latest_follows_the_highest_sort_id(server, restli_client) -> None:  # type: ignore[no-untyped-def]
    name = unique("set")
    version_set = str(VersionSetUrn(id=name, entity_type="mlModel"))
    urns = [_version(restli_client, version_set, f"{name}-v{n}", str(n)) for n in (1, 3, 2)]
    assert _latest_flags(restli_client, urns) == [False, True, False]

    urns.append(_version(restli_client, version_set, f"{name}-v4", "4", aliases=["champion"]))
    assert _latest_flags(restli_client, urns) == [False, False, False, True]

    query = """query v($urn: String!) { versionSet(urn: $urn) {
        latestVersion { urn } versions { urn ... on MLModel { versionProperties { version { versionTag } isLatest
        aliases { versionTag } } } } } }"""
    data = requests.post(f"{server.url}/api/graphql", json={"query": query, "variables": {"urn": version_set}}).json()
    result = data["data"]["versionSet"]
    assert result["latestVersion"] == {"urn": urns[3]}
    assert [v["versionProperties"]["version"]["versionTag"] for v in result["versions"]] == ["4", "3", "2", "1"]
    assert [v["versionProperties"]["isLatest"] for v in result["versions"]] == [True, False, False, False]
    assert result["versions"][0]["versionProperties"]["aliases"] == [{"versionTag": "champion"}]


def test_sdk_versioned_model_is_its_own_latest(restli_client) -> None:  # type: ignore[no-untyped-def]
    from datahub.sdk.mlmodel import MLModel

    model = MLModel(id=unique("sdk-versioned"), platform="mlflow", version="7", aliases=["challenger"])
    restli_client.entities.upsert(model)
    props = restli_client._graph.get_aspect(str(model.urn), VersionPropertiesClass)
    assert props.isLatest is True and props.version.versionTag == "7"


def test_versions_search_orders_and_filters_a_set(server, restli_client) -> None:  # type: ignore[no-untyped-def]
    name = unique("searched-set")
    version_set = str(VersionSetUrn(id=name, entity_type="mlModel"))
    urns = [_version(restli_client, version_set, f"{name}-v{n}", str(n)) for n in (2, 10, 1)]
    query = """query v($urn: String!, $input: SearchAcrossEntitiesInput!) { versionSet(urn: $urn) {
        versionsSearch(input: $input) { start count total searchResults { entity { urn } } } } }"""

    def search(**input: object) -> dict:
        variables = {"urn": version_set, "input": {"query": "*", **input}}
        reply = requests.post(f"{server.url}/api/graphql", json={"query": query, "variables": variables}).json()
        return reply["data"]["versionSet"]["versionsSearch"]

    everything = search()
    assert everything["total"] == 3
    assert [r["entity"]["urn"] for r in everything["searchResults"]] == [urns[1], urns[0], urns[2]]  # 10, 2, 1
    page = search(start=1, count=1)
    assert (page["start"], page["count"], page["total"]) == (1, 1, 3)
    assert [r["entity"]["urn"] for r in page["searchResults"]] == [urns[0]]
    only_latest = search(orFilters=[{"and": [{"field": "isLatest", "values": ["true"]}]}])
    assert [r["entity"]["urn"] for r in only_latest["searchResults"]] == [urns[1]]
