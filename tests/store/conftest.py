"""The store tests' fixture: a fresh, migrated store on each backend, closed after the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mlcatalog.store.sql import SqlStore
from tests.support.databases import temporary_store


@pytest.fixture
def store(backend: str, tmp_path: Path) -> Iterator[SqlStore]:
    with temporary_store(backend, tmp_path) as opened:
        yield opened
