"""Scale-out benchmark: load ML-shaped entities through the server's batch ingest, then read.

    python -m bench.postgres [--entities 4000] [--postgres URL] [--clients 6] [--samples 300]

For each backend (a fresh SQLite file and a fresh PostgreSQL database, in the same run) it
starts ``mlcatalog serve``, loads the entities with rest.li ``ingestProposalBatch`` from
``--clients`` threads and reports entities/s and aspects/s; then it measures, with one and with
three server processes on the same database (requests spread round-robin), the p50/p99 of a
``GET /entitiesV2`` and of a 3-hop relationship walk (group <- model -> training job -> dataset,
three sequential ``/relationships`` calls), plus a full-text search, under ``--clients``
concurrent readers. The issue's target is 1,000,000 entities; the default is small.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

MODELS_PER_GROUP = 10
BATCH_ENTITIES = 100
SERVER_ENV = {"MLCATALOG_DB_POOL_SIZE": "5", "MLCATALOG_DB_MAX_OVERFLOW": "5"}


def group_urn(g: int) -> str:
    return f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,bench-group-{g},PROD)"


def model_urn(m: int) -> str:
    return f"urn:li:mlModel:(urn:li:dataPlatform:mlflow,bench-model-{m},PROD)"


def job_urn(m: int) -> str:
    return f"urn:li:dataJob:(urn:li:dataFlow:(airflow,train_{m % 50},PROD),train-{m})"


def dataset_urn(m: int) -> str:
    return f"urn:li:dataset:(urn:li:dataPlatform:hive,features.table_{m},PROD)"


def _mcp(urn: str, entity_type: str, aspect: str, value: dict[str, Any]) -> dict[str, Any]:
    return {
        "entityType": entity_type,
        "entityUrn": urn,
        "changeType": "UPSERT",
        "aspectName": aspect,
        "aspect": {"value": json.dumps(value), "contentType": "application/json"},
        "systemMetadata": {"runId": "bench", "lastObserved": int(time.time() * 1000)},
    }


def unit(m: int) -> list[dict[str, Any]]:
    """One trained model with its training run and its input dataset (3 entities, 5 aspects; every
    tenth unit also brings its model group)."""
    g = m // MODELS_PER_GROUP
    proposals = []
    if m % MODELS_PER_GROUP == 0:
        description = f"Group {g}: recommendation models trained nightly"
        proposals.append(_mcp(group_urn(g), "mlModelGroup", "mlModelGroupProperties", {"description": description}))
    proposals += [
        _mcp(dataset_urn(m), "dataset", "datasetProperties", {"name": f"table_{m}", "description": "click features"}),
        _mcp(job_urn(m), "dataJob", "dataJobInputOutput", {"inputDatasets": [dataset_urn(m)], "outputDatasets": []}),
        _mcp(
            model_urn(m),
            "mlModel",
            "mlModelProperties",
            {
                "description": f"ranking model {m} for home page recommendations",
                "customProperties": {"framework": "pytorch", "auc": f"0.{700 + m % 300}"},
                "groups": [group_urn(g)],
                "trainingJobs": [job_urn(m)],
            },
        ),
        _mcp(model_urn(m), "mlModel", "globalTags", {"tags": [{"tag": f"urn:li:tag:tier-{m % 3}"}]}),
    ]
    return proposals


def entities_in(models: int) -> int:
    return 3 * models + (models + MODELS_PER_GROUP - 1) // MODELS_PER_GROUP


# --- servers and databases -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, database_url: str, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "mlcatalog", "serve", "--port", str(self.port), "--database", database_url]
        command += ["--log-level", "warning"]
        env = {**os.environ, **SERVER_ENV, "MLCATALOG_DELIVER_WEBHOOKS": "false"}
        self.process = subprocess.Popen(command, stdout=log.open("ab"), stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text()}")
            try:
                if requests.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server did not start: {log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)


@contextmanager
def database(backend: str, directory: Path, postgres_url: str | None) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'bench.db'}"
        return
    assert postgres_url
    admin_url = make_url(postgres_url)
    name = f"mlcatalog_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def database_mb(url: str) -> float:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20  # with -wal
    engine = create_engine(url)
    with engine.connect() as conn:
        size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0
    engine.dispose()
    return size / 2**20


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Figures:
    backend: str
    entities: int = 0
    aspects: int = 0
    load_s: float = 0.0
    size_mb: float = 0.0
    reads: dict[str, dict[str, float]] | None = None


def run_threads(clients: int, work: Callable[[int], None]) -> None:
    errors: list[BaseException] = []

    def wrapped(worker: int) -> None:
        try:
            work(worker)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=wrapped, args=(c,)) for c in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def load(server: Server, models: int, clients: int) -> float:
    batches = [list(range(start, min(start + BATCH_ENTITIES // 3, models))) for start in range(0, models, BATCH_ENTITIES // 3)]
    started = time.perf_counter()

    def work(worker: int) -> None:
        session = requests.Session()
        for batch in batches[worker::clients]:
            proposals = [p for m in batch for p in unit(m)]
            reply = session.post(f"{server.url}/aspects", params={"action": "ingestProposalBatch"},
                                 json={"proposals": proposals}, timeout=300)  # fmt: skip
            reply.raise_for_status()

    run_threads(clients, work)
    return time.perf_counter() - started


def _get(session: requests.Session, base: str, models: int, rnd: random.Random) -> None:
    urn = model_urn(rnd.randrange(models))
    session.get(f"{base}/entitiesV2/{quote(urn, safe='')}", timeout=60).raise_for_status()


def _three_hops(session: requests.Session, base: str, models: int, rnd: random.Random) -> None:
    def hop(urn: str, direction: str, kind: str) -> list[str]:
        params = {"urn": urn, "direction": direction, "types": kind, "count": 10}
        reply = session.get(f"{base}/relationships", params=params, timeout=60)
        reply.raise_for_status()
        return [r["entity"] for r in reply.json()["relationships"]]

    group = group_urn(rnd.randrange((models + MODELS_PER_GROUP - 1) // MODELS_PER_GROUP))
    members = hop(group, "INCOMING", "MemberOf")
    jobs = hop(rnd.choice(members), "OUTGOING", "TrainedBy")
    datasets = hop(jobs[0], "OUTGOING", "Consumes")
    assert datasets, "the 3-hop walk found no dataset"


def _search(session: requests.Session, base: str, models: int, rnd: random.Random) -> None:
    body = {"input": f"model {rnd.randrange(models)}", "entity": "mlModel", "start": 0, "count": 10}
    session.post(f"{base}/entities", params={"action": "search"}, json=body, timeout=60).raise_for_status()


def latencies(servers: list[Server], models: int, clients: int, samples: int, call: Callable[..., None]) -> dict[str, float]:
    times: list[float] = []
    lock = threading.Lock()
    per_client = max(1, samples // clients)

    def work(worker: int) -> None:
        session, rnd = requests.Session(), random.Random(worker)
        for n in range(per_client):
            base = servers[(worker + n) % len(servers)].url
            started = time.perf_counter()
            call(session, base, models, rnd)
            with lock:
                times.append(time.perf_counter() - started)

    wall = time.perf_counter()
    run_threads(clients, work)
    wall = time.perf_counter() - wall
    times.sort()
    return {
        "p50_ms": round(statistics.median(times) * 1000, 1),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))] * 1000, 1),
        "per_s": round(len(times) / wall, 1),
    }


def bench_backend(backend: str, args: argparse.Namespace, directory: Path) -> Figures:
    figures = Figures(backend)
    with database(backend, directory, args.postgres) as url:
        servers = [Server(url, directory / f"{backend}-0.log")]
        try:
            figures.load_s = load(servers[0], args.models, args.clients)
            figures.entities = entities_in(args.models)
            figures.aspects = sum(len(unit(m)) for m in range(args.models))
            figures.size_mb = database_mb(url)
            figures.reads = {}
            for count in (1, 3):
                while len(servers) < count:
                    servers.append(Server(url, directory / f"{backend}-{len(servers)}.log"))
                for name, call in (("get", _get), ("3-hop", _three_hops), ("search", _search)):
                    figures.reads[f"{name} x{count}"] = latencies(servers, args.models, args.clients, args.samples, call)
        finally:
            for server in servers:
                server.stop()
    return figures


def report(all_figures: list[Figures], args: argparse.Namespace) -> str:
    lines = [f"mlcatalog scale-out bench: {args.models} models -> {entities_in(args.models)} entities, "
             f"{args.clients} client threads, {os.cpu_count()} CPUs"]  # fmt: skip
    lines.append(f"{'backend':<12}{'load entities/s':>16}{'aspects/s':>11}{'seconds':>9}{'db MB':>8}{'KB/entity':>10}")
    for f in all_figures:
        per_entity = f.size_mb * 1024 / max(1, f.entities)
        lines.append(
            f"{f.backend:<12}{f.entities / f.load_s:>16.0f}{f.aspects / f.load_s:>11.0f}{f.load_s:>9.1f}"
            f"{f.size_mb:>8.1f}{per_entity:>10.1f}"
        )
    lines.append(f"{'read':<12}{'servers':>8}" + "".join(f"{f.backend + ' p50/p99 ms (req/s)':>36}" for f in all_figures))
    keys = list(all_figures[0].reads or {})
    for key in keys:
        name, count = key.split(" x")
        cells = []
        for f in all_figures:
            r = (f.reads or {})[key]
            cells.append(f"{r['p50_ms']:>8.1f} / {r['p99_ms']:<8.1f} ({r['per_s']:.0f}/s)")
        lines.append(f"{name:<12}{count:>8}" + "".join(f"{c:>36}" for c in cells))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=4000, help="about this many entities (the issue asks 1,000,000)")
    parser.add_argument("--postgres", default=os.environ.get("MLCATALOG_BENCH_POSTGRES_URL")
                        or os.environ.get("MLCATALOG_TEST_POSTGRES_URL"), help="admin URL; a fresh database is made")  # fmt: skip
    parser.add_argument("--clients", type=int, default=6, help="concurrent client threads")
    parser.add_argument("--samples", type=int, default=300, help="timed requests per read figure")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    args.models = max(1, args.entities * MODELS_PER_GROUP // (3 * MODELS_PER_GROUP + 1))
    backends = ([] if args.skip_sqlite else ["sqlite"]) + (["postgresql"] if args.postgres else [])
    with tempfile.TemporaryDirectory(prefix="mlcatalog-bench-") as tmp:
        figures = [bench_backend(backend, args, Path(tmp)) for backend in backends]
    print(report(figures, args))


if __name__ == "__main__":
    main()
