"""Search benchmark on SQLite: ingest throughput with and without the index, then query latencies.

    python -m bench.search --groups 100000 --models 500000 [--database PATH] [--queries 300]

Builds a catalog of model groups and models with realistic names, descriptions, owners, tags,
glossary terms and domains through the real ingest service (one transaction per batch, as a
connector's ingestProposalBatch), then times full-text search, autocomplete and search with two
facet filters through the real search service. Prints one table of figures.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlcatalog.registry import get_registry
from mlcatalog.runtime import tune_gc
from mlcatalog.services.derived import default_indexes
from mlcatalog.services.ingest import IngestService
from mlcatalog.services.proposals import Proposal
from mlcatalog.services.search import SearchRequest, SearchService
from mlcatalog.services.search_index import SearchIndex
from mlcatalog.store.base import AspectRecord
from mlcatalog.store.sql import open_store

DOMAINS = ["marketing", "finance", "risk", "fraud", "growth", "search", "ads", "supply-chain", "healthcare", "security"]
TASKS = [
    "churn prediction", "fraud detection", "demand forecasting", "credit scoring", "product recommendation",
    "click through rate", "customer lifetime value", "anomaly detection", "image classification", "query ranking",
    "sentiment analysis", "price optimization", "lead scoring", "document classification", "speech recognition",
    "named entity recognition", "inventory planning", "spam filtering", "next best action", "propensity scoring",
]  # fmt: skip
ALGORITHMS = ["xgboost", "lightgbm", "bert", "resnet", "transformer", "random forest", "logistic regression", "catboost",
              "prophet", "two tower", "gru", "wide and deep"]  # fmt: skip
PLATFORMS = ["mlflow", "sagemaker", "vertexai", "azureml", "databricks"]
ENVS = ["PROD", "DEV", "STG"]
TAGS = ["pii", "gdpr", "tier1", "tier2", "experimental", "deprecated-soon", "realtime", "batch", "nlp", "vision",
        "tabular", "gpu", "cpu", "champion", "challenger", "shadow", "critical", "sox", "hipaa", "edge"]  # fmt: skip
# Project codenames give names the variety of a real catalog (thousands of distinct words).
_SYLLABLES = ["ka", "lo", "mi", "ra", "zen", "tor", "vex", "nu", "qui", "sol", "bar", "dra", "fen", "gul", "hex", "jo"]
CODENAMES = sorted({a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in ["", "x", "on", "ia", "us", "el"]})
TERMS = [f"Classification.{t}" for t in ["PII", "Confidential", "Public", "Internal", "Sensitive"]] + [
    f"Model.{t}" for t in ["Regression", "Classifier", "Ranker", "Forecaster", "Generative", "Embedding"]
]
FIRST = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar", "peggy"]
SENTENCES = [
    "Trained on {months} months of {source} data with {algo}.",
    "Used by the {domain} team for {task}.",
    "Retrained weekly; features include {feature} and {feature2}.",
    "Serves {qps} requests per second behind the {domain} gateway.",
    "Owned by {owner}; escalate incidents to the {domain} on-call.",
]
SOURCES = ["clickstream", "transaction", "crm", "billing", "support ticket", "sensor", "web log", "catalog"]
FEATURES = ["tenure", "recency", "basket size", "session length", "device type", "merchant category", "region", "age band"]


def group_proposals(rng: random.Random, index: int) -> tuple[str, list[Proposal]]:
    domain, task, algo = rng.choice(DOMAINS), rng.choice(TASKS), rng.choice(ALGORITHMS)
    name = f"{rng.choice(CODENAMES)}-{task.replace(' ', '-')}-{algo.replace(' ', '-')}-{index}"
    platform, env = rng.choice(PLATFORMS), rng.choice(ENVS)
    urn = f"urn:li:mlModelGroup:(urn:li:dataPlatform:{platform},{name},{env})"
    return urn, _governance(rng, urn, "mlModelGroupProperties", name, domain, task, algo)


def model_proposals(rng: random.Random, group_urn: str, version: int) -> list[Proposal]:
    group_name = group_urn.split(",")[1]
    platform = group_urn.split(",")[0].rsplit(":", 1)[1]
    name = f"{group_name}-v{version}"
    urn = f"urn:li:mlModel:(urn:li:dataPlatform:{platform},{name},{group_urn.rsplit(',', 1)[1].rstrip(')')})"
    domain, task, algo = rng.choice(DOMAINS), rng.choice(TASKS), rng.choice(ALGORITHMS)
    proposals = _governance(rng, urn, "mlModelProperties", name, domain, task, algo)
    proposals[0].value["groups"] = [group_urn]
    return proposals


def _governance(rng: random.Random, urn: str, aspect: str, name: str, domain: str, task: str, algo: str) -> list[Proposal]:
    words = {
        "months": rng.randint(3, 36), "source": rng.choice(SOURCES), "algo": algo, "domain": domain, "task": task,
        "feature": rng.choice(FEATURES), "feature2": rng.choice(FEATURES), "qps": rng.randint(5, 5000),
        "owner": rng.choice(FIRST),
    }  # fmt: skip
    description = " ".join(s.format(**words) for s in rng.sample(SENTENCES, 3))
    owners = [{"owner": f"urn:li:corpuser:{o}{rng.randint(0, 40)}", "type": "TECHNICAL_OWNER"} for o in rng.sample(FIRST, 2)]
    stamp = {"time": 0, "actor": "urn:li:corpuser:bench"}
    return [
        Proposal(urn, aspect, value={"name": name, "description": description, "customProperties": {"team": domain}}),
        Proposal(urn, "ownership", value={"owners": owners, "lastModified": stamp}),
        Proposal(urn, "globalTags", value={"tags": [{"tag": f"urn:li:tag:{t}"} for t in rng.sample(TAGS, 2)]}),
        Proposal(
            urn, "glossaryTerms", value={"terms": [{"urn": f"urn:li:glossaryTerm:{rng.choice(TERMS)}"}], "auditStamp": stamp}
        ),
        Proposal(urn, "domains", value={"domains": [f"urn:li:domain:{domain}"]}),
    ]


def catalog(groups: int, models: int, seed: int = 7) -> Iterator[list[Proposal]]:
    """Entities one at a time (each a list of proposals): every group, then its share of the models."""
    rng = random.Random(seed)
    per_group = max(1, models // max(1, groups))
    made = 0
    for i in range(groups):
        urn, proposals = group_proposals(rng, i)
        yield proposals
        for v in range(per_group if made < models else 0):
            yield model_proposals(rng, urn, v + 1)
            made += 1


@dataclass
class IngestRun:
    entities: int
    wall_s: float
    cpu_s: float  # this process's CPU time over the same span


def ingest(url: str, groups: int, models: int, indexed: bool, batch: int = 50) -> tuple[int, float]:
    """Ingest the catalog; returns (entities, wall-clock seconds)."""
    run = ingest_run(url, groups, models, indexed, batch)
    return run.entities, run.wall_s


def ingest_run(url: str, groups: int, models: int, indexed: bool, batch: int = 50) -> IngestRun:
    store = open_store(url)
    registry = get_registry()
    tune_gc()  # as the server does once it has started
    indexes = [i for i in default_indexes() if indexed or not isinstance(i, SearchIndex)]
    service = IngestService(store, registry, indexes)
    entities, pending, started, cpu = 0, [], time.perf_counter(), time.process_time()
    for proposals in catalog(groups, models):
        pending.extend(proposals)
        entities += 1
        if entities % batch == 0:
            service.ingest(pending)
            pending = []
    if pending:
        service.ingest(pending)
    run = IngestRun(entities, time.perf_counter() - started, time.process_time() - cpu)
    store.close()
    return run


def index_directly(url: str, groups: int, models: int, batch: int = 2000) -> tuple[int, float]:
    """Write the catalog's search documents straight into the index (no aspect rows): reaches large
    sizes in minutes, for query latencies; ingest throughput is measured separately."""
    store = open_store(url)
    registry = get_registry()
    index = SearchIndex(registry)
    entities, pending, started = 0, [], time.perf_counter()
    now = int(time.time() * 1000)

    def flush(tx: Any) -> None:
        for document in pending:
            tx.put_search_document(document)

    for proposals in catalog(groups, models):
        urn = proposals[0].urn
        target = registry.parse_urn(urn)
        aspects = {p.aspect_name: AspectRecord(urn, p.aspect_name, 0, p.value, None, now, "bench") for p in proposals}
        aspects[target.entity.key_aspect] = AspectRecord(urn, target.entity.key_aspect, 0, target.key_value, None, now, "b")
        document = index.document(urn, aspects)
        if document is not None:
            pending.append(document)
        entities += 1
        if len(pending) >= batch:
            store.transact(flush)
            pending = []
    if pending:
        store.transact(flush)
    elapsed = time.perf_counter() - started
    store.close()
    return entities, elapsed


def clone_documents(url: str) -> int:
    """Copy every index document once under a new URN (same text, same filter values), in SQL.

    With ``--clone`` the bench generates half the catalog and doubles it here: generating and
    indexing documents in Python is what makes a 600,000-entity catalog slow to build on a busy
    machine, and the copies keep the generated catalog's word and facet statistics (each name
    then occurs twice, under two URNs)."""
    store = open_store(url)
    new_urn = "substr(urn, 1, length(urn) - 1) || '-copy)'"
    with store.db.engine.begin() as conn:
        before = conn.exec_driver_sql("SELECT max(id) FROM search_document").scalar() or 0
        conn.exec_driver_sql(
            "INSERT INTO search_document (urn, entity_type, name, name_lc, removed, last_modified, name_text,"
            f" desc_text, other_text) SELECT {new_urn}, entity_type, name, name_lc, removed, last_modified, name_text,"
            " desc_text, other_text FROM search_document ORDER BY id"
        )
        conn.exec_driver_sql(
            "INSERT INTO search_field (doc_id, field, value_lc, value, num) SELECT c.id, f.field, f.value_lc, f.value,"
            " f.num FROM search_field f JOIN search_document d ON d.id = f.doc_id"
            f" JOIN search_document c ON c.urn = substr(d.urn, 1, length(d.urn) - 1) || '-copy)' WHERE f.doc_id <= {before}"
        )
        conn.exec_driver_sql(
            "INSERT INTO search_fts (rowid, name, description, other, facets) SELECT c.id, f.name, f.description,"
            " f.other, f.facets FROM search_fts f JOIN search_document d ON d.id = f.rowid"
            f" JOIN search_document c ON c.urn = substr(d.urn, 1, length(d.urn) - 1) || '-copy)' WHERE f.rowid <= {before}"
        )
    store.close()
    return int(before)


def latencies(run: Callable[[Any], Any], inputs: list[Any]) -> tuple[float, float]:
    timings = []
    for item in inputs:
        started = time.perf_counter()
        run(item)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, int(len(timings) * 0.99))]


def query_latencies(url: str, count: int) -> dict[str, tuple[float, float]]:
    store = open_store(url)
    service = SearchService(store, get_registry())
    rng = random.Random(11)
    shapes = [
        lambda: rng.choice(CODENAMES),
        lambda: f"{rng.choice(CODENAMES)} {rng.choice(TASKS).split()[0]}",
        lambda: rng.choice(TASKS),
        lambda: f"{rng.choice(DOMAINS)} {rng.choice(ALGORITHMS)}",
        lambda: f"{rng.choice(CODENAMES)} {rng.choice(ALGORITHMS)} model",
    ]
    texts = [rng.choice(shapes)() for _ in range(count)]
    prefixes = [rng.choice(CODENAMES)[: rng.randint(3, 5)] for _ in range(count)]
    filters = [
        [{"and": [{"field": "platform", "values": [f"urn:li:dataPlatform:{rng.choice(PLATFORMS)}"]},
                  {"field": "tags", "values": [f"urn:li:tag:{rng.choice(TAGS)}"]}]}]
        for _ in range(count)
    ]  # fmt: skip
    service.search(SearchRequest(query="warm up"))
    results = {
        "full-text search": latencies(lambda q: service.search(SearchRequest(query=q)), texts),
        "autocomplete": latencies(lambda q: service.autocomplete(SearchRequest(query=q), 10), prefixes),
        "filtered search (2 facets)": latencies(
            lambda f: service.search(SearchRequest(query=rng.choice(DOMAINS), or_filters=f)), filters
        ),
    }
    store.close()
    return results


def indexed_counts(url: str) -> str:
    store = open_store(url)
    with store.db.read() as conn:
        rows = conn.exec_driver_sql("SELECT entity_type, count(*) FROM search_document GROUP BY entity_type").all()
    store.close()
    return ", ".join(f"{n:,} {kind}" for kind, n in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, default=100_000)
    parser.add_argument("--models", type=int, default=500_000)
    parser.add_argument("--throughput-entities", type=int, default=6_000, help="entities per indexing on/off ingest run")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2, help="alternating indexing off/on ingest runs")
    parser.add_argument("--database", type=Path, default=None, help="SQLite file to build (reused when it exists)")
    parser.add_argument(
        "--direct", action="store_true", help="build the query catalog by writing index documents directly (fast)"
    )
    parser.add_argument(
        "--clone", action="store_true", help="with --direct: generate half the catalog and copy it once in SQL (faster)"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-search-"))

    # Throughput: alternate runs with the index on and off so machine load affects both alike.
    half = args.throughput_entities // 2
    half_groups = max(1, half * args.groups // (args.groups + args.models))
    totals = {True: [0, 0.0, 0.0], False: [0, 0.0, 0.0]}  # entities, wall seconds, CPU seconds
    for round_number in range(args.rounds):
        for indexed in (False, True):
            path = workdir / f"ingest-{indexed}-{round_number}.db"
            run = ingest_run(f"sqlite:///{path}", half_groups, half - half_groups, indexed=indexed)
            totals[indexed][0] += run.entities
            totals[indexed][1] += run.wall_s
            totals[indexed][2] += run.cpu_s
    on_n, on_rate, off_rate = totals[True][0], totals[True][0] / totals[True][1], totals[False][0] / totals[False][1]
    cpu_cost = 1 - (totals[False][2] / totals[False][0]) / (totals[True][2] / totals[True][0])

    database = args.database or workdir / "catalog.db"
    url = f"sqlite:///{database}"
    build_s = None
    if not database.exists():
        build = index_directly if args.direct else ingest
        halves = 2 if args.direct and args.clone else 1
        entities, build_s = build(url, args.groups // halves, args.models // halves)
        if halves == 2:
            started = time.perf_counter()
            entities += clone_documents(url)
            build_s += time.perf_counter() - started
    figures = query_latencies(url, args.queries)
    counts = indexed_counts(url)

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nSearch benchmark (SQLite; index holds {counts}; load average {load}, {os.cpu_count()} cores)")
    if build_s is not None:
        how = "index documents written directly" if args.direct else "through the ingest service"
        how += ", half of them copied in SQL" if args.direct and args.clone else ""
        print(f"  catalog build: {entities:,} entities in {build_s:,.0f} s ({how})")
    print(f"  {'measure':<30} {'p50 ms':>8} {'p99 ms':>8}")
    for name, (p50, p99) in figures.items():
        print(f"  {name:<30} {p50:>8.1f} {p99:>8.1f}")
    print(f"  ingest, indexing on:  {on_rate:,.0f} entities/s ({on_n:,} entities, 5 aspects each)")
    print(f"  ingest, indexing off: {off_rate:,.0f} entities/s")
    print(f"  indexing cost: {100 * (1 - on_rate / off_rate):.0f}% of ingest throughput")
    print(f"  indexing cost in CPU time (the process's own; steadier on a shared machine): {100 * cpu_cost:.0f}%")


if __name__ == "__main__":
    main()
