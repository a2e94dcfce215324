"""Databases for tests and benchmarks: a SQLite file always, PostgreSQL when a server URL is given.

Tests use ``MLCATALOG_TEST_POSTGRES_URL``; ``bench`` passes its own admin URL. A PostgreSQL
database is created fresh and dropped afterwards, so runs never interfere, unless a ``name`` is
given: then it is kept (and reused if it exists), which lets a long benchmark load resume.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from mlcatalog.store.sql import SqlStore, open_store

POSTGRES_URL = os.environ.get("MLCATALOG_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", *(["postgres"] if POSTGRES_URL else [])]


@contextmanager
def temporary_database(backend: str, directory: Path, admin_url: str | None = None, name: str | None = None) -> Iterator[str]:
    """A database URL; ``admin_url`` defaults to ``MLCATALOG_TEST_POSTGRES_URL``."""
    if backend == "sqlite":
        stem = name or f"catalog-{uuid.uuid4().hex[:8]}"
        yield f"sqlite:///{directory / f'{stem}.db'}"
        return
    admin_url = admin_url or POSTGRES_URL
    assert admin_url, "MLCATALOG_TEST_POSTGRES_URL is not set"
    admin = create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT")
    database = name or f"mlcatalog_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": database}).scalar()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield make_url(admin_url).set(database=database).render_as_string(hide_password=False)
    finally:
        if name is None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def temporary_store(backend: str, directory: Path) -> Iterator[SqlStore]:
    """A fresh, migrated store on a temporary database, closed afterwards."""
    with temporary_database(backend, directory) as url:
        store = open_store(url)
        try:
            yield store
        finally:
            store.close()
