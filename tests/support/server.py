"""Child server processes on loopback: mlcatalog itself, as users run it, and the third-party servers
the integration tests talk to (tests/support/processes.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ChildServer:
    """Start ``command`` (which must listen on ``port``) and wait until ``health_path`` answers 200."""

    def __init__(
        self, command: list[str], port: int, log_path: Path, health_path: str = "/", env: dict[str, str] | None = None
    ) -> None:
        self.command = command
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.health_path = health_path
        self.env = env or {}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90.0) -> ChildServer:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **self.env})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command[:4]} exited with {self.process.returncode}:\n{self._log_tail()}")
            try:
                if requests.get(self.url + self.health_path, timeout=5).status_code == 200:
                    return self
            except requests.RequestException:  # not listening yet, or slow to answer on a loaded machine
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.command[:4]} did not answer {self.health_path} within {timeout}s:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        return self.log_path.read_text()[-4000:]

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def __enter__(self) -> ChildServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


class ServerProcess(ChildServer):
    """``python -m mlcatalog serve`` against ``database_url``; logs go to ``log_path``."""

    def __init__(
        self, database_url: str, log_path: Path, extra_args: list[str] | None = None, env: dict[str, str] | None = None
    ) -> None:
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "mlcatalog",
            "serve",
            "--port",
            str(port),
            "--database",
            database_url,
            "--log-level",
            "warning",
            *(extra_args or []),
        ]
        super().__init__(command, port, log_path, "/config", env)
        self.database_url = database_url
        self.extra_args = extra_args or []

    def start(self, timeout: float = 60.0) -> ServerProcess:
        super().start(timeout)
        return self

    def __enter__(self) -> ServerProcess:
        return self.start()
