"""Third-party servers the integration tests talk to (MLflow, moto), as child processes on loopback."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.support.server import free_port


class ChildServer:
    """Start ``command`` (which must listen on ``port``) and wait until ``health_path`` answers 200."""

    def __init__(self, command: list[str], port: int, log_path: Path, health_path: str = "/") -> None:
        self.command = command
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.health_path = health_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90.0) -> ChildServer:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command[:3]} exited:\n{self.log_path.read_text()[-4000:]}")
            try:
                if requests.get(self.url + self.health_path, timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.command[:3]} did not answer within {timeout}s:\n{self.log_path.read_text()[-4000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


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
