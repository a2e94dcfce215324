"""`mlcatalog import` refuses files it cannot load faithfully, and then has changed nothing."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlcatalog.errors import InvalidInput
from mlcatalog.registry import get_registry
from mlcatalog.services.transfer import CatalogNotEmpty, Importer, export_catalog
from mlcatalog.store.sql import SqlStore, open_store
from tests.support.databases import temporary_store
from tests.transfer.catalog import populate


@pytest.fixture(scope="module")
def good_export(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('source') / 'source.db'}")
    populate(store)
    out = io.StringIO()
    export_catalog(store, out, "sqlite")
    store.close()
    return out.getvalue().splitlines(keepends=True)


@pytest.fixture
def target(backend: str, tmp_path: Path) -> Iterator[SqlStore]:
    with temporary_store(backend, tmp_path) as store:
        yield store


def _load(store: SqlStore, lines: list[str]) -> None:
    Importer(store, get_registry()).load(lambda: iter(lines))


def _edit(lines: list[str], index: int, **changes: object) -> list[str]:
    item = json.loads(lines[index])
    item.update(changes)
    return [*lines[:index], json.dumps(item) + "\n", *lines[index + 1 :]]


BAD_FILES = {
    "truncated": (lambda lines: lines[:-3], "without its end marker"),
    "row count mismatch": (lambda lines: [*lines[:3], *lines[4:]], "says 17 rows but holds 16"),
    "not json": (lambda lines: [*lines[:5], "{oops\n", *lines[6:]], "line 6: not JSON"),
    "not an export": (lambda lines: ['{"hello": 1}\n', *lines[1:]], "line 1: not an mlcatalog export"),
    "newer format": (lambda lines: _edit(lines, 0, formatVersion=99), "format version 99 is not supported"),
    "unknown aspect": (lambda lines: _edit(lines, 4, aspect="noSuchAspect"), "line 5: "),
    "value breaks the schema": (lambda lines: _edit(lines, 4, metadata={"description": 5}), "line 5: "),
    "bad urn": (lambda lines: _edit(lines, 2, urn="urn:li:mlModel:(broken"), "line 3: "),
    "out of order": (lambda lines: [lines[0], lines[2], lines[1], *lines[3:]], "line 3: rows must be in (urn, aspect, version)"),
    "duplicate row": (lambda lines: [*lines[:3], lines[2], *lines[3:-1], '{"end":"mlcatalog-export","rows":18}\n'], "no repeats"),
    "table count mismatch": (lambda lines: [*lines[:18], *lines[19:]], "table rows but holds"),
    "unknown table": (lambda lines: _edit(lines, 18, table="accessToken"), "line 19: unknown table section 'accessToken'"),
    "table rows out of order": (
        lambda lines: [*lines[:18], lines[19], lines[18], *lines[20:]],
        "line 20: timeseries rows must be in key order",
    ),
    "table row of the wrong type": (
        lambda lines: _edit_row(lines, 18, timestamp_ms="yesterday"),
        "line 19: timeseries.timestamp_ms: expected int",
    ),
    "table row missing a column": (
        lambda lines: _edit_row(lines, 18, drop="metadata"),
        "line 19: timeseries: expected the columns",
    ),
    "sections out of order": (
        lambda lines: [*lines[:18], lines[-2], *lines[18:-2], lines[-1]],
        "line 20: table section 'timeseries' after 'promotionRule'",
    ),
    "aspect row after a table": (
        lambda lines: [*lines[:2], *lines[3:19], lines[2], *lines[19:]],
        "line 19: an aspect row after the table sections",
    ),
}


def _edit_row(lines: list[str], index: int, drop: str | None = None, **changes: object) -> list[str]:
    item = json.loads(lines[index])
    item["row"].update(changes)
    item["row"].pop(drop, None)
    return [*lines[:index], json.dumps(item) + "\n", *lines[index + 1 :]]


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_refused_naming_the_line_and_nothing_is_imported(
    target: SqlStore, good_export: list[str], case: str
) -> None:
    spoil, message = BAD_FILES[case]
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        _load(target, spoil(good_export))
    assert target.count_aspects() == 0


def test_a_version_1_file_without_table_sections_still_imports(target: SqlStore, good_export: list[str]) -> None:
    header = json.loads(good_export[0]) | {"formatVersion": 1}
    aspects = [line for line in good_export[1:-1] if '"table"' not in line[:10]]
    _load(target, [json.dumps(header) + "\n", *aspects, '{"end":"mlcatalog-export","rows":17}\n'])
    assert target.count_aspects() == 17


def test_import_into_a_catalog_that_has_data_is_refused(target: SqlStore, good_export: list[str]) -> None:
    _load(target, good_export)
    with pytest.raises(CatalogNotEmpty, match="already holds 17 aspect rows"):
        _load(target, good_export)
    assert target.count_aspects() == 17


def test_the_cli_reports_a_refusal_and_exits_non_zero(tmp_path: Path, good_export: list[str]) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text("".join(good_export[:-1]), encoding="utf-8")
    database = f"sqlite:///{tmp_path / 'target.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "mlcatalog", "import", str(broken), "--database", database],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "without its end marker" in result.stderr and "nothing was imported" in result.stderr
