"""Load: concurrent clients of mixed reads, relationship walks and writes against one server.

One ``mlcatalog serve`` on a fresh SQLite file, on 127.0.0.1 only, with authentication on;
``--connections`` clients (at least 32) each keep one connection busy for ``--duration``
seconds. Every acknowledged write is read back at the end. The bar is zero errors and zero
lost writes; throughput and latency are reported. (Ranked search is not served yet, so the
read mix walks relationships and reads entities and aspects.)

    python -m bench.load --duration 20 --connections 32
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx

from mlcatalog.services.tokens import TokenService
from mlcatalog.store.sql import open_store
from mlcatalog.store.sql.tokens import SqlTokenStore
from tests.support.server import ServerProcess

GROUPS = 50
MIX = {"entity": 40, "aspect": 15, "relationships": 20, "write": 25}


@dataclass
class LoadReport:
    connections: int
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    acknowledged: dict[str, str] = field(default_factory=dict)  # model urn -> name written
    lost: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(len(values) for values in self.latencies.values())

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def ok(self) -> bool:
        return not self.errors and not self.lost and self.requests > 0

    def table(self) -> str:
        lines = [f"load: {self.connections} connections, {self.seconds:.1f} s, SQLite, 127.0.0.1, auth on"]
        lines.append(f"{'operation':<14}{'requests':>10}{'p50 ms':>10}{'p99 ms':>10}")
        every = [v for values in self.latencies.values() for v in values]
        for name, values in [*sorted(self.latencies.items()), ("all", every)]:
            lines.append(f"{name:<14}{len(values):>10}{_pct(values, 50):>10.1f}{_pct(values, 99):>10.1f}")
        lines.append(f"throughput {self.throughput:.0f} req/s; errors {len(self.errors)}; writes acknowledged")
        lines[-1] += f" {len(self.acknowledged)}, lost {len(self.lost)}"
        lines.extend(f"  error: {e}" for e in self.errors[:10])
        return "\n".join(lines)


def _pct(values: list[float], pct: int) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))] * 1000


def _group(i: int) -> str:
    return f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,load-group-{i},PROD)"


def _proposal(urn: str, aspect: str, value: dict) -> dict:
    entity = urn.split(":")[2]
    return {
        "entityType": entity,
        "entityUrn": urn,
        "changeType": "UPSERT",
        "aspectName": aspect,
        "aspect": {"value": json.dumps(value)},
    }


async def _seed(client: httpx.AsyncClient) -> None:
    proposals = [
        _proposal(_group(i), "mlModelGroupProperties", {"name": f"group {i}", "customProperties": {}}) for i in range(GROUPS)
    ]
    reply = await client.post("/aspects?action=ingestProposalBatch", json={"proposals": proposals})
    reply.raise_for_status()


async def _one(client: httpx.AsyncClient, rng: random.Random, report: LoadReport, worker: int, n: int) -> None:
    kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
    group = _group(rng.randrange(GROUPS))
    started = time.perf_counter()
    if kind == "entity":
        reply = await client.get(f"/entitiesV2/{quote(group, safe='')}")
    elif kind == "aspect":
        reply = await client.get(f"/aspects/{quote(group, safe='')}", params={"aspect": "mlModelGroupProperties"})
    elif kind == "relationships":
        reply = await client.get("/relationships", params={"urn": group, "direction": "INCOMING", "types": "MemberOf"})
    else:
        model = f"urn:li:mlModel:(urn:li:dataPlatform:mlflow,load-model-{worker}-{n},PROD)"
        name = f"model {worker}/{n}"
        value = {"name": name, "customProperties": {}, "groups": [group]}
        reply = await client.post(
            "/aspects?action=ingestProposal", json={"proposal": _proposal(model, "mlModelProperties", value)}
        )
        if reply.status_code == 200:
            report.acknowledged[model] = name
    report.latencies[kind].append(time.perf_counter() - started)
    if reply.status_code != 200:
        report.errors.append(f"{kind} -> {reply.status_code}: {reply.text[:200]}")


async def _worker(client: httpx.AsyncClient, worker: int, deadline: float, report: LoadReport) -> None:
    rng = random.Random(worker)
    n = 0
    while time.monotonic() < deadline:
        try:
            await _one(client, rng, report, worker, n)
        except httpx.HTTPError as exc:
            report.errors.append(f"{type(exc).__name__}: {exc}")
        n += 1


async def _verify(client: httpx.AsyncClient, report: LoadReport) -> None:
    semaphore = asyncio.Semaphore(report.connections)

    async def check(urn: str, name: str) -> None:
        async with semaphore:
            reply = await client.get(f"/aspects/{quote(urn, safe='')}", params={"aspect": "mlModelProperties"})
        if reply.status_code != 200 or reply.json()["aspect"]["com.linkedin.ml.metadata.MLModelProperties"]["name"] != name:
            report.lost.append(urn)

    await asyncio.gather(*(check(urn, name) for urn, name in report.acknowledged.items()))


async def _drive(url: str, token: str, duration: float, connections: int) -> LoadReport:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as client:
        await _seed(client)
        report = LoadReport(connections, duration)
        started = time.monotonic()
        await asyncio.gather(*(_worker(client, w, started + duration, report) for w in range(connections)))
        report.seconds = time.monotonic() - started
        await _verify(client, report)
    return report


def run(duration: float = 20.0, connections: int = 32, directory: Path | None = None) -> LoadReport:
    """Start a server on a fresh SQLite file, drive it, stop it; bounded by ``duration``."""
    if connections < 32:
        raise ValueError("the load test drives at least 32 concurrent connections")
    with tempfile.TemporaryDirectory() as scratch:
        where = directory or Path(scratch)
        url = f"sqlite:///{where / 'load.db'}"
        store = open_store(url)
        token = TokenService(SqlTokenStore(store.db)).create("load-bot", "editor").token
        store.close()
        with ServerProcess(url, where / "server.log", extra_args=["--auth"]) as server:
            return asyncio.run(_drive(server.url, token, duration, connections))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args(argv)
    report = run(args.duration, args.connections)
    print(report.table())
    return 0 if report.ok() else 1


if __name__ == "__main__":
    raise SystemExit(main())
