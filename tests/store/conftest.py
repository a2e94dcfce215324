"""The store tests' fixture: a fresh, migrated store on each backend, closed after the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mlcatalog.store.sql import SqlStore, open_store
from tests.support.databases import temporary_database


@pytest.fixture
def store(backend: str, tmp_path: Path) -> Iterator[SqlStore]:
    with temporary_database(backend, tmp_path) as url:
        opened = open_store(url)
        yield opened
        opened.close()
