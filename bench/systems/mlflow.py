"""The MLflow model registry: a real ``mlflow server`` (default settings) on SQLite on 127.0.0.1.

MLflow's dependencies clash with mlcatalog's (it pins older FastAPI and uvicorn), so it lives in
its own virtualenv, ``.venv-mlflow`` (``make bench`` creates it). This driver starts the server
from there, measures its start, memory and database, and runs ``mlflow_client`` in that
virtualenv for the client side.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import requests

from bench.context import Context
from bench.measure import Figure, Results, free_port, rate, rss_mb, size_mb, wait_until
from bench.workload import Workload

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-mlflow"
NOT_THERE = {"lineage 3-hop p50": "n/a (no lineage graph)", "lineage 3-hop p99": "n/a"}


def available() -> bool:
    return (VENV / "bin" / "mlflow").exists()


def run(ctx: Context) -> Results:
    """MLflow stores the first ``ctx.mlflow_groups`` groups (it is too slow for all of a large N)."""
    if not available():
        return {"ingest batch": f"n/a (MLflow not installed: run `make bench` or create {VENV.name})"}
    database = ctx.workdir / "mlflow.db"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        str(VENV / "bin" / "mlflow"),
        "server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--backend-store-uri",
        f"sqlite:///{database}",
        "--default-artifact-root",
        str(ctx.workdir / "mlflow-artifacts"),
    ]
    log = (ctx.workdir / "mlflow.log").open("ab")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        started = wait_until(lambda: requests.get(f"{url}/health", timeout=1).status_code == 200, 120, 0.05)
        results: Results = {"cold start": Figure(started, "s", note="default 4 workers, to first /health")}
        results["server RSS idle"] = Figure(rss_mb(server.pid), "MB")
        workload_path = ctx.workdir / "workload.json"
        groups = ctx.workload.groups[: ctx.mlflow_groups]
        subset = Workload(len(groups), ctx.workload.seed, groups)
        aspects = sum(len(batch) for batch in ctx.batches[: len(groups)])
        workload_path.write_text(json.dumps(subset.to_json()))
        reply = subprocess.run(
            [str(VENV / "bin" / "python"), "-m", "bench.systems.mlflow_client", url, str(workload_path), str(ctx.samples)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        measured = json.loads(reply.stdout.strip().splitlines()[-1])
        note = f"the first {len(groups):,} groups' models and versions ({aspects:,} aspects' worth), MlflowClient"
        results["ingest batch"] = rate(aspects, measured["ingest_seconds"], note)
        results.update({name: Figure(**figure) for name, figure in measured["figures"].items()})
        results.update(NOT_THERE)
        results["server RSS after load"] = Figure(rss_mb(server.pid), "MB")
        # not a Figure: it holds only the first groups, so a ratio to the others' sizes would mislead
        results["database size"] = f"{size_mb(database):.1f} MB ({len(groups):,} groups only)"
        return results
    finally:
        _stop(server)


def _stop(server: subprocess.Popen[bytes]) -> None:
    """The server forks workers into its own session; end that whole group, and only it."""
    import os
    import signal

    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(20)
