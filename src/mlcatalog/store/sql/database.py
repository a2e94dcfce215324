"""Engines, connection settings and migrations for SQLite and PostgreSQL.

SQLite: WAL mode so readers never wait for the writer; every write transaction starts with
``BEGIN IMMEDIATE`` (and a process-wide lock) so concurrent writers queue instead of failing
with "database is locked" halfway through a batch.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import QueuePool

from mlcatalog.errors import QueryTimeout
from mlcatalog.store.sql.pool import PoolSettings
from mlcatalog.store.sql.rawread import RawReader
from mlcatalog.store.sql.revisions import script_heads
from mlcatalog.store.sql.timeouts import install_sqlite_timeout, is_timeout

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK_KEY = 0x6D6C636174616C67  # "mlcatalg": one advisory lock for schema migrations
_WRITE_OPTION = "mlcatalog_write"
WAL_AUTOCHECKPOINT_PAGES = 10_000  # see _on_connect


class Database:
    """Owns the engine; hands out read connections and serialized write transactions."""

    def __init__(self, url: str, pool: PoolSettings | None = None, statement_timeout_ms: int | None = None) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.pool = pool or PoolSettings()
        self.statement_timeout_ms = statement_timeout_ms
        self._write_lock = threading.Lock()
        if self.is_sqlite:
            self.engine = self._sqlite_engine(url)
            if statement_timeout_ms:
                install_sqlite_timeout(self.engine, statement_timeout_ms / 1000)
        else:
            options = {"options": f"-c statement_timeout={statement_timeout_ms}"} if statement_timeout_ms else {}
            self.engine = create_engine(url, pool_pre_ping=True, connect_args=options, **self.pool.engine_options())
        self._raw = RawReader(self.engine, self.is_sqlite, statement_timeout_ms / 1000 if statement_timeout_ms else None)

    def _sqlite_engine(self, url: str) -> Engine:
        database = self.url.database
        in_memory = not database or database == ":memory:"
        if not in_memory:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        pooling = {} if in_memory else self.pool.engine_options()
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **pooling)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            # Checkpoint every ~40 MB of WAL, not SQLite's ~4 MB: a 50-entity ingest batch writes
            # about 4 MB, so the default copied (and fsynced) the database file after nearly every
            # commit, and pages dirtied again by the next batches were copied each time.
            cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            immediate = conn.get_execution_options().get(_WRITE_OPTION)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self._timeouts(), self.engine.connect() as conn, conn.begin():
            yield conn

    def can_read_inline(self) -> bool:
        """SQLite with an idle pooled connection: a point read needs no thread and will not wait for one."""
        pool = self.engine.pool
        return self.is_sqlite and isinstance(pool, QueuePool) and pool.checkedin() > 0

    def fetch(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """One plain-SQL statement (``?`` placeholders) on a pooled DBAPI connection: the hot reads."""
        try:
            return self._raw.rows(sql, params)
        except TimeoutError as exc:
            raise self._timeout() from exc

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction; committed on normal exit, rolled back on any exception."""
        with self._timeouts(), self._write_lock if self.is_sqlite else _nullcontext(), self.engine.connect() as conn:
            conn = conn.execution_options(**{_WRITE_OPTION: True})
            with conn.begin():
                yield conn

    @contextmanager
    def _timeouts(self) -> Iterator[None]:
        """A statement cancelled for running past the timeout becomes ``QueryTimeout``."""
        try:
            yield
        except OperationalError as exc:
            if not is_timeout(exc):
                raise
            raise self._timeout() from exc

    def _timeout(self) -> QueryTimeout:
        return QueryTimeout(
            f"query cancelled after statement_timeout_ms={self.statement_timeout_ms} "
            "(MLCATALOG_STATEMENT_TIMEOUT_MS); narrow the request"
        )

    def migrate(self) -> None:
        """Bring the schema to the newest revision of every Alembic branch (features add their own).

        Several servers starting together on one database would otherwise run the same migration
        at once and fail on each other's tables; they take turns instead (an advisory lock on
        PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) and the later ones find nothing left to do.
        A database already at every head is left alone without loading Alembic (faster restarts).
        """
        if self.at_heads():
            return
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.connect() as conn:
            conn = conn.execution_options(**{_WRITE_OPTION: True})
            if not self.is_sqlite:
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            else:
                # BEGIN IMMEDIATE now, before Alembic looks: handed a connection already in a
                # transaction, Alembic runs every step in it. Otherwise, SQLite DDL counting as
                # non-transactional to Alembic, it commits after each step, and a second server
                # could plan from a half-migrated schema and repeat a step ("duplicate column").
                conn.exec_driver_sql("SELECT 1")
            config.attributes["connection"] = conn
            command.upgrade(config, "heads")
            conn.commit()

    def at_heads(self) -> bool:
        """Whether the database records exactly the migration files' newest revisions."""
        heads = script_heads(MIGRATIONS / "versions")
        if heads is None:
            return False
        try:
            with self.engine.connect() as conn:
                stamped = {row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
        except DBAPIError:  # no schema yet
            return False
        return stamped == heads

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def _nullcontext() -> Iterator[None]:
    yield
