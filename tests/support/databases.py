"""Databases for tests: a SQLite file always, PostgreSQL when MLCATALOG_TEST_POSTGRES_URL is set.

Each PostgreSQL database is created fresh and dropped afterwards, so runs never interfere.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("MLCATALOG_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", *(["postgres"] if POSTGRES_URL else [])]


@contextmanager
def temporary_database(backend: str, directory: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{directory / f'catalog-{uuid.uuid4().hex[:8]}.db'}"
        return
    assert POSTGRES_URL, "MLCATALOG_TEST_POSTGRES_URL is not set"
    admin_url = make_url(POSTGRES_URL)
    name = f"mlcatalog_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
