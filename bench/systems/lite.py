"""DataHub Lite, the embedded store inside acryl-datahub, fed the same MCPs in-process.

Its default engine (SQLite, default journal) is what ``datahub lite`` users get; ``wal`` is the
same with ``journal_mode=WAL``; ``duckdb`` runs when the duckdb package is installed. Lite has
no relationship API and no lineage, so those figures are n/a.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from functools import partial

from bench.context import Context
from bench.measure import Figure, Results, latencies, percentiles, rate, size_mb, timed

NOT_THERE = {
    "relationships p50": "n/a (no relationship API)",
    "relationships p99": "n/a",
    "lineage 3-hop p50": "n/a (no lineage)",
    "lineage 3-hop p99": "n/a",
}


def run(ctx: Context, engine: str = "sqlite", options: dict[str, str] | None = None) -> Results:
    from datahub.lite.lite_local import SearchFlavor
    from datahub.lite.lite_util import get_datahub_lite

    suffix = {"sqlite": "db", "duckdb": "duckdb"}[engine]
    path = ctx.workdir / f"lite-{engine}-{len(options or {})}.{suffix}"
    lite = get_datahub_lite({"type": engine, "config": {"file": str(path), "options": options or {}}})
    mcps = [copy.copy(mcp) for mcp in ctx.flat()]  # Lite sets systemMetadata on what it writes
    seconds = timed(lambda: [lite.write(mcp) for mcp in mcps])
    results: Results = {"ingest batch": rate(len(mcps), seconds, "lite.write per MCP")}
    results["database size"] = Figure(size_mb(path), "MB")
    models = ctx.model_sample()
    results.update(percentiles(latencies(lambda urn: lite.get(urn, None), models), "get entity", "lite.get"))

    def search(term: str) -> list[object]:
        return list(itertools.islice(lite.search(term, SearchFlavor.FREE_TEXT), 10))

    results.update(percentiles(latencies(search, ctx.search_terms()), "search", "FREE_TEXT (LIKE on urn and name)"))
    results.update(NOT_THERE)
    lite._close_connection()  # close() would first rebuild the browse index, one commit per edge: minutes
    return results


def variants() -> dict[str, Callable[[Context], Results]]:
    """The Lite configurations worth comparing, those whose engine is installed."""
    found: dict[str, Callable[[Context], Results]] = {
        "DataHub Lite": run,
        "DataHub Lite WAL": partial(run, options={"journal_mode": "WAL"}),
    }
    try:
        import duckdb  # noqa: F401

        found["DataHub Lite duckdb"] = partial(run, engine="duckdb")
    except ImportError:
        pass
    return found
