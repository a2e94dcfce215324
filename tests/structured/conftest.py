"""Fixtures for structured properties and forms: the real ``datahub`` CLI and definitions created from YAML."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.compat.helpers import unique
from tests.support.server import ServerProcess

Cli = Callable[..., subprocess.CompletedProcess[str]]

PROPERTIES_YAML = """
- id: {ns}.tier
  type: string
  display_name: Tier
  cardinality: SINGLE
  entity_types: [mlModelGroup]
  allowed_values:
    - value: gold
      description: production critical
    - value: silver
- id: {ns}.retention
  type: number
  display_name: Retention days
  cardinality: MULTIPLE
  entity_types: [mlModelGroup, dataset]
- id: {ns}.reviewed
  type: date
  display_name: Reviewed on
  entity_types: [mlModelGroup]
- id: {ns}.steward
  type: urn
  display_name: Steward
  entity_types: [mlModelGroup]
  type_qualifier:
    allowed_types: [corpuser]
- id: {ns}.origin
  type: string
  display_name: Origin
  immutable: true
  entity_types: [mlModelGroup]
"""


@pytest.fixture(scope="module")
def cli(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """``cli(*args)``: the CLI in a clean HOME pointed at the session server; fails loudly on a non-zero exit."""
    home = tmp_path_factory.mktemp("cli-home")

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DATAHUB_")},
            "HOME": str(home),
            "DATAHUB_GMS_URL": server.url,
            "DATAHUB_TELEMETRY_ENABLED": "false",
            "DATAHUB_SKIP_CONFIG": "true",
        }
        result = subprocess.run(
            [sys.executable, "-m", "datahub", *args], capture_output=True, text=True, env=environment, cwd=home, timeout=300
        )
        if check and result.returncode != 0:
            raise AssertionError(f"datahub {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
        return result

    return run


@pytest.fixture(scope="module")
def ns(cli: Cli, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh namespace of five property definitions, created once per module with ``datahub properties upsert -f``."""
    namespace = unique("io.test").replace("-", "")
    path: Path = tmp_path_factory.mktemp("props") / "properties.yaml"
    path.write_text(PROPERTIES_YAML.format(ns=namespace))
    cli("properties", "upsert", "-f", str(path))
    return namespace
