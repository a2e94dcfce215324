"""Scale-out benchmark: ML-shaped entities through the servers' batch ingest, then reads, per backend.

    python -m bench postgres [--entities 1000000] [--postgres URL] [--clients 4] [--workdir DIR]

For each backend (a SQLite file and a PostgreSQL database, in the same run) it starts
``mlcatalog serve`` and loads the lean entities of ``bench/scale_data.py`` with rest.li
``ingestProposalBatch`` from ``--clients`` processes: the first half through one server, the
second half through three servers sharing the requests. Then it measures p50/p99 under
``--readers`` concurrent readers, with one and with three servers (requests spread round-robin):
``GET /entitiesV2`` of a model, GraphQL ``searchAcrossEntities`` and the SDK's
``lineage.get_lineage`` 3 hops upstream (model -> training job -> dataset -> upstream dataset).
With ``--workdir`` the databases are kept and a stopped load resumes where it stopped;
``--write-results`` replaces the postgres section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.measure import database_mb
from bench.scale_data import units_for
from bench.scale_load import LoadResult, load_units
from bench.scale_reads import READS, measure, warm_up
from tests.support.databases import temporary_database
from tests.support.server import ServerProcess

SERVER_ENV = {"MLCATALOG_DB_POOL_SIZE": "5", "MLCATALOG_DB_MAX_OVERFLOW": "5", "MLCATALOG_DELIVER_WEBHOOKS": "false"}
RESULTS = Path(__file__).with_name("RESULTS.md")


@dataclass
class Figures:
    backend: str
    loads: list[LoadResult] = field(default_factory=list)
    size_mb: float = 0.0
    reads: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def entities(self) -> int:
        return sum(load.entities for load in self.loads)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--entities", type=int, default=4000, help="entities to load (the issue asks 1,000,000)")
    parser.add_argument("--postgres", default=os.environ.get("MLCATALOG_BENCH_POSTGRES_URL")
                        or os.environ.get("MLCATALOG_TEST_POSTGRES_URL"), help="admin URL; a database is made in it")  # fmt: skip
    parser.add_argument("--clients", type=int, default=4, help="loader processes")
    parser.add_argument("--batch-units", type=int, default=130, help="units per request (about 7 proposals each)")
    parser.add_argument("--readers", type=int, default=6, help="concurrent reader threads")
    parser.add_argument("--samples", type=int, default=300, help="timed requests per read figure")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--workdir", type=Path, help="keep databases and checkpoints here; rerun to resume a load")
    parser.add_argument("--write-results", action="store_true", help="replace the postgres section of bench/RESULTS.md")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")


def _start(url: str, log: Path) -> ServerProcess:
    return ServerProcess(url, log, env=SERVER_ENV).start(timeout=180)


def bench_backend(backend: str, args: argparse.Namespace, directory: Path) -> Figures:
    figures, units = Figures(backend), units_for(args.entities)
    name = None
    if args.workdir:  # a stable name, so a rerun finds the same database
        name = f"mlcatalog_bench_{hashlib.sha1(str(args.workdir.resolve()).encode()).hexdigest()[:8]}_{units}"
    checkpoint = directory / f"{backend}-{units}.chunks"
    with ExitStack() as stack:
        url = stack.enter_context(temporary_database(backend, directory, args.postgres, name))
        servers = [_start(url, directory / f"{backend}-0.log")]
        stack.callback(lambda: [server.stop() for server in servers])
        half = units // 2
        urls = [servers[0].url]
        figures.loads.append(load_units(0, half, urls, args.clients, args.batch_units, checkpoint, f"{backend} x1"))
        servers += [_start(url, directory / f"{backend}-{n}.log") for n in (1, 2)]
        urls = [server.url for server in servers]
        figures.loads.append(load_units(half, units, urls, args.clients, args.batch_units, checkpoint, f"{backend} x3"))
        figures.size_mb = database_mb(url)
        warm_up(urls, units)
        for count in (1, 3):
            for read in READS:
                print(f"  {backend}: {read} with {count} server(s)", file=sys.stderr, flush=True)
                figures.reads[f"{read} x{count}"] = measure(read, urls[:count], units, args.readers, args.samples)
    return figures


def _machine() -> str:
    import platform

    import psutil

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    return f"{cpu}, {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB; {platform.platform()}"


def _postgres_version(admin_url: str | None) -> str:
    if not admin_url:
        return "not run"
    engine = create_engine(admin_url)
    with engine.connect() as conn:
        version = str(conn.execute(text("SHOW server_version")).scalar())
    engine.dispose()
    return version


def report(all_figures: list[Figures], args: argparse.Namespace, elapsed: float, load_before: float) -> str:
    import sqlite3
    from datetime import UTC, datetime

    entities = all_figures[0].entities if all_figures else 0
    lines = [
        "<!-- postgres -->\n## Scale-out: PostgreSQL beside SQLite (`python -m bench postgres`)\n",
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}; whole run {elapsed:,.0f} s",
        f"- machine: {_machine()}; load average {load_before:.1f} before the run, "
        f"{os.getloadavg()[1]:.1f} at its end (5-minute; other work shares the 2 cores)",
        f"- versions: PostgreSQL {_postgres_version(args.postgres)}, SQLite {sqlite3.sqlite_version}; "
        "servers, loaders, readers and the database all on this machine, over 127.0.0.1",
        f"- workload: {entities:,} entities (model, training job, feature dataset per unit, a group per ten "
        "models) with properties, owners, tags and lineage; the server adds key aspects; first half loaded "
        f"through 1 server, second half through 3; {args.clients} loader processes, ~{args.batch_units * 7} "
        f"proposals a request; reads: {args.readers} concurrent readers, {args.samples} timed requests each figure",
        f"- command: `python -m bench postgres {' '.join(a for a in sys.argv[1:] if a != 'postgres')}`",
        "",
        "| figure | " + " | ".join(f.backend for f in all_figures) + " |",
        "|---|" + "---|" * len(all_figures),
    ]
    for index, label in ((0, "ingest, 1 server"), (1, "ingest, 3 servers")):
        cells = [f"{f.loads[index].entities_per_s:,.0f} entities/s ({f.loads[index].sent_entities:,} in "
                 f"{f.loads[index].seconds:,.0f} s)" for f in all_figures]  # fmt: skip
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    sizes = [f"{f.size_mb:,.0f} MB ({f.size_mb * 1000 / max(1, f.entities):.1f} KB/entity)" for f in all_figures]
    lines.append("| database size | " + " | ".join(sizes) + " |")
    for key in all_figures[0].reads if all_figures else []:
        read, count = key.split(" x")
        cells = [f"{r['p50_ms']:,.1f} / {r['p99_ms']:,.1f} ms ({r['per_s']:,.0f}/s)" for r in (f.reads[key] for f in all_figures)]
        lines.append(f"| {read} p50 / p99, {count} server{'s' if count != '1' else ''} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    backends = ([] if args.skip_sqlite else ["sqlite"]) + (["postgres"] if args.postgres and not args.skip_postgres else [])
    load_before, started = os.getloadavg()[1], time.perf_counter()
    with ExitStack() as stack:
        directory = args.workdir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mlcatalog-bench-")))
        directory.mkdir(parents=True, exist_ok=True)
        figures = [bench_backend(backend, args, directory) for backend in backends]
    body = report(figures, args, time.perf_counter() - started, load_before)
    print(body)
    if args.json:
        args.json.write_text(json.dumps([asdict(f) for f in figures], indent=1))
    if args.write_results:
        from bench.compare import PREAMBLE
        from bench.report import write_results

        write_results(RESULTS, "postgres", body, PREAMBLE)
    return 0


if __name__ == "__main__":  # ``python -m bench.postgres`` works as well as ``python -m bench postgres``
    from bench.__main__ import main as run_suite

    sys.exit(run_suite(["postgres", *sys.argv[1:]]))
