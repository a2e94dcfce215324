"""A real mlcatalog server process on a free port, as users run it."""

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


class ServerProcess:
    """``python -m mlcatalog serve`` against ``database_url``; logs go to ``log_path``."""

    def __init__(
        self, database_url: str, log_path: Path, extra_args: list[str] | None = None, env: dict[str, str] | None = None
    ) -> None:
        self.database_url = database_url
        self.log_path = log_path
        self.extra_args = extra_args or []
        self.env = env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> ServerProcess:
        command = [
            sys.executable,
            "-m",
            "mlcatalog",
            "serve",
            "--port",
            str(self.port),
            "--database",
            self.database_url,
            "--log-level",
            "warning",
            *self.extra_args,
        ]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **self.env})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log_path.read_text()}")
            try:
                if requests.get(f"{self.url}/config", timeout=5).status_code == 200:
                    return self
            except requests.RequestException:  # not listening yet, or slow to answer on a loaded machine
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not answer /config within {timeout}s:\n{self.log_path.read_text()}")

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

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
