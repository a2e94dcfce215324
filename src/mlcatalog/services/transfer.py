"""Moving a whole catalog between backends: ``export`` to a JSON-lines file, ``import`` from one.

The file holds every aspect version as ``metadata_aspect_v2`` has it (value, systemMetadata,
createdon, createdby), then the rest of the catalog's content table by table (timeseries points,
ingestion-run records for rollback, promotion rules: see store/sql/transfer_tables.py), one JSON
object a line between a header and a trailer that counts the rows, so a truncated file is refused.
Rows come in key code-point order; the importer checks that order, which also rules out
duplicates without holding keys in memory.

Import checks the whole file before writing anything, into an empty catalog only, then loads
it in batches and rebuilds the derived indexes (relationship graph, search, ...) through the
same seam the ingest service uses (services/derived.py), as of each aspect's own write. Only
``aspect_changed`` is replayed, never ``batch_finished``: the file already holds the side
effects (isLatest flags, ...) those produced. The change log, access tokens and webhooks are not
carried: they are one installation's operations state, not the catalog's content.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from mlcatalog import __version__
from mlcatalog.errors import CatalogError, InvalidInput
from mlcatalog.registry.entities import EntityRegistry
from mlcatalog.services.derived import AspectChange, DerivedIndex, default_indexes
from mlcatalog.store.base import AspectRecord, WriteTransaction
from mlcatalog.store.sql import transfer_tables
from mlcatalog.store.sql.store import SqlStore
from mlcatalog.store.sql.transfer_tables import SECTIONS

FORMAT = "mlcatalog-export"
FORMAT_VERSION = 2  # 2 added the table sections; version 1 files (aspects only) still import
READABLE_VERSIONS = (1, 2)
BATCH_ROWS = 2000


class CatalogNotEmpty(CatalogError):
    status = 409


@dataclass(frozen=True)
class TransferSummary:
    rows: int  # aspect versions
    entities: int
    tables: dict[str, int]  # rows per table section


@contextmanager
def open_text(path: Path, mode: str) -> Iterator[IO[str]]:
    """A text file, gzip-compressed when the name ends in ``.gz``."""
    if path.suffix == ".gz":
        with gzip.open(path, mode + "t", encoding="utf-8") as handle:
            yield handle
    else:
        with path.open(mode, encoding="utf-8") as handle:
            yield handle


def export_catalog(store: SqlStore, out: IO[str], source: str) -> TransferSummary:
    """Write every aspect version of ``store``, then every row of each table section, to ``out``."""
    _write_line(out, {"format": FORMAT, "formatVersion": FORMAT_VERSION, "mlcatalog": __version__, "source": source,
                      "exportedAt": int(time.time() * 1000)})  # fmt: skip
    rows = entities = 0
    last_urn = None
    for record in store.scan_aspects():
        _write_line(out, _to_line(record))
        rows += 1
        if record.urn != last_urn:
            entities, last_urn = entities + 1, record.urn
    counts = dict.fromkeys(SECTIONS, 0)
    for section in SECTIONS:
        for row in transfer_tables.scan(store.db, section):
            _write_line(out, {"table": section, "row": row})
            counts[section] += 1
    _write_line(out, {"end": FORMAT, "rows": rows, "tables": counts})
    return TransferSummary(rows, entities, counts)


class Importer:
    """Loads an export file into an empty catalog; refuses a bad file before writing anything."""

    def __init__(self, store: SqlStore, registry: EntityRegistry, indexes: list[DerivedIndex] | None = None) -> None:
        self.store = store
        self.registry = registry
        self.indexes = default_indexes() if indexes is None else indexes

    def load(self, open_lines: Callable[[], Iterable[str]], progress: Callable[[int], None] | None = None) -> TransferSummary:
        """``open_lines`` is called twice: once to check every line, once to load them."""
        existing = self.store.count_aspects()
        if existing:
            raise CatalogNotEmpty(f"the target catalog already holds {existing} aspect rows; import into an empty database")
        for section in SECTIONS:
            if existing := transfer_tables.count(self.store.db, section):
                raise CatalogNotEmpty(f"the target catalog already holds {existing} {section} rows; import into an empty one")
        summary = self._check(open_lines())
        rows = 0
        for batch in _batches(self._records(open_lines())):
            self.store.transact(lambda tx, batch=batch: self._write(tx, batch), {r.urn for r in batch})  # type: ignore[misc]
            rows += len(batch)
            if progress:
                progress(rows)
        for section, table_rows in _table_batches(open_lines()):
            with self.store.db.write() as conn:
                transfer_tables.insert_rows(conn, section, table_rows)
        with self.store.db.write() as conn:
            transfer_tables.after_import(conn)
        self.store.refresh_statistics()
        return summary

    def _check(self, lines: Iterable[str]) -> TransferSummary:
        rows = entities = 0
        previous: tuple[str, str, int] | None = None
        tables = _TableOrder()
        ended = False
        for number, line in enumerate(lines, start=1):
            item = _parse(line, number)
            if number == 1:
                _check_header(item)
                continue
            if ended:
                raise InvalidInput(f"line {number}: data after the end marker", field="file")
            if "end" in item:
                if item.get("rows") != rows:
                    raise InvalidInput(f"line {number}: the file says {item.get('rows')} rows but holds {rows}", "file")
                said = item.get("tables", dict.fromkeys(SECTIONS, 0))  # a version 1 file has aspect rows only
                if said != tables.counts:
                    raise InvalidInput(f"line {number}: the file says {said} table rows but holds {tables.counts}", "file")
                ended = True
                continue
            if "table" in item:
                tables.check(item, number)
                continue
            if any(tables.counts.values()):
                raise InvalidInput(f"line {number}: an aspect row after the table sections", field="file")
            record = self._record(item, number)
            key = (record.urn, record.aspect, record.version)
            if previous is not None and key <= previous:
                raise InvalidInput(
                    f"line {number}: rows must be in (urn, aspect, version) order with no repeats, as `mlcatalog export` "
                    f"writes them; {key} follows {previous}",
                    field="file",
                )
            entities += previous is None or previous[0] != record.urn
            rows, previous = rows + 1, key
        if not ended:
            raise InvalidInput("the file ends without its end marker: it is truncated or not an mlcatalog export", "file")
        return TransferSummary(rows, entities, tables.counts)

    def _records(self, lines: Iterable[str]) -> Iterator[AspectRecord]:
        for number, line in enumerate(lines, start=1):
            item = _parse(line, number)
            if number > 1 and "end" not in item and "table" not in item:
                yield self._record(item, number)

    def _record(self, item: dict[str, Any], number: int) -> AspectRecord:
        try:
            target = self.registry.parse_urn(item.get("urn"), "urn")  # type: ignore[arg-type]
            spec = self.registry.aspect_of(target.entity, item.get("aspect"))  # type: ignore[arg-type]
            version, created_on, created_by = item.get("version"), item.get("createdon"), item.get("createdby")
            if not isinstance(version, int) or version < 0:
                raise InvalidInput("version: expected a non-negative integer", field="version")
            if not isinstance(created_on, int) or not isinstance(created_by, str):
                raise InvalidInput("createdon/createdby: expected epoch milliseconds and an actor URN", field="createdon")
            value, system_metadata = item.get("metadata"), item.get("systemMetadata")
            if not isinstance(value, dict):
                raise InvalidInput("metadata: expected the aspect value as a JSON object", field="metadata")
            if system_metadata is not None and not isinstance(system_metadata, dict):
                raise InvalidInput("systemMetadata: expected an object or null", field="systemMetadata")
            spec.validate(value)
            if spec.name == target.entity.key_aspect and value != target.key_value:
                raise InvalidInput(f"{spec.name}: the key aspect does not match the URN", field=spec.name)
        except CatalogError as exc:
            raise InvalidInput(f"line {number}: {exc.message}", field=exc.field) from exc
        return AspectRecord(target.urn, spec.name, version, value, system_metadata, created_on, created_by)

    def _write(self, tx: WriteTransaction, batch: list[AspectRecord]) -> None:
        tx.insert_versions(batch)
        for record in batch:
            if record.version != 0:
                continue
            target = self.registry.parse_urn(record.urn)
            spec = self.registry.aspects[record.aspect]
            change = AspectChange(target, spec, record.value, None, record.created_on, record.created_by)
            for index in self.indexes:
                index.aspect_changed(tx, change)


class _TableOrder:
    """Checks table-section lines: known sections, in SECTIONS order, rows in key order, well typed."""

    def __init__(self) -> None:
        self.counts = dict.fromkeys(SECTIONS, 0)
        self.section: str | None = None
        self.key: tuple[object, ...] | None = None

    def check(self, item: dict[str, Any], number: int) -> None:
        section = item.get("table")
        if section not in SECTIONS:
            raise InvalidInput(f"line {number}: unknown table section {section!r} (known: {', '.join(SECTIONS)})", "table")
        order = list(SECTIONS)
        if self.section is not None and order.index(section) < order.index(self.section):
            raise InvalidInput(f"line {number}: table section {section!r} after {self.section!r}", field="table")
        try:
            key = transfer_tables.check_row(section, item.get("row"))
        except CatalogError as exc:
            raise InvalidInput(f"line {number}: {exc.message}", field=exc.field) from exc
        if section == self.section and self.key is not None and key <= self.key:  # type: ignore[operator]
            raise InvalidInput(f"line {number}: {section} rows must be in key order with no repeats; {key} follows {self.key}",
                               field="file")  # fmt: skip
        self.section, self.key = section, key
        self.counts[section] += 1


def _table_batches(lines: Iterable[str]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    batch: list[dict[str, Any]] = []
    section = None
    for line in lines:
        item = json.loads(line)
        if "table" not in item:
            continue
        if batch and (item["table"] != section or len(batch) >= BATCH_ROWS):
            yield section, batch  # type: ignore[misc]
            batch = []
        section = item["table"]
        batch.append(item["row"])
    if batch:
        yield section, batch  # type: ignore[misc]


def _batches(records: Iterator[AspectRecord]) -> Iterator[list[AspectRecord]]:
    """About BATCH_ROWS rows each, never splitting one entity's rows (its indexes are rebuilt together)."""
    batch: list[AspectRecord] = []
    for record in records:
        if len(batch) >= BATCH_ROWS and record.urn != batch[-1].urn:
            yield batch
            batch = []
        batch.append(record)
    if batch:
        yield batch


def _to_line(record: AspectRecord) -> dict[str, Any]:
    return {
        "urn": record.urn,
        "aspect": record.aspect,
        "version": record.version,
        "metadata": record.value,
        "systemMetadata": record.system_metadata,
        "createdon": record.created_on,
        "createdby": record.created_by,
    }


def _write_line(out: IO[str], item: dict[str, Any]) -> None:
    out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":"), sort_keys=False))
    out.write("\n")


def _parse(line: str, number: int) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"line {number}: not JSON ({exc.msg})", field="file") from exc
    if not isinstance(item, dict):
        raise InvalidInput(f"line {number}: expected a JSON object", field="file")
    return item


def _check_header(item: dict[str, Any]) -> None:
    if item.get("format") != FORMAT:
        raise InvalidInput(f"line 1: not an mlcatalog export (expected format {FORMAT!r})", field="file")
    if item.get("formatVersion") not in READABLE_VERSIONS:
        raise InvalidInput(
            f"line 1: export format version {item.get('formatVersion')!r} is not supported (this reads "
            f"{', '.join(map(str, READABLE_VERSIONS))})",
            field="file",
        )
