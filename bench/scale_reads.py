"""Timed reads of ``bench.postgres``: concurrent readers spread round-robin over the servers.

``get`` is rest.li ``GET /entitiesV2`` of a model, ``search`` GraphQL ``searchAcrossEntities``
(what the SDK and UI send) for a model's words, ``lineage 3-hop`` the official SDK's
``lineage.get_lineage`` upstream with ``max_hops=3`` from a model.
"""

from __future__ import annotations

import logging
import random
import statistics
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import requests

from bench.scale_data import model_urn, search_words

SEARCH_QUERY = """query bench($input: SearchAcrossEntitiesInput!) {
  searchAcrossEntities(input: $input) { total searchResults { entity { urn } } }
}"""


class Reader:
    """One reader thread's connections: a session, and an SDK client per server made on first use."""

    def __init__(self, seed: int) -> None:
        self.session = requests.Session()
        self.random = random.Random(seed)
        self.clients: dict[str, Any] = {}

    def sdk(self, base: str) -> Any:
        if base not in self.clients:
            warnings.filterwarnings("ignore", message="The new datahub SDK")
            logging.getLogger("datahub.sdk.lineage_client").setLevel(logging.ERROR)
            from datahub.sdk import DataHubClient

            self.clients[base] = DataHubClient(server=base)
        return self.clients[base]


def get(reader: Reader, base: str, m: int) -> int:
    reply = reader.session.get(f"{base}/entitiesV2/{quote(model_urn(m), safe='')}", timeout=120)
    reply.raise_for_status()
    return len(reply.json().get("aspects", {}))


def search(reader: Reader, base: str, m: int) -> int:
    query = {"types": ["MLMODEL"], "query": search_words(m), "start": 0, "count": 10}
    body = {"query": SEARCH_QUERY, "variables": {"input": query}}
    reply = reader.session.post(f"{base}/api/graphql", json=body, timeout=120)
    reply.raise_for_status()
    found = reply.json()
    if found.get("errors"):
        raise RuntimeError(f"search failed: {found['errors']}")
    return len(found["data"]["searchAcrossEntities"]["searchResults"])


def lineage(reader: Reader, base: str, m: int) -> int:
    return len(reader.sdk(base).lineage.get_lineage(source_urn=model_urn(m), direction="upstream", max_hops=3))


READS: dict[str, Callable[[Reader, str, int], int]] = {"get": get, "search": search, "lineage 3-hop": lineage}


def warm_up(urls: list[str], units: int) -> None:
    """Every read answers on every server, and answers something (a walk finds all 3 hops)."""
    reader = Reader(0)
    for base in urls:
        m = units - 1
        assert get(reader, base, m) >= 3, f"{base}: the model has too few aspects"
        assert search(reader, base, m) >= 1, f"{base}: search found nothing for {search_words(m)!r}"
        assert lineage(reader, base, m) >= 3, f"{base}: the 3-hop walk found fewer than 3 upstreams"


def measure(name: str, urls: list[str], units: int, readers: int, samples: int) -> dict[str, float]:
    """p50/p99 in ms of ``samples`` calls from ``readers`` threads, and calls per second overall."""
    call, times, errors = READS[name], [], []
    lock = threading.Lock()
    per_reader = max(1, samples // readers)

    def work(worker: int) -> None:
        reader = Reader(worker)
        try:
            for base in urls:  # connect (and for the SDK, fetch /config) before timing
                call(reader, base, reader.random.randrange(units))
            for n in range(per_reader):
                base, m = urls[(worker + n) % len(urls)], reader.random.randrange(units)
                started = time.perf_counter()
                call(reader, base, m)
                with lock:
                    times.append(time.perf_counter() - started)
        except Exception as exc:  # reported after the other readers finish
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(readers)]
    wall = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - wall
    if errors:
        raise errors[0]
    times.sort()
    return {
        "p50_ms": round(statistics.median(times) * 1000, 2),
        "p99_ms": round(times[min(len(times) - 1, round(0.99 * (len(times) - 1)))] * 1000, 2),
        "per_s": round(len(times) / wall, 1),
    }
