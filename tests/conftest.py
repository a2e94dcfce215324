"""Shared fixtures: real server processes on both backends and the official SDK as client."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.databases import BACKENDS, temporary_database
from tests.support.server import ServerProcess
from tests.support.tokens import AuthServer, auth_server

# The SDK would otherwise try to send telemetry to the internet.
os.environ.setdefault("DATAHUB_TELEMETRY_ENABLED", "false")
os.environ.pop("DATAHUB_REST_EMITTER_DEFAULT_ENDPOINT", None)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server per backend for the session; tests use their own URNs."""
    directory = tmp_path_factory.mktemp(f"server-{backend}")
    with temporary_database(backend, directory) as url, ServerProcess(url, directory / "server.log") as proc:
        yield proc


@pytest.fixture(scope="session")
def secured(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthServer]:
    """One server per backend with authentication on and a token per role (tests/support/tokens.py)."""
    yield from auth_server(backend, tmp_path_factory.mktemp(f"auth-{backend}"))


@pytest.fixture
def make_server(backend: str, tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """Fresh servers on a fresh database, for tests that need isolation or restarts."""
    started: list[ServerProcess] = []
    with temporary_database(backend, tmp_path) as url:

        def start(database_url: str = url, **kwargs: object) -> ServerProcess:
            proc = ServerProcess(database_url, tmp_path / f"server-{len(started)}.log", **kwargs)  # type: ignore[arg-type]
            started.append(proc)
            return proc.start()

        yield start
        for proc in started:
            proc.stop()


def _openapi(server: ServerProcess, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from datahub.ingestion.graph.client import get_default_graph
    from datahub.sdk import DataHubClient

    monkeypatch.setenv("DATAHUB_GMS_URL", server.url)
    monkeypatch.delenv("DATAHUB_GMS_TOKEN", raising=False)
    get_default_graph.cache_clear()  # the SDK caches the env graph for the life of the process
    return DataHubClient.from_env()


def _restli(server: ServerProcess):  # type: ignore[no-untyped-def]
    from datahub.sdk import DataHubClient

    return DataHubClient(server=server.url)


@pytest.fixture
def openapi_client(server: ServerProcess, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """``DataHubClient.from_env()``: SDK mode, writes through OpenAPI v3."""
    return _openapi(server, monkeypatch)


@pytest.fixture
def restli_client(server: ServerProcess):  # type: ignore[no-untyped-def]
    """``DataHubClient(server=...)``: writes through rest.li ingestProposalBatch."""
    return _restli(server)


@pytest.fixture(params=["openapi", "restli"])
def client(request: pytest.FixtureRequest, server: ServerProcess, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Both SDK write protocols."""
    return _openapi(server, monkeypatch) if request.param == "openapi" else _restli(server)
