"""The ranking window, on each backend: a tier larger than RANK_WINDOW is ranked over its first
RANK_WINDOW matches in index order and continues in that order; a smaller tier is ranked in full.

Paging must still return every match exactly once, whatever the page size, across the window edge.
PostgreSQL looks for a window among the first PG_PROBE documents before asking the full-text index;
a small probe makes the catalog exercise the index path too.
"""

from __future__ import annotations

import pytest

from mlcatalog.registry import get_registry
from mlcatalog.services.ingest import IngestService
from mlcatalog.services.proposals import Proposal
from mlcatalog.services.search import SearchRequest, SearchService
from mlcatalog.store.sql import SqlStore, search_rank
from mlcatalog.store.sql.search_rank import RANK_WINDOW
from tests.compat.helpers import unique

EXTRA = 30  # matches after the window
NAMED = RANK_WINDOW + 10  # the one match with the word in its name: past the window, and tagged
TAGGED = range(0, RANK_WINDOW + EXTRA, 10)  # a filter leaves a tier small enough to rank in full


def _urn(key: str, i: int) -> str:
    return f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{key}-g{i:03d},PROD)"


@pytest.fixture(params=["probe all", "probe 37"])
def catalog(
    store: SqlStore, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> tuple[SearchService, str, list[str]]:
    """RANK_WINDOW + EXTRA groups matching ``word``, written (so numbered) in order; one has it in its name."""
    word, key = unique("wnd").replace("-", ""), unique("key")  # the key (a name field) holds no word
    urns, proposals = [], []
    for i in range(RANK_WINDOW + EXTRA):
        urn = _urn(key, i)
        name = f"{word} special" if i == NAMED else f"group {i:03d}"
        urns.append(urn)
        props = {"name": name, "description": f"plain {word} item", "customProperties": {}}
        proposals.append(Proposal(urn, "mlModelGroupProperties", value=props))
        if i in TAGGED:
            proposals.append(Proposal(urn, "globalTags", value={"tags": [{"tag": f"urn:li:tag:{word}-tagged"}]}))
    if request.param == "probe 37":
        monkeypatch.setattr(search_rank, "PG_PROBE", 37)
    ingest = IngestService(store, get_registry())
    for start in range(0, len(proposals), 100):  # in order, so document ids follow the list
        ingest.ingest(proposals[start : start + 100])
    return SearchService(store, get_registry()), word, urns


def _pages(service: SearchService, word: str, size: int) -> list[str]:
    found, start = [], 0
    while True:
        page = service.search(SearchRequest(word, start=start, count=size))
        found += [hit.urn for hit in page.hits]
        if len(page.hits) < size:
            return found
        start += size


def test_paging_across_the_window_returns_every_match_once_in_one_order(catalog) -> None:  # type: ignore[no-untyped-def]
    service, word, urns = catalog
    by_37, by_50 = _pages(service, word, 37), _pages(service, word, 50)
    assert sorted(by_37) == sorted(urns)
    assert by_37 == by_50
    assert service.search(SearchRequest(word, count=0)).total == len(urns)


def test_a_large_tier_is_ranked_over_its_first_matches_then_follows_index_order(catalog) -> None:  # type: ignore[no-untyped-def]
    service, word, urns = catalog
    found = _pages(service, word, 50)
    assert set(found[:RANK_WINDOW]) == set(urns[:RANK_WINDOW])
    assert found[RANK_WINDOW:] == urns[RANK_WINDOW:]  # the name match is not pulled ahead of the window


def test_a_small_tier_is_ranked_in_full(catalog) -> None:  # type: ignore[no-untyped-def]
    service, word, urns = catalog
    tagged = [{"and": [{"field": "tags", "values": [f"urn:li:tag:{word}-tagged"]}]}]
    page = service.search(SearchRequest(word, or_filters=tagged, count=100))
    expected = {urns[i] for i in TAGGED}
    assert {hit.urn for hit in page.hits} == expected
    assert page.hits[0].urn == urns[NAMED]  # beyond the window by id, yet first: the name outranks descriptions
