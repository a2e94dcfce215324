"""Operating several servers: the health endpoint and the connection-pool settings."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from mlcatalog.services.health import UNREACHABLE
from mlcatalog.store.sql.pool import PoolSettings
from tests.compat.helpers import unique
from tests.postgres.http import ingest_batch, mcp
from tests.postgres.schema import code_heads
from tests.support.databases import POSTGRES_URL
from tests.support.server import ServerProcess

MODEL = "urn:li:mlModel:(urn:li:dataPlatform:mlflow,{},PROD)"


def test_health_reports_a_reachable_database_and_its_schema(server: ServerProcess, backend: str) -> None:
    reply = requests.get(f"{server.url}/health", timeout=10)
    assert reply.status_code == 200
    body = reply.json()
    assert body["status"] == "ok"
    assert body["database"]["backend"] == {"sqlite": "sqlite", "postgres": "postgresql"}[backend]
    assert set(body["database"]["schema"]) == code_heads()
    assert reply.headers["cache-control"] == "no-store"


def _admin() -> object:
    assert POSTGRES_URL
    return create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")


def test_health_is_503_when_the_database_is_gone_and_keeps_the_reason_in_the_log(
    backend: str, make_server: Callable[..., ServerProcess]
) -> None:
    if backend != "postgres":
        pytest.skip("a SQLite file cannot go away under an open connection")
    proc = make_server()
    assert requests.get(f"{proc.url}/health", timeout=10).status_code == 200
    name = make_url(proc.database_url).database
    admin = _admin()
    with admin.connect() as conn:  # type: ignore[attr-defined]
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()  # type: ignore[attr-defined]

    reply = requests.get(f"{proc.url}/health", timeout=30)
    assert reply.status_code == 503
    body = reply.json()
    assert body["status"] == "unavailable"
    assert body["database"]["error"] == UNREACHABLE
    assert name not in reply.text and "127.0.0.1" not in reply.text  # no database name, host or driver text
    assert name in proc.log_path.read_text()  # the operator's log has the driver's reason


def test_a_server_never_holds_more_connections_than_its_pool_allows(
    backend: str, make_server: Callable[..., ServerProcess]
) -> None:
    if backend != "postgres":
        pytest.skip("SQLite has no server-side connections to count")
    proc = make_server(env={"MLCATALOG_DB_POOL_SIZE": "2", "MLCATALOG_DB_MAX_OVERFLOW": "1"})
    name = make_url(proc.database_url).database

    def write(n: int) -> int:
        urn = MODEL.format(unique(f"pool{n}"))
        return ingest_batch(requests.Session(), proc.url, [mcp(urn, "mlModelProperties", {"description": "d"})]).status_code

    with ThreadPoolExecutor(16) as pool:
        assert set(pool.map(write, range(48))) == {200}  # requests queue for a connection instead of failing
    admin = _admin()
    with admin.connect() as conn:  # type: ignore[attr-defined]
        held = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = :name"), {"name": name}).scalar()
    admin.dispose()  # type: ignore[attr-defined]
    assert 1 <= held <= 3


def test_a_bad_pool_setting_stops_the_server_naming_the_variable(backend: str, make_server: Callable[..., ServerProcess]) -> None:
    if backend != "sqlite":
        pytest.skip("settings are read before any database is opened: one backend is enough")
    with pytest.raises(RuntimeError, match="MLCATALOG_DB_POOL_SIZE: expected an integer, got 'lots'"):
        make_server(env={"MLCATALOG_DB_POOL_SIZE": "lots"})


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"MLCATALOG_DB_MAX_OVERFLOW": "-1"}, "MLCATALOG_DB_MAX_OVERFLOW: must be a non-negative integer"),
        ({"MLCATALOG_DB_POOL_SIZE": "0"}, "MLCATALOG_DB_POOL_SIZE: must be a positive integer"),
        ({"MLCATALOG_DB_POOL_TIMEOUT": "soon"}, "MLCATALOG_DB_POOL_TIMEOUT: expected an integer"),
    ],
)
def test_pool_settings_refuse_values_that_cannot_work(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PoolSettings.from_env(environ)


def test_pool_settings_come_from_the_environment() -> None:
    settings = PoolSettings.from_env({"MLCATALOG_DB_POOL_SIZE": "3", "MLCATALOG_DB_MAX_OVERFLOW": "0"})
    assert settings.engine_options() == {"pool_size": 3, "max_overflow": 0, "pool_timeout": 30, "pool_recycle": 1800}
