"""GraphQL search scoped by a DataHub view (viewUrn) and by search flags (soft-deleted, latest versions)."""

from __future__ import annotations

import requests
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.metadata.schema_classes import (
    ConjunctiveCriterionClass,
    CriterionClass,
    DataHubViewDefinitionClass,
    DataHubViewInfoClass,
    DataHubViewTypeClass,
    FilterClass,
    MLModelPropertiesClass,
    StatusClass,
    VersionPropertiesClass,
    VersionTagClass,
)
from datahub.metadata.urns import MlModelUrn, VersionSetUrn

from tests.compat.helpers import unique
from tests.search.helpers import graphql, model_group

SEARCH = """query s($input: SearchAcrossEntitiesInput!) {
  searchAcrossEntities(input: $input) { total searchResults { entity { urn } } } }"""
SCROLL = """query s($input: ScrollAcrossEntitiesInput!) {
  scrollAcrossEntities(input: $input) { total searchResults { entity { urn } } } }"""
AGGREGATE = """query a($input: AggregateAcrossEntitiesInput!) {
  aggregateAcrossEntities(input: $input) { facets { field aggregations { value count } } } }"""


def _view(client, name: str, types: list[str], groups: list[list[CriterionClass]]) -> str:  # type: ignore[no-untyped-def]
    urn = f"urn:li:dataHubView:{name}"
    definition = DataHubViewDefinitionClass(
        entityTypes=types, filter=FilterClass(or_=[ConjunctiveCriterionClass(and_=g) for g in groups])
    )
    info = DataHubViewInfoClass(
        name=name,
        type=DataHubViewTypeClass.GLOBAL,
        definition=definition,
        created={"time": 0, "actor": "urn:li:corpuser:test"},
        lastModified={"time": 0, "actor": "urn:li:corpuser:test"},
    )
    client._graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=info))
    return urn


def _urns(server, query: str, word: str, **extra) -> set[str]:  # type: ignore[no-untyped-def]
    result = graphql(server, query, {"input": {"query": word, **extra}})
    return {r["entity"]["urn"] for r in next(iter(result.values()))["searchResults"]}


def test_view_filter_and_types_apply_with_the_query_filter(server) -> None:  # type: ignore[no-untyped-def]
    from datahub.sdk import DataHubClient

    client = DataHubClient(server=server.url)
    w = unique("vw").replace("-", "")
    pii = model_group(client, f"{w}-a", "first", tags=("pii",), platform="mlflow")
    nlp = model_group(client, f"{w}-b", "second", tags=("nlp",), platform="mlflow")
    pii_sagemaker = model_group(client, f"{w}-c", "third", tags=("pii",), platform="sagemaker")
    model = str(MlModelUrn(platform="mlflow", name=f"{w}-model"))
    client._graph.emit(MetadataChangeProposalWrapper(entityUrn=model, aspect=MLModelPropertiesClass(name=f"{w}-model")))
    view = _view(client, unique("scope"), ["mlModelGroup"], [[CriterionClass(field="tags", values=["urn:li:tag:pii"])]])

    assert _urns(server, SEARCH, w) == {pii, nlp, pii_sagemaker, model}
    assert _urns(server, SEARCH, w, viewUrn=view) == {pii, pii_sagemaker}  # the model is outside the view's types
    platform = {"field": "platform", "values": ["urn:li:dataPlatform:sagemaker"]}
    assert _urns(server, SEARCH, w, viewUrn=view, orFilters=[{"and": [platform]}]) == {pii_sagemaker}
    assert _urns(server, SEARCH, w, viewUrn=view, types=["MLMODEL"]) == set()  # types intersect
    assert _urns(server, SCROLL, w, viewUrn=view, count=10) == {pii, pii_sagemaker}

    facets = graphql(server, AGGREGATE, {"input": {"query": w, "viewUrn": view, "facets": ["platform"]}})
    counts = {a["value"]: a["count"] for a in facets["aggregateAcrossEntities"]["facets"][0]["aggregations"]}
    assert counts == {"urn:li:dataPlatform:mlflow": 1, "urn:li:dataPlatform:sagemaker": 1}

    nlp_tag = CriterionClass(field="tags", values=["urn:li:tag:nlp"])
    sagemaker = CriterionClass(field="platform", values=["urn:li:dataPlatform:sagemaker"])
    either = _view(client, unique("scope"), [], [[nlp_tag], [sagemaker]])
    assert _urns(server, SEARCH, w, viewUrn=either) == {nlp, pii_sagemaker}


def test_unknown_view_is_a_clear_error(server) -> None:  # type: ignore[no-untyped-def]
    reply = requests.post(
        f"{server.url}/api/graphql",
        json={"query": SEARCH, "variables": {"input": {"query": "x", "viewUrn": "urn:li:dataHubView:nope"}}},
        timeout=30,
    )
    errors = reply.json().get("errors") or []
    assert errors and "viewUrn" in errors[0]["message"], reply.text


def test_soft_deleted_only_with_include_soft_deleted(server) -> None:  # type: ignore[no-untyped-def]
    from datahub.sdk import DataHubClient

    client = DataHubClient(server=server.url)
    w = unique("sd").replace("-", "")
    kept = model_group(client, f"{w}-kept", "stays")
    gone = model_group(client, f"{w}-gone", "soft deleted")
    client._graph.emit(MetadataChangeProposalWrapper(entityUrn=gone, aspect=StatusClass(removed=True)))
    assert _urns(server, SEARCH, w) == {kept}
    assert _urns(server, SEARCH, w, searchFlags={"includeSoftDeleted": True}) == {kept, gone}
    assert _urns(server, SCROLL, w, searchFlags={"includeSoftDeleted": True}) == {kept, gone}


def test_filter_non_latest_versions(server) -> None:  # type: ignore[no-untyped-def]
    from datahub.sdk import DataHubClient

    client = DataHubClient(server=server.url)
    w = unique("lv").replace("-", "")
    version_set = str(VersionSetUrn(id=w, entity_type="mlModel"))
    urns = []
    for n in (1, 2):
        urn = str(MlModelUrn(platform="mlflow", name=f"{w}-v{n}"))
        properties = VersionPropertiesClass(versionSet=version_set, version=VersionTagClass(versionTag=str(n)), sortId=str(n))
        client._graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=MLModelPropertiesClass(name=f"{w}-v{n}")))
        client._graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=properties))
        urns.append(urn)
    unversioned = model_group(client, f"{w}-group", "no version set")
    assert _urns(server, SEARCH, w) == {*urns, unversioned}
    assert _urns(server, SEARCH, w, searchFlags={"filterNonLatestVersions": True}) == {urns[1], unversioned}
