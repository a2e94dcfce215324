"""Tokens and servers with authentication on, made the way an operator makes them: the CLI."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.databases import temporary_database
from tests.support.server import ServerProcess

ROLES = ("reader", "editor", "admin")


def mlcatalog(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mlcatalog", *args], capture_output=True, text=True, check=check)


def create_token(database_url: str, user: str, role: str, expires: str | None = None) -> str:
    """``mlcatalog token create``; the token is alone on the last line of its output."""
    args = ["token", "create", "--user", user, "--role", role, "--database", database_url]
    if expires:
        args += ["--expires", expires]
    return mlcatalog(*args).stdout.strip().splitlines()[-1]


def token_id(database_url: str, user: str) -> str:
    """The id `token list` shows for ``user``'s newest token."""
    rows = [line.split() for line in mlcatalog("token", "list", "--database", database_url).stdout.splitlines()[1:]]
    return [row[0] for row in rows if row[1] == user][-1]


@dataclass
class AuthServer:
    proc: ServerProcess
    database_url: str
    tokens: dict[str, str]  # role -> token of user "<role>-bot"

    @property
    def url(self) -> str:
        return self.proc.url

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def auth_server(backend: str, directory: Path) -> Iterator[AuthServer]:
    with temporary_database(backend, directory) as url:
        tokens = {role: create_token(url, f"{role}-bot", role) for role in ROLES}
        with ServerProcess(url, directory / "server.log", extra_args=["--auth"]) as proc:
            yield AuthServer(proc, url, tokens)
