"""Relationship reads: rest.li /relationships (curl) and /openapi/relationships/v1/ (SDK get_related_entities)."""

from __future__ import annotations

import requests
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.ingestion.graph.openapi import RelationshipDirection
from datahub.metadata import schema_classes as models
from datahub.sdk import DataHubClient

from tests.compat.helpers import unique
from tests.lineage.chain import Chain


def test_sdk_get_related_entities_pages_to_the_end(server, chain: Chain) -> None:  # type: ignore[no-untyped-def]
    graph = DataHubClient(server=server.url)._graph
    related = list(graph.get_related_entities(chain.group, ["MemberOf"], direction=RelationshipDirection.INCOMING))
    assert {(r.urn, r.relationship_type) for r in related} == {(chain.model_a, "MemberOf"), (chain.model_b, "MemberOf")}
    several = list(graph.get_related_entities(chain.model_a, ["MemberOf", "TrainedBy"], RelationshipDirection.OUTGOING))
    assert {(r.urn, r.relationship_type) for r in several} == {(chain.group, "MemberOf"), (chain.train, "TrainedBy")}


def test_openapi_relationships_page_shapes(server, chain: Chain) -> None:  # type: ignore[no-untyped-def]
    url = f"{server.url}/openapi/relationships/v1/"
    params = {"urn": chain.group, "direction": "INCOMING", "relationshipTypes": "MemberOf", "count": 1}
    first = requests.get(url, params={**params, "start": 0}).json()
    assert (first["start"], first["count"], first["total"]) == (0, 1, 2)
    past_end = requests.get(url, params={**params, "start": 2}).json()
    assert past_end == {"start": 2, "count": 0, "total": 2, "entities": []}
    removed = requests.get(url, params={**params, "count": 10, "includeSoftDelete": "true"}).json()
    assert chain.retired in {e["urn"] for e in removed["entities"]}
    bad = requests.get(url, params={"urn": chain.group, "direction": "SIDEWAYS"})
    assert bad.status_code == 422 and "direction" in bad.json()["message"]


def test_restli_relationships_lists_group_members(server, chain: Chain) -> None:  # type: ignore[no-untyped-def]
    reply = requests.get(
        f"{server.url}/relationships", params={"direction": "INCOMING", "urn": chain.group, "types": "List(MemberOf)"}
    ).json()
    assert reply["total"] == 2
    assert {r["entity"] for r in reply["relationships"]} == {chain.model_a, chain.model_b}


def test_edge_fields_keep_their_created_stamp_and_edges_follow_the_aspect(server) -> None:  # type: ignore[no-untyped-def]
    graph = DataHubClient(server=server.url)._graph
    job = f"urn:li:dataJob:(urn:li:dataFlow:(airflow,{unique('dag')},PROD),t)"
    first, second = (f"urn:li:dataset:(urn:li:dataPlatform:hive,{unique(n)},PROD)" for n in ("in1", "in2"))
    stamp = models.AuditStampClass(time=1_600_000_000_000, actor="urn:li:corpuser:etl")

    def emit(*inputs: str) -> None:
        edges = [models.EdgeClass(destinationUrn=urn, created=stamp) for urn in inputs]
        aspect = models.DataJobInputOutputClass(inputDatasets=[], outputDatasets=[], inputDatasetEdges=edges)
        graph.emit_mcp(MetadataChangeProposalWrapper(entityUrn=job, aspect=aspect))

    def consumes() -> list[dict]:
        params = {"direction": "OUTGOING", "urn": job, "types": "Consumes"}
        return requests.get(f"{server.url}/relationships", params=params).json()["relationships"]

    emit(first)
    assert consumes() == [
        {"type": "Consumes", "entity": first, "created": {"time": 1_600_000_000_000, "actor": "urn:li:corpuser:etl"}}
    ]
    emit(second)
    assert [r["entity"] for r in consumes()] == [second]
    flow_edge = requests.get(f"{server.url}/relationships", params={"direction": "OUTGOING", "urn": job, "types": "IsPartOf"})
    flow = job.removeprefix("urn:li:dataJob:(").removesuffix(",t)")
    assert [r["entity"] for r in flow_edge.json()["relationships"]] == [flow]  # from the key aspect
    graph.hard_delete_entity(job)
    assert consumes() == []


def test_upstream_lineage_keeps_the_query_as_via(server) -> None:  # type: ignore[no-untyped-def]
    graph = DataHubClient(server=server.url)._graph
    upstream, downstream = (f"urn:li:dataset:(urn:li:dataPlatform:hive,{unique(n)},PROD)" for n in ("up", "down"))
    query = f"urn:li:query:{unique('q')}"
    lineage = models.UpstreamLineageClass(
        upstreams=[models.UpstreamClass(dataset=upstream, type="TRANSFORMED", query=query, properties={"k": "v"})]
    )
    graph.emit_mcp(MetadataChangeProposalWrapper(entityUrn=downstream, aspect=lineage))
    related = list(graph.get_related_entities(downstream, ["DownstreamOf"], RelationshipDirection.OUTGOING))
    assert [(r.urn, r.via) for r in related] == [(upstream, query)]
