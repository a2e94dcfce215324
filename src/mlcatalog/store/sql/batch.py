"""Write batching for one transaction: the rows a batch reads, loaded in one round trip, and the
rows it writes, sent as one executemany per table.

A proposal batch used to cost five to seven small statements per aspect (latest row, highest
version, key aspect, insert, change log, run tracking, edges); the statement overhead, not the
work, dominated ingest. ``LatestRows`` answers those reads from memory for URNs loaded up front;
``PendingRows`` holds inserts and updates until ``flush``, which the transaction calls before any
statement that could observe them and before commit, so nothing outside sees a difference.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Dialect, Table, bindparam, delete, func, select, update

from mlcatalog.store.base import AspectRecord, ChangeRecord, Edge, RunAspect
from mlcatalog.store.sql import tables
from mlcatalog.store.sql.codec import aspect_record, datetime_to_ms, dumps, ms_to_datetime

_A, _E, _R = tables.aspects, tables.edges, tables.run_aspects
_CHUNK = 500  # URNs per IN list: far below every backend's bound-parameter limit
_URNS = bindparam("urns", expanding=True)
_LOAD_LATEST = select(_A).where(_A.c.urn.in_(_URNS), _A.c.version == 0)
_LOAD_MAX = select(_A.c.urn, _A.c.aspect, func.max(_A.c.version)).where(_A.c.urn.in_(_URNS)).group_by(_A.c.urn, _A.c.aspect)
_LOAD_RUNS = select(_R.c.urn, _R.c.aspect).where(_R.c.run_id == bindparam("k_run"), _R.c.urn.in_(_URNS))
_IS_KEY = (_A.c.urn == bindparam("k_urn"), _A.c.aspect == bindparam("k_aspect"), _A.c.version == 0)
_UPDATE_LATEST = update(_A).where(*_IS_KEY)
_DROP_EDGES = delete(_E).where(_E.c.source_urn == bindparam("k_urn"), _E.c.aspect == bindparam("k_aspect"))
_UNMARK_REMOVED = delete(tables.graph_removed).where(tables.graph_removed.c.urn == bindparam("k_urn"))
_RUN_KEY = (_R.c.run_id == bindparam("k_run"), _R.c.urn == bindparam("k_urn"), _R.c.aspect == bindparam("k_aspect"))
_TOUCH_RUN = update(_R).where(*_RUN_KEY).values(last_on=bindparam("k_last_on"), rolled_back_on=None)

AspectKey = tuple[str, str]


def insert_many(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """``INSERT`` many rows (same keys) straight through the driver's executemany: SQLAlchemy's generic
    per-row parameter handling cost more CPU than the database spent inserting. Column types that
    need converting (datetimes on SQLite) still go through the dialect's own bind processors, in
    place and once per distinct value (a batch's rows mostly share one timestamp)."""
    if not rows:
        return
    key = (type(conn.dialect), table, tuple(rows[0]))
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = _insert_plan(conn.dialect, table, key[2])
    sql, processors = plan
    for column, process in processors:
        converted: dict[Any, Any] = {}
        for row in rows:
            value = row[column]
            if value not in converted:
                converted[value] = process(value)
            row[column] = converted[value]
    conn.exec_driver_sql(sql, rows)


_PLANS: dict[tuple[type, Table, tuple[str, ...]], tuple[str, list[tuple[str, Any]]]] = {}  # per dialect class


def _insert_plan(dialect: Dialect, table: Table, columns: tuple[str, ...]) -> tuple[str, list[tuple[str, Any]]]:
    """The INSERT with named placeholders (both drivers take a dict per row) and the columns' bind processors."""
    quote = dialect.identifier_preparer.quote
    marker = ":{}" if dialect.name == "sqlite" else "%({})s"
    names = ", ".join(quote(column) for column in columns)
    sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join(marker.format(c) for c in columns)})"
    processors = [
        (name, process) for name in columns if (process := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    ]
    return sql, processors


def chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def stored_ms(ms: int) -> int:
    """``ms`` as it reads back from the datetime column, so cached rows equal re-read ones."""
    return datetime_to_ms(ms_to_datetime(ms))


class LatestRows:
    """Latest aspect rows and highest version numbers of the URNs loaded so far (all their aspects)."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, AspectRecord]] = {}
        self.top: dict[AspectKey, int] = {}  # highest stored version; absent means none stored

    def loaded(self, urn: str) -> bool:
        return urn in self.rows

    def load(self, conn: Connection, urns: Iterable[str], lock: bool) -> None:
        """Read every latest row (and highest version) of ``urns`` not loaded yet; ``lock`` takes row locks."""
        wanted = sorted({urn for urn in urns if urn not in self.rows})
        latest = _LOAD_LATEST.with_for_update() if lock else _LOAD_LATEST
        for part in chunks(wanted):
            for urn in part:
                self.rows[urn] = {}
            for row in conn.execute(latest, {"urns": part}):
                self.rows[row.urn][row.aspect] = aspect_record(row)
            for urn, aspect, top in conn.execute(_LOAD_MAX, {"urns": part}):
                self.top[(urn, aspect)] = top

    def get(self, urn: str, aspect: str) -> AspectRecord | None:
        return self.rows[urn].get(aspect)

    def max_version(self, urn: str, aspect: str) -> int:
        return self.top.get((urn, aspect), 0)

    def wrote(self, record: AspectRecord) -> None:
        if record.urn not in self.rows:
            return
        key = (record.urn, record.aspect)
        self.top[key] = max(self.top.get(key, 0), record.version)
        if record.version == 0:
            created_on = stored_ms(record.created_on)
            if created_on != record.created_on:
                record = AspectRecord(**{**record.__dict__, "created_on": created_on})
            self.rows[record.urn][record.aspect] = record

    def wrote_metadata(self, urn: str, aspect: str, system_metadata: dict[str, Any] | None) -> None:
        current = self.rows.get(urn, {}).get(aspect)
        if current is not None:
            self.rows[urn][aspect] = AspectRecord(**{**current.__dict__, "system_metadata": system_metadata})

    def deleted(self, urn: str, aspect: str | None = None) -> None:
        """All versions of one aspect (or of every aspect of ``urn``) are gone."""
        if urn not in self.rows:
            return
        for name in [aspect] if aspect is not None else list(self.rows[urn]):
            self.rows[urn].pop(name, None)
            self.top.pop((urn, name), None)
        if aspect is None:
            for key in [k for k in self.top if k[0] == urn]:
                del self.top[key]

    def pruned(self, urn: str, aspect: str, up_to: int) -> None:
        """Archived versions 1..up_to are gone: the highest survives unless it was among them."""
        key = (urn, aspect)
        if key in self.top and self.top[key] <= up_to:
            self.top[key] = 0


class PendingRows:
    """Inserts and updates held until ``flush``; later writes to the same row replace earlier ones."""

    def __init__(self) -> None:
        self.inserts: dict[tuple[str, str, int], dict[str, Any]] = {}
        self.updates: dict[AspectKey, dict[str, Any]] = {}  # whole latest row
        self.metadata: dict[AspectKey, dict[str, Any]] = {}  # systemMetadata only
        self.changes: list[dict[str, Any]] = []
        self.edge_drops: dict[AspectKey, None] = {}
        self.edges: dict[AspectKey, list[dict[str, Any]]] = {}
        self.removed: dict[str, bool] = {}  # soft-delete marks, urn -> removed
        self.run_inserts: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.run_touches: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.runs_known: dict[str, set[AspectKey]] = {}  # per run: (urn, aspect) rows stored or pending
        self.runs_checked: dict[str, set[str]] = {}  # per run: URNs whose rows were read
        self._json: dict[int, tuple[Any, str | None]] = {}

    def __bool__(self) -> bool:
        held = (self.inserts, self.updates, self.metadata, self.changes, self.edge_drops, self.edges, self.removed)
        return any(held) or bool(self.run_inserts or self.run_touches)

    def dumps(self, value: Any) -> str | None:
        """JSON text of ``value``, once per object (an aspect value goes to its row and to the change log)."""
        if value is None:
            return None
        found = self._json.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        text = dumps(value)
        self._json[id(value)] = (value, text)  # keeps value alive, so its id is not reused
        return text

    def aspect_row(self, record: AspectRecord) -> dict[str, Any]:
        return {
            "urn": record.urn,
            "aspect": record.aspect,
            "version": record.version,
            "metadata": self.dumps(record.value),
            "systemmetadata": self.dumps(record.system_metadata),
            "createdon": ms_to_datetime(record.created_on),
            "createdby": record.created_by,
        }

    def insert(self, record: AspectRecord) -> None:
        self.inserts[(record.urn, record.aspect, record.version)] = self.aspect_row(record)

    def update(self, record: AspectRecord) -> None:
        row = self.aspect_row(record)
        pending = self.inserts.get((record.urn, record.aspect, 0))
        if pending is not None:
            pending.update(row)
            return
        key = (record.urn, record.aspect)
        self.metadata.pop(key, None)
        del row["urn"], row["aspect"], row["version"]
        self.updates[key] = {"k_urn": record.urn, "k_aspect": record.aspect, **row}

    def update_metadata(self, urn: str, aspect: str, system_metadata: dict[str, Any] | None) -> None:
        text = self.dumps(system_metadata)
        key = (urn, aspect)
        pending = self.inserts.get((urn, aspect, 0)) or self.updates.get(key)
        if pending is not None:
            pending["systemmetadata"] = text
        else:
            self.metadata[key] = {"k_urn": urn, "k_aspect": aspect, "systemmetadata": text}

    def change(self, change: ChangeRecord) -> None:
        self.changes.append(
            {
                "urn": change.urn,
                "entity_type": change.entity_type,
                "aspect": change.aspect,
                "change_type": change.change_type,
                "version": change.version,
                "created_on": change.created_on,
                "actor": change.actor,
                "metadata": self.dumps(change.value),
                "previous_metadata": self.dumps(change.previous_value),
                "systemmetadata": self.dumps(change.system_metadata),
            }
        )

    def replace_edges(self, urn: str, aspect: str, edges: list[dict[str, Any]], drop_stored: bool) -> None:
        key = (urn, aspect)
        if drop_stored:
            self.edge_drops[key] = None
        if edges:
            self.edges[key] = edges
        else:
            self.edges.pop(key, None)

    def track_run(self, conn: Connection, run: RunAspect, loaded: Iterable[str]) -> None:
        """The first write of a run to an aspect keeps the value from before the run; later ones move ``last_on``."""
        key = (run.run_id, run.urn, run.aspect)
        pending = self.run_inserts.get(key)
        if pending is not None:
            pending["last_on"] = run.last_on
            return
        if (run.urn, run.aspect) in self._stored_runs(conn, run.run_id, run.urn, loaded):
            self.run_touches[key] = {"k_run": run.run_id, "k_urn": run.urn, "k_aspect": run.aspect, "k_last_on": run.last_on}
            return
        self.runs_known[run.run_id].add((run.urn, run.aspect))
        self.run_inserts[key] = {
            "run_id": run.run_id,
            "urn": run.urn,
            "aspect": run.aspect,
            "previous_metadata": self.dumps(run.previous_value),
            "previous_systemmetadata": self.dumps(run.previous_system_metadata),
            "created_entity": run.created_entity,
            "first_on": run.first_on,
            "last_on": run.last_on,
        }

    def _stored_runs(self, conn: Connection, run_id: str, urn: str, loaded: Iterable[str]) -> set[AspectKey]:
        """(urn, aspect) rows of ``run_id``, read once for every URN the batch loaded."""
        known = self.runs_known.setdefault(run_id, set())
        checked = self.runs_checked.setdefault(run_id, set())
        if urn not in checked:
            wanted = sorted({urn, *loaded} - checked)
            query = _LOAD_RUNS.with_for_update() if conn.dialect.name != "sqlite" else _LOAD_RUNS
            for part in chunks(wanted):
                known.update((row.urn, row.aspect) for row in conn.execute(query, {"k_run": run_id, "urns": part}))
            checked.update(wanted)
        return known

    def flush(self, conn: Connection) -> None:
        """Send everything held, one executemany per statement, in an order that keeps the batch's meaning."""
        insert_many(conn, _A, list(self.inserts.values()))
        for statement, params in [
            (_UPDATE_LATEST, list(self.updates.values())),
            (_UPDATE_LATEST, list(self.metadata.values())),
            (_DROP_EDGES, [{"k_urn": urn, "k_aspect": aspect} for urn, aspect in self.edge_drops]),
        ]:
            if params:
                conn.execute(statement, params)
        insert_many(conn, tables.change_log, self.changes)
        insert_many(conn, _E, [row for rows in self.edges.values() for row in rows])
        if self.removed:
            conn.execute(_UNMARK_REMOVED, [{"k_urn": urn} for urn in self.removed])
            insert_many(conn, tables.graph_removed, [{"urn": urn} for urn, removed in self.removed.items() if removed])
        insert_many(conn, _R, list(self.run_inserts.values()))
        if self.run_touches:
            conn.execute(_TOUCH_RUN, list(self.run_touches.values()))
        self.inserts, self.updates, self.metadata, self.changes = {}, {}, {}, []
        self.edge_drops, self.edges, self.run_inserts, self.run_touches, self.removed = {}, {}, {}, {}, {}


def edge_row(edge: Edge) -> dict[str, Any]:
    return {
        "source_urn": edge.source_urn,
        "aspect": edge.aspect,
        "relationship": edge.relationship,
        "destination_urn": edge.destination_urn,
        "is_lineage": edge.is_lineage,
        "is_upstream": edge.is_upstream,
        "created_on": edge.created_on,
        "created_actor": edge.created_actor,
        "via": edge.via,
        "properties": dumps(edge.properties),
        "upstream_urn": lineage_end(edge, upstream=True),
        "downstream_urn": lineage_end(edge, upstream=False),
    }


def lineage_end(edge: Edge, upstream: bool) -> str | None:
    """The upstream (or downstream) end of a lineage edge; None for other edges."""
    if not edge.is_lineage:
        return None
    return edge.destination_urn if edge.is_upstream == upstream else edge.source_urn
