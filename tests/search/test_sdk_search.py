"""The official SDK's search client, resolver and graph helpers against a live server."""

from __future__ import annotations

import pytest
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.errors import ItemNotFoundError
from datahub.ingestion.graph.filters import RemovedStatusFilter
from datahub.metadata.schema_classes import CorpUserInfoClass, DomainPropertiesClass, GlossaryTermInfoClass, StatusClass
from datahub.sdk.search_filters import FilterDsl as F

from tests.compat.helpers import unique
from tests.search.helpers import model_group


@pytest.fixture(scope="module")
def catalog(server):  # type: ignore[no-untyped-def]
    """Three model groups that share a unique word, differing in every filterable field."""
    from datahub.sdk import DataHubClient

    client = DataHubClient(server=server.url)
    word = unique("zebra").replace("-", "")
    urns = {
        "a": model_group(
            client,
            f"{word}-alpha",
            "first",
            "mlflow",
            "PROD",
            ("nlp",),
            ("Classification.PII",),
            ("alice",),
            "marketing",
            {"team": "recs"},
        ),
        "b": model_group(
            client, f"{word}-beta", "second", "sagemaker", "DEV", ("vision",), (), ("bob",), "finance", {"team": "ads"}
        ),
        "c": model_group(client, f"{word}-gamma", "third", "mlflow", "DEV", ("nlp", "vision"), (), ("alice", "bob")),
    }
    return client, word, urns


def _get(client, word, filter=None):  # type: ignore[no-untyped-def]
    return set(map(str, client.search.get_urns(query=word, filter=filter)))


def test_get_urns_with_each_sdk_filter(catalog) -> None:  # type: ignore[no-untyped-def]
    client, word, u = catalog
    assert _get(client, word) == {u["a"], u["b"], u["c"]}
    assert _get(client, word, F.entity_type("mlModelGroup")) == {u["a"], u["b"], u["c"]}
    assert _get(client, word, F.entity_type("mlModel")) == set()
    assert _get(client, word, F.platform("sagemaker")) == {u["b"]}
    assert _get(client, word, F.env("DEV")) == {u["b"], u["c"]}
    assert _get(client, word, F.domain("urn:li:domain:marketing")) == {u["a"]}
    assert _get(client, word, F.owner("urn:li:corpuser:bob")) == {u["b"], u["c"]}
    assert _get(client, word, F.tag("urn:li:tag:vision")) == {u["b"], u["c"]}
    assert _get(client, word, F.glossary_term("urn:li:glossaryTerm:Classification.PII")) == {u["a"]}
    assert _get(client, word, F.has_custom_property("team", "ads")) == {u["b"]}
    assert _get(client, word, F.custom_filter("name", "START_WITH", [f"{word}-g"])) == {u["c"]}
    assert _get(client, word, F.custom_filter("owners.TECHNICAL_OWNER", "EQUAL", ["urn:li:corpuser:bob"])) == {u["b"], u["c"]}
    assert _get(client, word, F.custom_filter("ownerTypes", "EQUAL", ["BUSINESS_OWNER"])) == set()
    assert _get(client, word, F.custom_filter("hasDomain", "EXISTS", [])) == {u["a"], u["b"]}


def test_get_urns_with_and_or_not(catalog) -> None:  # type: ignore[no-untyped-def]
    client, word, u = catalog
    assert _get(client, word, F.and_(F.platform("mlflow"), F.tag("urn:li:tag:vision"))) == {u["c"]}
    assert _get(client, word, F.or_(F.platform("sagemaker"), F.domain("urn:li:domain:marketing"))) == {u["a"], u["b"]}
    assert _get(client, word, F.not_(F.tag("urn:li:tag:nlp"))) == {u["b"]}
    assert _get(client, word, F.and_(F.env("DEV"), F.not_(F.owner("urn:li:corpuser:alice")))) == {u["b"]}


def test_soft_deleted_entities_are_hidden_unless_asked_for(server, catalog) -> None:  # type: ignore[no-untyped-def]
    client, _, _ = catalog
    word = unique("hidden").replace("-", "")
    urn = model_group(client, f"{word}-x", "soon removed")
    assert _get(client, word) == {urn}
    client._graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=StatusClass(removed=True)))
    assert _get(client, word) == set()
    assert _get(client, word, F.soft_deleted("ONLY_SOFT_DELETED")) == {urn}
    assert set(client._graph.get_urns_by_filter(query=word, status=RemovedStatusFilter.ALL)) == {urn}
    assert set(client._graph.get_urns_by_filter(query=word, status=None)) == set()


def test_graph_get_urns_by_filter_pages_with_scroll(catalog) -> None:  # type: ignore[no-untyped-def]
    client, word, u = catalog
    found = list(client._graph.get_urns_by_filter(entity_types=["mlModelGroup"], query=word, batch_size=1))
    assert sorted(found) == sorted(u.values())
    assert set(client._graph.get_urns_by_filter(platform="sagemaker", query=word)) == {u["b"]}


def test_resolver_finds_user_term_and_domain(server) -> None:  # type: ignore[no-untyped-def]
    from datahub.sdk import DataHubClient

    client = DataHubClient(server=server.url)
    name = unique("res")
    user, term, domain = f"urn:li:corpuser:{name}", f"urn:li:glossaryTerm:{name}", f"urn:li:domain:{name}"
    for urn, aspect in [
        (user, CorpUserInfoClass(active=True, email=f"{name}@example.com", fullName=f"Res {name}", displayName=name)),
        (term, GlossaryTermInfoClass(definition="a term", termSource="INTERNAL", name=f"Term {name}")),
        (domain, DomainPropertiesClass(name=f"Domain {name}")),
    ]:
        client._graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=aspect))
    assert str(client.resolve.user(email=f"{name}@example.com")) == user
    assert str(client.resolve.user(name=f"Res {name}")) == user
    assert str(client.resolve.term(name=f"Term {name}")) == term
    assert str(client.resolve.domain(name=f"Domain {name}")) == domain
    with pytest.raises(ItemNotFoundError):
        client.resolve.user(email=f"nobody-{name}@example.com")
