"""Lineage benchmark: an ML-shaped graph of >= 1M edges, then p50/p99 of walks and relationship reads.

    python -m bench.lineage [--edges 1000000] [--database URL] [--samples 300]

The graph is written through the store layer (key aspects and relationship aspects, edges derived
by the same ``edges_for`` the write path uses), in large batches, skipping per-proposal validation
so building a million edges takes minutes, not hours. Each "pipeline" unit has raw datasets, a
feature job, feature datasets, a training job, training runs (dataProcessInstance), models with
deployments and owners; every five units share a model group whose scoring job writes a dataset
other units read (so the graph has cycles).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from mlcatalog.registry import get_registry
from mlcatalog.registry.entities import EntityRegistry
from mlcatalog.services.entities import EntityService
from mlcatalog.services.graph import edges_for
from mlcatalog.services.lineage import LineageQuery, LineageService
from mlcatalog.store.base import AspectRecord
from mlcatalog.store.sql import open_store, tables
from mlcatalog.store.sql.codec import aspect_row
from mlcatalog.store.sql.store import SqlStore
from mlcatalog.store.sql.writes import edge_row

EDGES_PER_UNIT = 35  # measured: about 35.8 edges per unit of unit_aspects
BATCH_UNITS = 500
ACTOR = "urn:li:corpuser:bench"


def dataset(name: str) -> str:
    return f"urn:li:dataset:(urn:li:dataPlatform:hive,bench.{name},PROD)"


def job(flow: int, name: str) -> str:
    return f"urn:li:dataJob:(urn:li:dataFlow:(airflow,dag{flow},PROD),{name})"


def model(unit: int, k: int) -> str:
    return f"urn:li:mlModel:(urn:li:dataPlatform:mlflow,m{unit}_{k},PROD)"


def group(g: int) -> str:
    return f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,g{g},PROD)"


def unit_aspects(i: int, units: int, rng: random.Random) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(urn, aspect, value) for one pipeline unit; keys are added by the writer."""
    raws = [dataset(f"raw{i}_{k}") for k in range(5)]
    feats = [dataset(f"feat{i}_{k}") for k in range(2)]
    for urn in raws + feats:
        yield urn, "datasetProperties", {"name": urn.split(",")[1], "customProperties": {}, "tags": []}
    pool = [dataset(f"raw{rng.randrange(units)}_{rng.randrange(5)}") for _ in range(2)]
    yield job(i, "features"), "dataJobInputOutput", {
        "inputDatasets": [], "outputDatasets": [], "inputDatasetEdges": [_edge(u) for u in raws[:2] + pool],
        "outputDatasetEdges": [_edge(u) for u in feats],
    }  # fmt: skip
    other = dataset(f"feat{rng.randrange(units)}_{rng.randrange(2)}")
    train = job(i, "train")
    yield train, "dataJobInputOutput", {"inputDatasets": [*feats, other], "outputDatasets": []}
    g = i // 5
    for k in range(3):
        run = f"urn:li:dataProcessInstance:run{i}_{k}"
        yield run, "dataProcessInstanceInput", {"inputs": [], "inputEdges": [_edge(u) for u in feats]}
        yield run, "dataProcessInstanceOutput", {"outputs": [], "outputEdges": [_edge(model(i, k))]}
        yield model(i, k), "mlModelProperties", {
            "customProperties": {}, "tags": [], "trainingJobs": [train, run], "groups": [group(g)],
            "deployments": [f"urn:li:mlModelDeployment:(urn:li:dataPlatform:sagemaker,e{i}_{k},PROD)"],
        }  # fmt: skip
        yield model(i, k), "ownership", {
            "owners": [{"owner": f"urn:li:corpuser:u{i % 97}", "type": "TECHNICAL_OWNER"}],
            "ownerTypes": {}, "lastModified": {"time": 0, "actor": ACTOR},
        }  # fmt: skip
    if i % 5 == 0:
        score = job(i, "score")
        yield group(g), "mlModelGroupProperties", {"customProperties": {}, "downstreamJobs": [score]}
        yield score, "dataJobInputOutput", {
            "inputDatasets": [feats[0]], "outputDatasets": [dataset(f"raw{rng.randrange(units)}_4")],
        }  # fmt: skip


def _edge(urn: str) -> dict[str, Any]:
    return {"destinationUrn": urn, "created": {"time": 1_700_000_000_000, "actor": ACTOR}}


def build(store: SqlStore, registry: EntityRegistry, target_edges: int) -> int:
    units = max(1, target_edges // EDGES_PER_UNIT + 1)
    rng = random.Random(7)
    now = int(time.time() * 1000)
    keys_done: set[str] = set()
    written = 0
    started = time.perf_counter()
    for first in range(0, units, BATCH_UNITS):
        aspect_rows, edge_rows = [], []
        for i in range(first, min(units, first + BATCH_UNITS)):
            for urn, name, value in unit_aspects(i, units, rng):
                if urn not in keys_done:
                    keys_done.add(urn)
                    target = registry.parse_urn(urn)
                    key = target.entity.key_aspect
                    aspect_rows.append(aspect_row(AspectRecord(urn, key, 0, target.key_value, None, now, ACTOR)))
                    edge_rows += [edge_row(e) for e in edges_for(urn, registry.aspects[key], target.key_value, now, ACTOR)]
                aspect_rows.append(aspect_row(AspectRecord(urn, name, 0, value, None, now, ACTOR)))
                edge_rows += [edge_row(e) for e in edges_for(urn, registry.aspects[name], value, now, ACTOR)]
        with store.db.write() as conn:
            conn.execute(insert(tables.aspects), aspect_rows)
            conn.execute(insert(tables.edges), edge_rows)
        written += len(edge_rows)
        print(f"\r  built {written:,} edges ({time.perf_counter() - started:.0f}s)", end="", flush=True)
    print()
    return units


def percentiles(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1000, p99 * 1000


def measure(name: str, samples: list[Any], call: Callable[[Any], int]) -> dict[str, Any]:
    timings, sizes = [], []
    for sample in samples:
        started = time.perf_counter()
        sizes.append(call(sample))
        timings.append(time.perf_counter() - started)
    p50, p99 = percentiles(timings)
    return {"name": name, "p50_ms": p50, "p99_ms": p99, "mean_results": statistics.mean(sizes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--database", default=None, help="SQLAlchemy URL (default: a SQLite file in a temp dir)")
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp(prefix='mlcatalog-bench-')) / 'lineage.sqlite'}"
    registry = get_registry()
    store = open_store(url)
    try:
        existing = store.count_edges()
        if existing >= args.edges:
            units = existing // EDGES_PER_UNIT
            print(f"reusing {existing:,} edges at {url}")
        else:
            print(f"building >= {args.edges:,} edges at {url}")
            units = build(store, registry, args.edges)
        total = store.count_edges()
        run(store, registry, units, args.samples, total)
    finally:
        store.close()


def run(store: SqlStore, registry: EntityRegistry, units: int, samples: int, total: int) -> None:
    lineage, entities = LineageService(store, registry), EntityService(store, registry)
    rng = random.Random(11)
    raws = [dataset(f"raw{rng.randrange(units)}_{rng.randrange(5)}") for _ in range(samples)]
    models = [model(rng.randrange(units), rng.randrange(3)) for _ in range(samples)]
    groups = [group(rng.randrange(max(1, units // 5))) for _ in range(samples)]

    def walk(direction: str, hops: int | None) -> Callable[[str], int]:
        return lambda urn: len(lineage.walk(LineageQuery(urn, direction, hops)).hits)

    def members(urn: str) -> int:
        return len(entities.related(urn, ["MemberOf"], "INCOMING", 0, 100)[1])

    results = [
        measure("3-hop downstream walk from a dataset", raws, walk("DOWNSTREAM", 3)),
        measure("5-hop downstream walk from a dataset", raws, walk("DOWNSTREAM", 5)),
        measure("3-hop upstream walk from a model", models, walk("UPSTREAM", 3)),
        measure("5-hop upstream walk from a model", models, walk("UPSTREAM", 5)),
        measure("relationships: MemberOf of a group", groups, members),
        measure("unlimited (3+) downstream from dataset", raws[: samples // 3], walk("DOWNSTREAM", None)),
        measure("mlImpact of a dataset", raws[: samples // 3], lambda urn: len(lineage.impact(urn))),
    ]
    print(f"\n{total:,} edges, {samples} samples each, backend {store.db.url.get_backend_name()}")
    print(f"{'query':<40} {'p50 ms':>8} {'p99 ms':>8} {'results':>8}")
    for row in results:
        print(f"{row['name']:<40} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} {row['mean_results']:>8.1f}")


if __name__ == "__main__":
    main()
