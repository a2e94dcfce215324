"""Fixtures for integration tests: third-party servers on loopback and a fresh catalog per module."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.databases import temporary_database
from tests.support.server import ServerProcess

AWS_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-west-2"}


@pytest.fixture(scope="module")
def catalog(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A catalog of its own for the module: ingestion writes fixed URNs, so it must not share one."""
    directory = tmp_path_factory.mktemp(f"catalog-{backend}")
    with temporary_database(backend, directory) as url, ServerProcess(url, directory / "server.log") as proc:
        yield proc


def run_cli(args: list[str], extra_env: dict[str, str] | None = None) -> tuple[dict[str, Any], str]:
    """Run ``mlcatalog ingest ... --json`` as a user would; returns (summary, terminal output)."""
    env = {**os.environ, "DATAHUB_TELEMETRY_ENABLED": "false", "COLUMNS": "120", **(extra_env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "mlcatalog", "ingest", *args, "--json"], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout), done.stderr


def run_datahub_ingest(recipe: Path, extra_env: dict[str, str] | None = None) -> str:
    env = {**os.environ, "DATAHUB_TELEMETRY_ENABLED": "false", **(extra_env or {})}
    command = [sys.executable, "-m", "datahub", "ingest", "-c", str(recipe)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    return done.stdout + done.stderr
