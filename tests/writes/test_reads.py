"""Other reads the clients use: listUrns, getCount, OpenAPI v3 scroll / batchGet / entity / aspect, and deletes."""

from __future__ import annotations

import datahub.metadata.schema_classes as models
import requests
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.metadata.urns import MlModelGroupUrn

from tests.compat.helpers import encoded, unique
from tests.writes.helpers import stored

V3 = "/openapi/v3/entity"


def _groups(graph, prefix: str, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    urns = sorted(str(MlModelGroupUrn(platform=f"reads{prefix}", name=f"g{i}")) for i in range(n))
    for index, urn in enumerate(urns):
        props = models.MLModelGroupPropertiesClass(description=f"group {index}")
        graph.emit_mcps([MetadataChangeProposalWrapper(entityUrn=urn, aspect=props)])
    return urns


def test_list_urns_pages_through_one_entity_type(restli_client, server) -> None:  # type: ignore[no-untyped-def]
    graph = restli_client._graph
    urns = _groups(graph, unique(""), 3)
    listed = []
    start = 0
    while True:
        page = graph.list_all_entity_urns("mlModelGroup", start, 50)
        listed += page or []
        if not page or len(page) < 50:
            break
        start += 50
    assert set(urns) <= set(listed)


def test_get_count_with_urn_like(restli_client, server) -> None:  # type: ignore[no-untyped-def]
    prefix = unique("count")
    _groups(restli_client._graph, prefix, 3)
    reply = requests.post(
        f"{server.url}/aspects?action=getCount",
        json={"aspect": "mlModelGroupProperties", "urnLike": f"urn:li:mlModelGroup:(urn:li:dataPlatform:reads{prefix}%"},
        timeout=30,
    )
    assert reply.json() == {"value": 3}
    bad = requests.post(f"{server.url}/aspects?action=getCount", json={"aspect": "noSuchAspect"}, timeout=30)
    assert bad.status_code == 422 and "noSuchAspect" in bad.json()["message"]


def test_v3_scroll_pages_with_a_cursor_and_hides_soft_deleted(restli_client, server) -> None:  # type: ignore[no-untyped-def]
    graph = restli_client._graph
    urns = _groups(graph, unique("scroll"), 3)
    graph.soft_delete_entity(urns[1])
    seen, scroll_id = [], None
    while True:
        params = {"count": 2, "aspects": "mlModelGroupProperties", **({"scrollId": scroll_id} if scroll_id else {})}
        page = requests.get(f"{server.url}{V3}/mlModelGroup", params=params, timeout=30).json()
        seen += [e for e in page["entities"] if e["urn"] in urns]
        scroll_id = page.get("scrollId")
        if not scroll_id:
            break
    assert [e["urn"] for e in seen] == [urns[0], urns[2]]
    assert seen[0]["mlModelGroupProperties"]["value"]["description"] == "group 0"
    assert set(seen[0]) == {"urn", "mlModelGroupProperties", "mlModelGroupKey"}
    everything = requests.get(
        f"{server.url}{V3}/mlModelGroup", params={"count": 1000, "includeSoftDelete": "true"}, timeout=30
    ).json()
    assert urns[1] in {e["urn"] for e in everything["entities"]}


def test_sdk_batch_get_returns_typed_aspects(openapi_client, server) -> None:  # type: ignore[no-untyped-def]
    graph = openapi_client._graph
    urns = _groups(graph, unique("batch"), 2)
    missing = str(MlModelGroupUrn(platform="mlflow", name=unique("missing")))
    found = graph.get_entities("mlModelGroup", [*urns, missing], ["mlModelGroupProperties"], with_system_metadata=True)
    assert set(found) == set(urns)
    aspect, system_metadata = found[urns[0]]["mlModelGroupProperties"]
    assert aspect.description == "group 0" and system_metadata is not None


def test_v3_entity_and_aspect_get_and_delete(restli_client, server) -> None:  # type: ignore[no-untyped-def]
    graph = restli_client._graph
    (urn,) = _groups(graph, unique("one"), 1)
    graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=models.MLModelGroupPropertiesClass(description="newer")))
    entity = requests.get(f"{server.url}{V3}/mlModelGroup/{encoded(urn)}", params={"systemMetadata": "true"}, timeout=30).json()
    assert entity["mlModelGroupProperties"]["value"]["description"] == "newer"
    assert entity["mlModelGroupProperties"]["systemMetadata"]["version"] == "2"
    old = requests.get(f"{server.url}{V3}/mlModelGroup/{encoded(urn)}/mlModelGroupProperties", params={"version": 1}, timeout=30)
    assert (
        old.json() == {"value": {"description": "group 0", "customProperties": {}}}
        or old.json()["value"]["description"] == "group 0"
    )

    # the SDK sends DELETE with the raw URN in the path
    assert requests.delete(f"{server.url}{V3}/mlModelGroup/{urn}/mlModelGroupProperties", timeout=30).status_code == 200
    assert stored(server, urn, "mlModelGroupProperties") is None
    assert requests.delete(f"{server.url}{V3}/mlModelGroup/{encoded(urn)}", timeout=30).status_code == 200
    assert requests.get(f"{server.url}{V3}/mlModelGroup/{encoded(urn)}", timeout=30).status_code == 404


def test_v3_rejects_a_urn_of_another_type(server) -> None:  # type: ignore[no-untyped-def]
    reply = requests.get(f"{server.url}{V3}/mlModel/{encoded('urn:li:corpuser:x')}", timeout=30)
    assert reply.status_code == 422 and "mlModel" in reply.json()["message"]


def test_delete_references_strips_a_tag_everywhere(restli_client, server) -> None:  # type: ignore[no-untyped-def]
    graph = restli_client._graph
    tag, keep = f"urn:li:tag:{unique('doomed')}", "urn:li:tag:keep"
    (urn,) = _groups(graph, unique("refs"), 1)
    tags = models.GlobalTagsClass(tags=[models.TagAssociationClass(tag), models.TagAssociationClass(keep)])
    graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=tags))
    count, related = graph.delete_references_to_urn(tag, dry_run=True)
    assert (count, related) == (1, [{"relationshipType": "TaggedWith", "urn": urn, "aspect": "globalTags"}])
    assert len(stored(server, urn, "globalTags")["tags"]) == 2

    graph.delete_references_to_urn(tag)
    assert stored(server, urn, "globalTags") == {"tags": [{"tag": keep}]}
    assert graph.delete_references_to_urn(tag, dry_run=True)[0] == 0


def _owners(*urns: str) -> models.OwnershipClass:
    return models.OwnershipClass(owners=[models.OwnerClass(u, "TECHNICAL_OWNER") for u in urns])


def test_delete_references_for_users_groups_domains_and_terms(restli_client, server) -> None:  # type: ignore[no-untyped-def]
    graph = restli_client._graph
    (urn,) = _groups(graph, unique("many"), 1)
    user, group, domain, term = (
        f"urn:li:corpuser:{unique('u')}",
        f"urn:li:corpGroup:{unique('g')}",
        f"urn:li:domain:{unique('d')}",
        f"urn:li:glossaryTerm:{unique('t')}",
    )
    stamp = models.AuditStampClass(0, "urn:li:corpuser:x")
    aspects = [
        _owners(user, group, "urn:li:corpuser:stays"),
        models.DomainsClass(domains=[domain]),
        models.GlossaryTermsClass(terms=[models.GlossaryTermAssociationClass(term)], auditStamp=stamp),
    ]
    graph.emit_mcps([MetadataChangeProposalWrapper(entityUrn=urn, aspect=a) for a in aspects])
    for target in (user, group, domain, term):
        assert graph.delete_references_to_urn(target)[0] == 1
    assert [o["owner"] for o in stored(server, urn, "ownership")["owners"]] == ["urn:li:corpuser:stays"]
    assert stored(server, urn, "domains")["domains"] == []
    assert stored(server, urn, "glossaryTerms")["terms"] == []
