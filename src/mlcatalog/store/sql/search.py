"""Search index SQL: writing documents and answering ranked, filtered, faceted queries.

Shared SQL over ``search_document``/``search_field``; the full-text part is dialect-specific:
SQLite uses the FTS5 table ``search_fts`` (bm25 with per-column weights), PostgreSQL the
generated ``tsv`` column (ts_rank with per-weight-class factors). Ranking is
``tier`` first (0 exact name, 1 every word matched, 2 some words matched), then the text score.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, bindparam, select, text

from mlcatalog.store.base import AspectRecord, Criterion, SearchDocument, SearchHit, SearchPage, SearchQuery, TextUnit
from mlcatalog.store.sql import tables
from mlcatalog.store.sql.batch import insert_many
from mlcatalog.store.sql.codec import aspect_record

_A = tables.aspects
# Relative weight of the three text bands: names, descriptions, everything else (tags, properties).
SQLITE_WEIGHTS = "10.0, 2.0, 0.5"
PG_WEIGHTS = "'{0.02, 0.1, 0.4, 1.0}'"  # D, C, B, A
ENTITY_TYPE_FIELDS = {"_entityType", "entityType", "_index"}
NUMERIC_CONDITIONS = {
    "GREATER_THAN": ">",
    "GREATER_THAN_OR_EQUAL_TO": ">=",
    "LESS_THAN": "<",
    "LESS_THAN_OR_EQUAL_TO": "<=",
}


# --- writes (called inside the ingest transaction) ---


_URNS = bindparam("urns", expanding=True)
_DELETE_FTS = text("DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_document WHERE urn IN :urns)").bindparams(_URNS)
_DELETE_DOCUMENTS = text("DELETE FROM search_document WHERE urn IN :urns").bindparams(_URNS)
_DELETE_FIELDS = text("DELETE FROM search_field WHERE urn IN :urns").bindparams(_URNS)
# The FTS row copies the texts just stored, keyed by the document's id.
_INSERT_FTS = text(
    "INSERT INTO search_fts (rowid, name, description, other)"
    " SELECT id, name_text, desc_text, other_text FROM search_document WHERE urn IN :urns"
).bindparams(_URNS)
_CHUNK = 500  # URNs per IN list


def delete_document(conn: Connection, urn: str, is_sqlite: bool) -> None:
    delete_documents(conn, [urn], is_sqlite)


def put_document(conn: Connection, doc: SearchDocument, is_sqlite: bool) -> None:
    put_documents(conn, [doc], is_sqlite)


def delete_documents(conn: Connection, urns: list[str], is_sqlite: bool) -> None:
    for start in range(0, len(urns), _CHUNK):
        part = {"urns": urns[start : start + _CHUNK]}
        if is_sqlite:
            conn.execute(_DELETE_FTS, part)
        conn.execute(_DELETE_DOCUMENTS, part)
        conn.execute(_DELETE_FIELDS, part)


def put_documents(conn: Connection, docs: list[SearchDocument], is_sqlite: bool) -> None:
    """Replace the documents of ``docs`` (one per URN): a handful of statements for the whole batch."""
    for start in range(0, len(docs), _CHUNK):
        part = docs[start : start + _CHUNK]
        urns = [doc.urn for doc in part]
        delete_documents(conn, urns, is_sqlite)
        insert_many(conn, tables.search_document, [_document_values(doc) for doc in part])
        if is_sqlite:
            conn.execute(_INSERT_FTS, {"urns": urns})
        insert_many(conn, tables.search_field, [row for doc in part for row in _field_rows(doc)])


def _document_values(doc: SearchDocument) -> dict[str, Any]:
    return {
        "urn": doc.urn,
        "entity_type": doc.entity_type,
        "name": doc.name,
        "name_lc": (doc.name or "").lower()[:1000],
        "removed": doc.removed,
        "last_modified": doc.last_modified,
        "name_text": doc.name_text,
        "desc_text": doc.desc_text,
        "other_text": doc.other_text,
    }


def _field_rows(doc: SearchDocument) -> list[dict[str, Any]]:
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for item in doc.fields:
        value = item.value[:1000]
        key = (item.field, value.lower())
        if key not in rows:
            rows[key] = {"urn": doc.urn, "field": item.field, "value_lc": key[1], "value": value, "num": item.num}
    return list(rows.values())


def clear_index(conn: Connection, is_sqlite: bool) -> None:
    conn.execute(text("DELETE FROM search_field"))
    conn.execute(text("DELETE FROM search_document"))
    if is_sqlite:
        conn.execute(text("DELETE FROM search_fts"))


def latest_aspects_of(conn: Connection, urn: str) -> dict[str, AspectRecord]:
    rows = conn.execute(select(_A).where(_A.c.urn == urn, _A.c.version == 0)).all()
    return {row.aspect: aspect_record(row) for row in rows}


def iter_entities(conn: Connection) -> Iterator[tuple[str, dict[str, AspectRecord]]]:
    """Every stored entity with its latest aspects, in URN order (for a rebuild)."""
    rows = conn.execute(select(_A).where(_A.c.version == 0).order_by(_A.c.urn))
    urn, found = None, {}
    for row in rows:
        if row.urn != urn:
            if urn is not None:
                yield urn, found
            urn, found = row.urn, {}
        found[row.aspect] = aspect_record(row)
    if urn is not None:
        yield urn, found


# --- reads ---


class _Params:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def __call__(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f":{name}"


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts5_unit(unit: TextUnit) -> str:
    quoted = " ".join(unit.tokens)
    if unit.phrase or len(unit.tokens) > 1:
        return f'"{quoted}"'
    return f'("{quoted}" OR "{quoted}"*)'


def _tsquery_unit(unit: TextUnit) -> str:
    if unit.phrase or len(unit.tokens) > 1:
        return "(" + " <-> ".join(unit.tokens) + ")"
    word = unit.tokens[0]
    return f"({word} | {word}:*)"


class SearchSql:
    """Builds and runs one query's SQL for a dialect.

    ``mode`` selects which text matches count: ``any`` (some word), ``all`` (every word) or ``some``
    (some but not every word). Relevance pages are read ``all`` first, then ``some``, so the large
    some-words set is only ranked when a page reaches past the every-word matches.
    """

    def __init__(self, query: SearchQuery, is_sqlite: bool, mode: str = "any") -> None:
        self.q = query
        self.is_sqlite = is_sqlite
        self.mode = mode
        self.p = _Params()
        self.from_sql, self.score_sql, self.tier_sql = self._text_parts()
        self.where_sql = " AND ".join(self._where())

    def _text_parts(self) -> tuple[str, str, str]:
        units = self.q.units
        if not units:
            return "search_document d", "0", "0"
        join = _fts5_unit if self.is_sqlite else _tsquery_unit
        any_q = (" OR " if self.is_sqlite else " | ").join(join(u) for u in units)
        all_q = (" AND " if self.is_sqlite else " & ").join(join(u) for u in units)
        match = self.p(all_q if self.mode == "all" else any_q)
        exact = self.p(self.q.exact or "")
        exact_sql = f"d.urn IN (SELECT x.urn FROM search_field x WHERE x.field = '_exactName' AND x.value_lc = {exact})"
        if self.is_sqlite:
            # CROSS JOIN fixes the order: SQLite's planner otherwise walks the documents outside and
            # re-runs the full-text match once per document (400 ms instead of 1 ms at 1,000 rows).
            from_sql = f"search_fts CROSS JOIN search_document d ON d.id = search_fts.rowid AND search_fts MATCH {match}"
            score = f"bm25(search_fts, {SQLITE_WEIGHTS})"
            all_sql = f"search_fts.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH {self.p(all_q)})"
        else:
            from_sql = f"search_document d JOIN to_tsquery('english', {match}) tq ON d.tsv @@ tq"
            score = f"-ts_rank({PG_WEIGHTS}, d.tsv, tq, 1)"
            all_sql = f"d.tsv @@ to_tsquery('english', {self.p(all_q)})"
        if self.mode == "some":
            from_sql += f" AND NOT ({all_sql})"
            return from_sql, score, "2"
        if self.mode == "all" or len(units) == 1:
            return from_sql, score, f"CASE WHEN {exact_sql} THEN 0 ELSE 1 END"
        return from_sql, score, f"CASE WHEN {exact_sql} THEN 0 WHEN {all_sql} THEN 1 ELSE 2 END"

    def _where(self) -> list[str]:
        where = ["1 = 1"]
        if self.q.entity_types:
            where.append("d.entity_type IN (" + ", ".join(self.p(t) for t in self.q.entity_types) + ")")
        if not self.q.include_removed:
            where.append("d.removed = " + ("0" if self.is_sqlite else "false"))
        if self.q.filters:
            ors = [" AND ".join(self._criterion(c) for c in group) or "1 = 1" for group in self.q.filters]
            where.append("(" + " OR ".join(f"({o})" for o in ors) + ")")
        return where

    def _criterion(self, c: Criterion) -> str:
        sql = self._positive(c)
        return f"NOT ({sql})" if c.negated else sql

    def _positive(self, c: Criterion) -> str:
        values = [v.lower() for v in c.values]
        if c.field in ENTITY_TYPE_FIELDS:
            return "d.entity_type IN (" + ", ".join(self.p(v) for v in c.values) + ")" if c.values else "1 = 1"
        if c.field == "urn":
            if c.condition == "EXISTS" or not values:
                return "1 = 1"
            return "lower(d.urn) IN (" + ", ".join(self.p(v) for v in values) + ")"
        if c.field == "removed":
            wanted = [v == "true" for v in values] or [True]
            return "(" + " OR ".join(f"d.removed = {self.p(w)}" for w in wanted) + ")"
        fields = ", ".join(self.p(name) for name in c.field.split("|"))
        # Uncorrelated: the matching URNs are collected once, then probed per candidate row.
        return f"d.urn IN (SELECT f.urn FROM search_field f WHERE f.field IN ({fields}){self._value(c, values)})"

    def _value(self, c: Criterion, values: list[str]) -> str:
        if c.condition == "EXISTS" or not values:
            return ""
        if c.condition in NUMERIC_CONDITIONS:
            op = NUMERIC_CONDITIONS[c.condition]
            return f" AND f.num {op} {self.p(float(values[0]))}"
        patterns = {"CONTAIN": "%{}%", "START_WITH": "{}%", "END_WITH": "%{}"}.get(c.condition)
        if patterns is None:
            return " AND f.value_lc IN (" + ", ".join(self.p(v) for v in values) + ")"
        likes = [f"f.value_lc LIKE {self.p(patterns.format(_like_escape(v)))} ESCAPE '\\'" for v in values]
        return " AND (" + " OR ".join(likes) + ")"

    def _order(self) -> str:
        direction = "DESC" if self.q.descending else "ASC"
        if self.q.sort == "name":
            return f"d.name_lc {direction}, d.urn"
        if self.q.sort == "modified":
            return f"d.last_modified {'ASC' if not self.q.descending else 'DESC'}, d.urn"
        if self.q.units:
            return "tier, score, d.name_lc, d.urn"
        return "d.name_lc, d.urn"

    def rows(self, conn: Connection, start: int, count: int) -> list[SearchHit]:
        sql = (
            f"SELECT d.urn, d.entity_type, d.name, {self.tier_sql} AS tier, {self.score_sql} AS score "
            f"FROM {self.from_sql} WHERE {self.where_sql} ORDER BY {self._order()} "
            f"LIMIT {self.p(count)} OFFSET {self.p(start)}"
        )
        return [SearchHit(r.urn, r.entity_type, r.name) for r in conn.execute(text(sql), self.p.values).all()]

    def total(self, conn: Connection) -> int:
        sql = f"SELECT count(*) FROM {self.from_sql} WHERE {self.where_sql}"
        return int(conn.execute(text(sql), self.p.values).scalar() or 0)

    def facet(self, conn: Connection, field: str) -> list[tuple[str, int]]:
        limit = self.p(self.q.max_facet_values)
        if field in ENTITY_TYPE_FIELDS:
            sql = (
                f"SELECT d.entity_type AS value, count(*) AS n FROM {self.from_sql} WHERE {self.where_sql} "
                f"GROUP BY d.entity_type ORDER BY n DESC, value LIMIT {limit}"
            )
        else:
            sql = (
                f"SELECT min(f.value) AS value, count(*) AS n FROM search_field f WHERE f.field = {self.p(field)} "
                f"AND f.urn IN (SELECT d.urn FROM {self.from_sql} WHERE {self.where_sql}) "
                f"GROUP BY f.value_lc ORDER BY n DESC, value LIMIT {limit}"
            )
        return [(r.value, int(r.n)) for r in conn.execute(text(sql), self.p.values).all()]


def page(conn: Connection, query: SearchQuery, is_sqlite: bool) -> SearchPage:
    """One page of results: every-word matches first, then some-word matches, plus total and facets."""
    everything = SearchSql(query, is_sqlite)
    start, count = query.start, query.count
    if len(query.units) < 2 or query.sort != "relevance":
        hits = everything.rows(conn, start, count)
    else:
        first = SearchSql(query, is_sqlite, "all")
        hits = first.rows(conn, start, count)
        if len(hits) < count:
            all_total = start + len(hits) if hits or start == 0 else first.total(conn)
            rest = SearchSql(query, is_sqlite, "some")
            hits += rest.rows(conn, max(0, start - all_total), count - len(hits))
    total = everything.total(conn) if query.want_total else None
    facets = {name: SearchSql(query, is_sqlite).facet(conn, name) for name in query.facets}
    return SearchPage(total, hits, facets)


def autocomplete(conn: Connection, query: SearchQuery, prefix: str, limit: int, is_sqlite: bool) -> list[SearchHit]:
    """Names starting with ``prefix`` first (an index range scan), then names with words starting so."""
    base = SearchSql(SearchQuery(entity_types=query.entity_types, filters=query.filters), is_sqlite)
    p = base.p
    lowered = prefix.lower()
    if is_sqlite:
        upper = lowered[:-1] + chr(ord(lowered[-1]) + 1)
        starts = f"d.name_lc >= {p(lowered)} AND d.name_lc < {p(upper)}"
    else:
        starts = f"d.name_lc LIKE {p(_like_escape(lowered) + '%')}"
    sql = (
        f"SELECT d.urn, d.entity_type, d.name FROM search_document d WHERE {starts} AND {base.where_sql} "
        f"ORDER BY d.name_lc LIMIT {p(limit)}"
    )
    hits = [SearchHit(r.urn, r.entity_type, r.name) for r in conn.execute(text(sql), p.values).all()]
    if len(hits) >= limit or not query.units:
        return hits
    seen = {h.urn for h in hits}
    if is_sqlite:
        match = "{name} : (" + " AND ".join(f'"{" ".join(u.tokens)}"*' for u in query.units) + ")"
        words_from = f"search_fts JOIN search_document d ON d.id = search_fts.rowid AND search_fts MATCH {p(match)}"
    else:
        match = " & ".join(f"{' <-> '.join(u.tokens)}:*A" for u in query.units)
        words_from = f"search_document d WHERE d.tsv @@ to_tsquery('english', {p(match)}) AND 1 = 1"
    glue = "WHERE" if is_sqlite else "AND"
    sql = f"SELECT d.urn, d.entity_type, d.name FROM {words_from} {glue} {base.where_sql} LIMIT {p(limit * 5)}"
    more = [SearchHit(r.urn, r.entity_type, r.name) for r in conn.execute(text(sql), p.values).all() if r.urn not in seen]
    more.sort(key=lambda h: (len(h.name or ""), (h.name or "").lower()))
    return hits + more[: limit - len(hits)]


def browse_paths(conn: Connection, query: SearchQuery, prefix: str) -> list[tuple[str, int]]:
    """Counts of ``browsePathV2`` values under ``prefix`` among the query's matches."""
    base = SearchSql(query, conn.dialect.name == "sqlite")
    p = base.p
    sql = (
        f"SELECT f.value AS value, count(*) AS n FROM search_field f WHERE f.field = 'browsePathV2' "
        f"AND f.value LIKE {p(_like_escape(prefix) + '%')} ESCAPE '\\' "
        f"AND f.urn IN (SELECT d.urn FROM {base.from_sql} WHERE {base.where_sql}) GROUP BY f.value"
    )
    return [(r.value, int(r.n)) for r in conn.execute(text(sql), p.values).all()]
