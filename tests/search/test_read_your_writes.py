"""A search issued right after a write's response sees the write, while other writers keep writing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.compat.helpers import unique
from tests.search.helpers import graphql, model_group

WRITERS = 4
WRITES_EACH = 6
pytestmark = pytest.mark.filterwarnings("ignore:The entity .* already exists")
QUERY = "query q($q: String!) { searchAcrossEntities(input: {query: $q, count: 5}) { total searchResults { entity { urn } } } }"


def test_every_write_is_searchable_as_soon_as_it_returns(server) -> None:  # type: ignore[no-untyped-def]
    from datahub.sdk import DataHubClient

    run = unique("ryw").replace("-", "")

    def writer(number: int) -> list[str]:
        client = DataHubClient(server=server.url)
        misses = []
        for i in range(WRITES_EACH):
            word = f"{run}w{number}n{i}"
            urn = model_group(client, word, f"written by writer {number}", tags=(f"t{number}",))
            found = graphql(server, QUERY, {"q": word})["searchAcrossEntities"]["searchResults"]
            if [r["entity"]["urn"] for r in found] != [urn]:
                misses.append(word)
            # an update must be visible at once too
            model_group(client, word, f"rewritten{number}x{i}{run}")
            found = graphql(server, QUERY, {"q": f"rewritten{number}x{i}{run}"})["searchAcrossEntities"]["searchResults"]
            if [r["entity"]["urn"] for r in found] != [urn]:
                misses.append(f"{word} (update)")
        return misses

    with ThreadPoolExecutor(WRITERS) as pool:
        misses = [m for result in pool.map(writer, range(WRITERS)) for m in result]
    assert misses == []
    total = graphql(server, QUERY, {"q": run})["searchAcrossEntities"]["total"]
    assert total == WRITERS * WRITES_EACH
