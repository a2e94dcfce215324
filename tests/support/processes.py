"""Third-party servers the integration tests talk to (MLflow, moto), as child processes on loopback."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.support.server import ChildServer, free_port


def mlflow_server(directory: Path) -> ChildServer:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "tests.support.mlflow_launcher",
        f"sqlite:///{directory / 'mlflow.db'}",
        str(directory / "artifacts"),
        str(port),
    ]
    return ChildServer(command, port, directory / "mlflow.log", "/health")


def moto_server(directory: Path) -> ChildServer:
    port = free_port()
    command = [sys.executable, "-m", "tests.support.moto_launcher", str(port)]
    return ChildServer(command, port, directory / "moto.log", "/moto-api/")
