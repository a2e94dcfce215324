"""Search documents are replaced, not duplicated, when a batch mixes new and already indexed entities."""

from __future__ import annotations

from mlcatalog.registry import get_registry
from mlcatalog.services.ingest import IngestService
from mlcatalog.services.proposals import Proposal
from mlcatalog.services.search import SearchRequest, SearchService
from mlcatalog.store.sql import SqlStore
from mlcatalog.store.sql.search_sql import facet_token


def _group(name: str, description: str) -> Proposal:
    urn = f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{name},PROD)"
    return Proposal(urn, "mlModelGroupProperties", value={"name": name, "description": description})


def _found(search: SearchService, word: str) -> set[str]:
    return {hit.urn.split(",")[1] for hit in search.search(SearchRequest(query=word, count=50)).hits}


def test_a_batch_of_new_and_reindexed_entities(store: SqlStore) -> None:
    registry = get_registry()
    ingest, search = IngestService(store, registry), SearchService(store, registry)
    ingest.ingest([_group("alpha", "first zebra"), _group("omega", "last yak")])  # omega has the highest id

    # New entities before and after the re-indexed one, which held the highest document id.
    ingest.ingest([_group("beta", "new zebra"), _group("omega", "now walrus"), _group("gamma", "new walrus")])

    assert _found(search, "walrus") == {"omega", "gamma"}
    assert _found(search, "yak") == set()  # the replaced text is gone
    assert _found(search, "zebra") == {"alpha", "beta"}
    assert search.search(SearchRequest(query="*", count=50)).total == 4


def test_free_text_never_matches_the_filter_tokens(store: SqlStore) -> None:
    """SQLite keeps equality filters as tokens beside the text; a word typed in the search box must not
    find them (it once did: "f1" matched nearly every entity through their token hashes)."""
    registry = get_registry()
    IngestService(store, registry).ingest([_group("alpha", "first zebra")])
    search = SearchService(store, registry)
    token = facet_token("platform", "urn:li:dataplatform:mlflow") or ""
    assert _found(search, "zebra") == {"alpha"}
    assert _found(search, token[:3]) == set()
    assert _found(search, token) == set()
