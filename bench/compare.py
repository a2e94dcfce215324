"""The comparison suite: mlcatalog and the alternatives on one workload, one table, one run."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench import baseline, report
from bench.context import Context
from bench.measure import Figure, Results
from bench.systems import lite, mlcatalog, mlflow, sqlite_floor
from bench.workload import generate

RESULTS = Path(__file__).with_name("RESULTS.md")
QUICK_SIZE = 200
OPT_IN = {"DataHub Lite duckdb"}  # about 40 aspects/s here: too slow for the default run


def systems() -> dict[str, Callable[[Context], Results]]:
    return {"mlcatalog": mlcatalog.run, **lite.variants(), "MLflow": mlflow.run, "SQLite floor": sqlite_floor.run}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--size", type=int, default=1000, help="model groups in the workload (default 1000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--samples", type=int, default=None, help="timed calls per latency figure (default 300)")
    parser.add_argument("--quick", action="store_true", help=f"N={QUICK_SIZE}, mlcatalog and the floor only, no RESULTS.md")
    parser.add_argument("--check", action="store_true", help="fail on a gross regression against bench/baseline.json")
    parser.add_argument("--write-baseline", action="store_true", help="record this run's floor ratios as the baseline")
    parser.add_argument("--systems", default=None, help="comma-separated subset of: " + ", ".join(systems()))
    parser.add_argument("--mlflow-groups", type=int, default=100, help="groups MLflow stores (default 100; it is slow)")
    parser.add_argument("--mlcatalog-database", default=None, help="SQLAlchemy URL instead of a fresh SQLite file")
    parser.add_argument("--results", type=Path, default=None, help=f"markdown file to update (default {RESULTS.name})")
    parser.add_argument("--no-results", action="store_true", help="print only, write no results file")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON, after each system")
    parser.add_argument("--from-json", type=Path, default=None, help="render a run saved with --json instead of measuring")


def main(args: argparse.Namespace) -> int:
    size = QUICK_SIZE if args.quick else args.size
    samples = args.samples or (100 if args.quick else 300)
    available = systems()
    default = "mlcatalog,SQLite floor" if args.quick or args.check else ",".join(n for n in available if n not in OPT_IN)
    chosen = [name.strip() for name in (args.systems or default).split(",")]
    unknown = [name for name in chosen if name not in available]
    if unknown:
        print(f"unknown systems {unknown}; choose from {list(available)}", file=sys.stderr)
        return 2
    if args.from_json:
        return _render_saved(args)
    os.environ.setdefault("DATAHUB_TELEMETRY_ENABLED", "false")
    _quiet_the_sdk()

    started = time.perf_counter()
    workload = generate(size, args.seed)
    results: dict[str, Results] = {}
    with tempfile.TemporaryDirectory(prefix="mlcatalog-bench-") as scratch:
        ctx = Context(workload, Path(scratch), samples, args.mlcatalog_database, args.mlflow_groups)
        print(f"workload: {size:,} groups, {len(workload.models()):,} models, {ctx.aspect_count:,} aspects", flush=True)
        for name in chosen:
            print(f"running {name} ...", flush=True)
            system_started = time.perf_counter()
            results[name] = available[name](ctx)
            print(f"  done in {time.perf_counter() - system_started:.1f} s", flush=True)
            if args.json:
                saved = {"size": size, "aspects": ctx.aspect_count, "samples": samples, "command": " ".join(sys.argv[1:])}
                saved["results"] = _as_json(results)
                args.json.write_text(json.dumps({**saved, "elapsed": time.perf_counter() - started}, indent=1))
    elapsed = time.perf_counter() - started
    header = describe(size, ctx.aspect_count, samples, elapsed, args)
    _publish(args, size, header, results)
    return _guard(args, results, size)


def _publish(args: argparse.Namespace, size: int, header: str, results: dict[str, Results]) -> None:
    body = report.section(size, header, results)
    print("\n" + body + "\n")
    if not (args.quick or args.no_results or args.check):
        target = args.results or RESULTS
        report.write_results(target, size, body, PREAMBLE)
        print(f"updated {target}")


def _render_saved(args: argparse.Namespace) -> int:
    """A run saved with --json (possibly stopped part-way) as a RESULTS.md section."""
    saved = json.loads(args.from_json.read_text())

    def decode(value: object) -> Figure | str:
        return Figure(**value) if isinstance(value, dict) else str(value)

    results = {system: {k: decode(v) for k, v in figures.items()} for system, figures in saved["results"].items()}
    header = describe(saved["size"], saved["aspects"], saved["samples"], saved["elapsed"], args)
    measured = ", ".join(results)
    header += f"\n- rendered from a saved run of `python -m bench {saved.get('command', '')}`; measured: {measured}"
    _publish(args, saved["size"], header, results)
    return 0


def _as_json(results: dict[str, Results]) -> dict[str, dict[str, object]]:
    def encode(value: Figure | str) -> object:
        return value.to_json() if isinstance(value, Figure) else value

    return {system: {name: encode(value) for name, value in figures.items()} for system, figures in results.items()}


def _quiet_the_sdk() -> None:
    """The SDK warns on every 3-hop lineage call and on importing datahub.sdk; keep the table readable."""
    import logging
    import warnings

    warnings.filterwarnings("ignore", message="The new datahub SDK")
    logging.getLogger("datahub.sdk.lineage_client").setLevel(logging.ERROR)


def _guard(args: argparse.Namespace, results: dict[str, Results], size: int) -> int:
    if not (args.check or args.write_baseline):
        return 0
    if "mlcatalog" not in results or "SQLite floor" not in results:
        print("the guard needs both mlcatalog and the SQLite floor in the run", file=sys.stderr)
        return 2
    costs = baseline.floor_costs(results["mlcatalog"], results["SQLite floor"])
    if args.write_baseline:
        baseline.record(costs, size)
        print(f"recorded {baseline.BASELINE}")
    lines = baseline.check(costs)
    print("\n".join(["regression guard:", *lines]))
    return 1 if any(line.startswith("REGRESSION") for line in lines) else 0


PREAMBLE = """# Benchmark results

Regenerated by `make bench` (N=1,000) and `python -m bench --size 10000`; each run replaces the
section of its size. Every system runs on the same workload (`bench/workload.py`), on the same
machine, in the same run. mlcatalog is driven through the official acryl-datahub SDK over HTTP
on 127.0.0.1, one client at a time. Ratios read "how many times better mlcatalog is" (above 1
better, below 1 worse); against the raw-SQLite floor they show what the server layers cost.
The last section, scale-out on PostgreSQL beside SQLite, is replaced by
`python -m bench postgres --write-results`.
"""


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> str:
    import psutil

    return f"{psutil.virtual_memory().total / 2**30:.0f} GiB"


def describe(size: int, aspects: int, samples: int, elapsed: float, args: argparse.Namespace) -> str:
    mlflow_version = "not installed"
    dist = next(iter(mlflow.VENV.glob("lib/python*/site-packages/mlflow-*.dist-info")), None)
    if dist is not None:
        mlflow_version = dist.name.removeprefix("mlflow-").removesuffix(".dist-info")
    database = args.mlcatalog_database.split("://")[0] if args.mlcatalog_database else "SQLite file"
    return "\n".join(
        [
            f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}; whole run {elapsed:.0f} s",
            f"- machine: {_cpu()}, {os.cpu_count()} cores, {_memory_gb()}; {platform.platform()}; "
            f"load average {os.getloadavg()[1]:.1f} over the last 5 minutes (other work on the machine slows every system)",
            f"- versions: Python {platform.python_version()}, mlcatalog {_version('mlcatalog')}, "
            f"acryl-datahub {_version('acryl-datahub')}, MLflow {mlflow_version}, SQLite {sqlite3.sqlite_version}, "
            f"duckdb {_version('duckdb')}",
            f"- workload: {size:,} model groups, {aspects:,} aspects (seed {args.seed}); "
            f"{samples} timed calls per latency figure; mlcatalog database: {database}",
            f"- command: `python -m bench {' '.join(sys.argv[1:])}`".replace("`python -m bench `", "`python -m bench`"),
        ]
    )
