"""Run the real ``datahub`` CLI as a user does, against the session's live server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.server import ServerProcess

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def datahub(server: ServerProcess, tmp_path: Path) -> CliRunner:
    """``datahub(*args, env=..., input=...)``: the CLI in a clean HOME pointed at the server."""

    def run(
        *args: str, env: dict[str, str] | None = None, input: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DATAHUB_")},
            "HOME": str(tmp_path),
            "DATAHUB_GMS_URL": server.url,
            "DATAHUB_TELEMETRY_ENABLED": "false",
            "DATAHUB_SKIP_CONFIG": "true",
            **(env or {}),
        }
        result = subprocess.run(
            [sys.executable, "-m", "datahub", *args],
            capture_output=True,
            text=True,
            env=environment,
            input=input,
            cwd=tmp_path,
            timeout=300,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"datahub {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
        return result

    return run
