"""mlcatalog through the official acryl-datahub SDK over HTTP, against a real ``mlcatalog serve``.

Ingest is split by model group: the first 5% (at most 50 groups) through single ``emit`` calls (rest.li
``ingestProposal``), the rest half through rest.li ``emit_mcps`` (``ingestProposalBatch``, what
``datahub ingest`` uses) and half through OpenAPI v3 ``emit_mcps`` (what ``DataHubClient.from_env``
uses). Search and lineage are measured only when the server answers their GraphQL queries.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests

from bench.context import Context
from bench.measure import (
    Figure,
    Results,
    database_mb,
    free_port,
    latencies,
    percentiles,
    rate,
    rss_mb,
    timed,
    wait_until,
)

SEARCH_QUERY = """query bench($input: SearchAcrossEntitiesInput!) {
  searchAcrossEntities(input: $input) { total searchResults { entity { urn } } }
}"""
STARTUP_TIMEOUT = 60.0


class Server:
    """``mlcatalog serve`` on a free 127.0.0.1 port; ``start`` returns the seconds to the first /config."""

    def __init__(self, database_url: str, log_path: Path) -> None:
        self.database_url = database_url
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        script = Path(sys.executable).with_name("mlcatalog")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "mlcatalog"]
        command += ["serve", "--port", str(self.port), "--database", self.database_url, "--log-level", "warning"]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())
        try:
            return wait_until(self._ready, STARTUP_TIMEOUT)
        except TimeoutError:
            self.stop()
            raise RuntimeError(f"mlcatalog did not answer /config:\n{self.log_path.read_text()}") from None

    def _ready(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"mlcatalog exited with {self.process.returncode}:\n{self.log_path.read_text()}")
        return requests.get(f"{self.url}/config", timeout=1).status_code == 200

    @property
    def rss_mb(self) -> float:
        assert self.process is not None
        return rss_mb(self.process.pid)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(15)


SINGLE_EMIT_GROUPS = 50  # one request per aspect is slow; its rate does not need more


def split(batches: list[list[Any]]) -> tuple[list[list[Any]], list[list[Any]], list[list[Any]]]:
    single_end = max(1, min(len(batches) // 20, SINGLE_EMIT_GROUPS))
    middle = single_end + (len(batches) - single_end) // 2
    return batches[:single_end], batches[single_end:middle], batches[middle:]


def run(ctx: Context) -> Results:
    database_url = ctx.mlcatalog_database or f"sqlite:///{ctx.workdir / 'mlcatalog.db'}"
    server = Server(database_url, ctx.workdir / "mlcatalog.log")
    results: Results = {"cold start": Figure(server.start(), "s", note="fresh database, to first /config")}
    try:
        results["server RSS idle"] = Figure(server.rss_mb, "MB")
        results.update(_ingest(ctx, server.url))
        results["database size"] = Figure(database_mb(database_url), "MB")
        results.update(_reads(ctx, server.url))
        results["server RSS after load"] = Figure(server.rss_mb, "MB")
    finally:
        server.stop()
    restart = Server(database_url, ctx.workdir / "mlcatalog.log")
    results["cold start (loaded db)"] = Figure(restart.start(), "s")
    restart.stop()
    return results


def _ingest(ctx: Context, url: str) -> Results:
    from datahub.emitter.rest_emitter import DataHubRestEmitter

    single, restli, openapi = (ctx.flat(part) for part in split(ctx.batches))
    restli_emitter = DataHubRestEmitter(url, openapi_ingestion=False)
    openapi_emitter = DataHubRestEmitter(url, openapi_ingestion=True)
    single_s = timed(lambda: [restli_emitter.emit(mcp) for mcp in single])
    restli_s = timed(lambda: restli_emitter.emit_mcps(restli))
    openapi_s = timed(lambda: openapi_emitter.emit_mcps(openapi))
    return {
        "ingest batch": rate(len(restli) + len(openapi), restli_s + openapi_s, "emit_mcps, both protocols"),
        "ingest batch rest.li": rate(len(restli), restli_s, "ingestProposalBatch"),
        "ingest batch OpenAPI": rate(len(openapi), openapi_s, "/openapi/v3/entity"),
        "ingest single emit": rate(len(single), single_s, "ingestProposal"),
    }


def _reads(ctx: Context, url: str) -> Results:
    from datahub.metadata.schema_classes import MLModelPropertiesClass
    from datahub.sdk import DataHubClient

    client = DataHubClient(server=url)
    graph = client._graph
    models, groups = ctx.model_sample(), ctx.group_sample()
    results: Results = {}
    results.update(percentiles(latencies(client.entities.get, models), "get entity", "SDK entities.get (2 requests)"))
    results.update(
        percentiles(
            latencies(lambda urn: graph.get_aspect(urn, MLModelPropertiesClass), models), "get aspect", "graph.get_aspect"
        )
    )
    results.update(_search(ctx, graph))

    def related(group: str) -> None:
        params = {"urn": group, "direction": "INCOMING", "types": "MemberOf"}
        reply = graph._session.get(f"{url}/relationships", params=params, timeout=30)
        reply.raise_for_status()

    results.update(percentiles(latencies(related, groups), "relationships", "GET /relationships MemberOf"))
    results.update(_lineage(ctx, client))
    return results


def _search(ctx: Context, graph: Any) -> Results:
    def search(term: str) -> Any:
        return graph.execute_graphql(SEARCH_QUERY, variables={"input": {"types": [], "query": term, "start": 0, "count": 10}})

    try:
        found = search(ctx.search_terms()[0])
        if not found["searchAcrossEntities"]["searchResults"]:
            return {"search p50": "n/a (search returned nothing)", "search p99": "n/a"}
    except Exception as exc:  # the GraphQL endpoint or the query is not there yet
        return {"search p50": f"n/a (search not available: {_reason(exc)})", "search p99": "n/a"}
    return percentiles(latencies(search, ctx.search_terms()), "search", "GraphQL searchAcrossEntities, top 10")


def _lineage(ctx: Context, client: Any) -> Results:
    def lineage(urn: str) -> Any:
        return client.lineage.get_lineage(source_urn=urn, direction="upstream", max_hops=3)

    try:
        found = lineage(ctx.model_sample()[0])
        if len(found) < 3:
            return {"lineage 3-hop p50": f"n/a (lineage returned {len(found)} of 3 upstreams)", "lineage 3-hop p99": "n/a"}
    except Exception as exc:
        return {"lineage 3-hop p50": f"n/a (lineage not available: {_reason(exc)})", "lineage 3-hop p99": "n/a"}
    return percentiles(latencies(lineage, ctx.model_sample()), "lineage 3-hop", "SDK lineage.get_lineage upstream")


def _reason(exc: Exception) -> str:
    """The exception and the start of its message: a bare class name (``GraphError``) hides whether
    the server lacks the field, refused the query or timed out."""
    message = " ".join(str(exc).split()).replace("|", "/")[:160]  # it lands in a Markdown table cell
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
