"""Relevance pages as disjoint tiers read in order, stopping once the page is full.

Tiers: 0 the exact name; 1 every word in the name; 2 every word somewhere (1 and 2 are one tier for a
one-word query, ordered by the score, whose name weight puts name matches first); 3 every word but one
(queries of three words or more); 4 some words (so a word that matches nothing never empties the
result). Within a tier the text score orders (bm25 on SQLite, ts_rank on PostgreSQL): names over
descriptions over the rest.

A tier is ranked exactly when it has at most ``RANK_WINDOW`` matches. A larger tier (a common
word in a large catalog) is ranked over its first ``RANK_WINDOW`` matches in index order (SQLite's
rowid, PostgreSQL's document id), and the rest of it follows in that order: scoring every one of
100,000 matches of "churn" costs far more than the page it feeds, and among so many near-equal
matches the score barely discriminates.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from mlcatalog.store.base import SearchHit
from mlcatalog.store.sql.search_sql import PG_WEIGHTS, SQLITE_WEIGHTS, SearchSql

RANK_WINDOW = 200
PG_PROBE = 20 * RANK_WINDOW  # documents read in id order for a tier's window before its index is asked
# What a probe's conditions read: not the text bands (carrying them through costs as much as the match).
_PROBE_COLUMNS = "id, urn, entity_type, name_lc, removed, last_modified, tsv"


@dataclass
class _Tier:
    from_sql: str
    where_sql: str
    score_sql: str
    match: str | None = None  # the tier's whole FTS5 expression (SQLite)
    small: bool = False  # a handful of matches at most: no window probe (PostgreSQL)
    probe_sql: str = ""  # ``where_sql`` for reading documents one by one, when cheaper so (PostgreSQL)


def ranked(conn: Connection, sql: SearchSql, start: int, count: int) -> list[SearchHit]:
    """``count`` hits from ``start`` in tier order."""
    hits: list[SearchHit] = []
    skip = start
    for tier in _tiers(sql):
        if len(hits) >= count:
            break
        window = _window if sql.is_sqlite else _pg_window
        got, size = window(conn, sql, tier, skip, count - len(hits))
        hits += got
        skip = 0 if got else skip - size
    return hits


def _tiers(sql: SearchSql) -> list[_Tier]:
    return _sqlite_tiers(sql) if sql.is_sqlite else _pg_tiers(sql)


def _sqlite_tiers(sql: SearchSql) -> list[_Tier]:
    boost = len(sql.q.units) == 1  # the exact-word phrase is worth its scoring cost only for one word
    any_q, all_q, name_q = sql.any_text(boost), sql.all_text(boost), sql.name_text(boost)
    all_plain, name_plain, exact = sql.all_text(boost=False), sql.name_text(boost=False), sql.exact_token()
    exprs = [f"({exact}) AND ({any_q})"] if exact else []
    not_exact = f" NOT ({exact})" if exact else ""
    if len(sql.q.units) == 1:  # one word: bm25's name weight orders name matches first, no tier needed
        exprs.append(f"({any_q}){not_exact}")
    else:
        exprs += [f"({name_q}){not_exact}", f"(({all_q}) NOT ({name_plain})){not_exact}"]
    if len(sql.q.units) > 2:
        but_one = sql.all_but_one_text()
        exprs += [f"({but_one}) NOT ({all_plain})", f"({any_q}) NOT ({but_one})"]
    elif len(sql.q.units) == 2:
        exprs.append(f"({any_q}) NOT ({all_plain})")
    score = f"bm25(search_fts, {SQLITE_WEIGHTS})"
    tiers = []
    for expr in exprs:
        match = sql.fts(expr)
        tiers.append(_Tier(sql.from_fts(match), sql.where_sql, score, match))
    return tiers


def _pg_tiers(sql: SearchSql) -> list[_Tier]:
    """Each tier matches with prefixes alone (``_m``) and is scored with the whole words too (``_q``)."""
    p = sql.p
    any_q, all_q, name_q = sql.any_text(), sql.all_text(), sql.name_text()
    any_m, all_m, name_m = sql.any_text(boost=False), sql.all_text(boost=False), sql.name_text(boost=False)
    # An array, computed once: the planner then looks the few ids up instead of guessing their number.
    named = f"SELECT x.doc_id FROM search_field x WHERE x.field = '_exactName' AND x.value_lc = {p(sql.q.exact)}"
    exact = f"d.id = ANY(ARRAY({named}))"
    in_name = f"d.tsv @@ to_tsquery('english', {p(name_m)})"
    in_all = f"d.tsv @@ to_tsquery('english', {p(all_m)})"
    base = sql.where_sql
    tiers = [_pg_tier(sql, any_q, any_m, f"{base} AND {exact}", small=True)]
    if len(sql.q.units) == 1:
        tiers.append(_pg_tier(sql, any_q, any_m, f"{base} AND NOT ({exact})"))
    else:
        # The name band's own index (migration 0015), and the same test on tsv, which is cheaper row by row.
        by_name = f"to_tsvector('english', d.name_text) @@ to_tsquery('english', {p(all_m)}) AND {in_name}"
        tiers.append(_pg_tier(sql, name_q, name_m, f"{base} AND NOT ({exact})", by_name))
        tiers.append(_pg_tier(sql, all_q, all_m, f"{base} AND NOT ({exact}) AND NOT {in_name}"))
    if len(sql.q.units) > 2:
        but_one_q, but_one_m = sql.all_but_one_text(), sql.all_but_one_text(boost=False)
        in_but_one = f"d.tsv @@ to_tsquery('english', {p(but_one_m)})"
        tiers.append(_pg_tier(sql, but_one_q, but_one_m, f"{base} AND NOT {in_all}"))
        tiers.append(_pg_tier(sql, any_q, any_m, f"{base} AND NOT {in_but_one}"))
    elif len(sql.q.units) == 2:
        tiers.append(_pg_tier(sql, any_q, any_m, f"{base} AND NOT {in_all}"))
    return tiers


def _pg_tier(
    sql: SearchSql, score_q: str | None, match_q: str | None, where: str, indexed: str = "", small: bool = False
) -> _Tier:
    """The match is a plain condition on a constant tsquery (not a join with ``to_tsquery``), so the
    planner sees its selectivity. ``indexed`` stands for ``tsv @@ match_q`` where an equivalent
    condition has a better index: the name band's own (``tsv``'s GIN index keeps no weights, so
    ``word:A`` rechecks every document holding the word anywhere); row by row, ``tsv`` stays cheaper."""
    match = f"d.tsv @@ to_tsquery('english', {sql.p(match_q)})"
    score = f"-ts_rank({PG_WEIGHTS}, d.tsv, to_tsquery('english', {sql.p(score_q)}), 1)"
    return _Tier("search_document d", f"{indexed or match} AND {where}", score, small=small, probe_sql=f"{match} AND {where}")


def pg_custom_plans(conn: Connection) -> None:
    """Plan this transaction's statements for their actual values. psycopg prepares a statement run five
    times on a connection, and PostgreSQL may then switch to a generic plan, which cannot know how
    common the searched words are (seen: 65 ms instead of 3 for a word matching nothing)."""
    conn.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def _hit(row: object) -> SearchHit:
    return SearchHit(row.urn, row.entity_type, row.name)  # type: ignore[attr-defined]


def _count(conn: Connection, sql: SearchSql, tier: _Tier) -> int:
    query = f"SELECT count(*) FROM {tier.from_sql} WHERE {tier.where_sql}"
    return int(conn.execute(text(query), sql.p.values).scalar() or 0)


def _window(conn: Connection, sql: SearchSql, tier: _Tier, skip: int, want: int) -> tuple[list[SearchHit], int]:
    """The tier's first RANK_WINDOW matches in index order, ranked; beyond them, index order.

    The window is scored inside FTS5 alone when no SQL filter needs the documents; only the page's
    rows are joined to them.
    """
    p = sql.p
    if tier.where_sql == "1 = 1":
        source = f"search_fts WHERE search_fts MATCH {p(tier.match)}"
    else:
        source = f"{tier.from_sql} WHERE {tier.where_sql}"
    window = (
        f"SELECT search_fts.rowid AS rid, {tier.score_sql} AS score FROM {source} "
        f"ORDER BY search_fts.rowid LIMIT {p(RANK_WINDOW)}"
    )
    query = (
        f"SELECT d.urn, d.entity_type, d.name, w.n, w.last FROM (SELECT rid, score, count(*) OVER () AS n, "
        f"max(rid) OVER () AS last FROM ({window})) w JOIN search_document d ON d.id = w.rid "
        f"ORDER BY w.score, w.rid LIMIT {p(want)} OFFSET {p(skip)}"
    )
    rows = conn.execute(text(query), p.values).all()
    got = [_hit(r) for r in rows]
    if rows:
        size, last = rows[0].n, rows[0].last
    elif skip == 0:
        return [], 0  # nothing at all in this tier
    else:
        edge = conn.execute(text(f"SELECT count(*) AS n, max(rid) AS last FROM ({window})"), p.values).one()
        size, last = edge.n, edge.last
    if size < RANK_WINDOW:
        return got, size
    if skip + want > RANK_WINDOW:
        rest = (
            f"SELECT d.urn, d.entity_type, d.name FROM {tier.from_sql} WHERE {tier.where_sql} "
            f"AND search_fts.rowid > {p(last)} ORDER BY search_fts.rowid "
            f"LIMIT {p(want - len(got))} OFFSET {p(max(0, skip - RANK_WINDOW))}"
        )
        got += [_hit(r) for r in conn.execute(text(rest), p.values).all()]
    return got, (0 if got else _count(conn, sql, tier))


def _pg_window(conn: Connection, sql: SearchSql, tier: _Tier, skip: int, want: int) -> tuple[list[SearchHit], int]:
    """PostgreSQL: the tier's first RANK_WINDOW matches by document id, ranked; beyond them, id order.
    Only the window's rows are scored; ties fall to name and URN as in a fully ranked tier."""
    p = sql.p
    ids = _pg_window_ids(conn, sql, tier)
    if not ids:
        return [], 0
    size, last = len(ids), ids[-1]
    got: list[SearchHit] = []
    if skip < size:
        query = (
            f"SELECT d.urn, d.entity_type, d.name FROM search_document d WHERE d.id = ANY({p(ids)}) "
            f"ORDER BY {tier.score_sql}, d.name_lc, d.urn LIMIT {p(want)} OFFSET {p(skip)}"
        )
        got = [_hit(r) for r in conn.execute(text(query), p.values).all()]
    if size < RANK_WINDOW:
        return got, size
    if skip + want > RANK_WINDOW:
        rest = (
            f"SELECT d.urn, d.entity_type, d.name FROM {tier.from_sql} WHERE {tier.where_sql} AND d.id > {p(last)} "
            f"ORDER BY d.id LIMIT {p(want - len(got))} OFFSET {p(max(0, skip - RANK_WINDOW))}"
        )
        got += [_hit(r) for r in conn.execute(text(rest), p.values).all()]
    return got, (0 if got else _count(conn, sql, tier))


def _pg_window_ids(conn: Connection, sql: SearchSql, tier: _Tier) -> list[int]:
    """The ids of the tier's first RANK_WINDOW matches, ascending.

    First among the first PG_PROBE documents, read in id order: a common word fills the window after
    a few hundred rows, which beats collecting its 100,000 matches from the full-text index. Only when
    the window is not full there are the later matches collected from the index, as a set sorted
    afterwards (``d.id + 0``: left to itself, the planner may walk the id index for words it wrongly
    believes common, e.g. a word common among datasets in a search for models, reading every row).
    """
    p = sql.p
    ids: list[int] = []
    after = ""
    if not tier.small:
        head = f"SELECT {_PROBE_COLUMNS} FROM search_document ORDER BY id LIMIT {p(PG_PROBE)}"
        found = f"SELECT d.id FROM ({head}) d WHERE {tier.probe_sql} ORDER BY d.id LIMIT {p(RANK_WINDOW)}"
        edge = f"SELECT id FROM search_document ORDER BY id OFFSET {p(PG_PROBE - 1)} LIMIT 1"
        probe = conn.execute(text(f"SELECT ARRAY({found}) AS ids, ({edge}) AS edge"), p.values).one()  # one snapshot
        ids = sorted(probe.ids)
        if len(ids) == RANK_WINDOW:
            return ids
        if probe.edge is None:
            return ids  # the probe read every document
        after = f" AND d.id > {p(probe.edge)}"  # a value: the planner knows what lies beyond
    more = f"SELECT d.id FROM {tier.from_sql} WHERE {tier.where_sql}{after} ORDER BY d.id + 0 LIMIT {p(RANK_WINDOW - len(ids))}"
    return ids + list(conn.execute(text(more), p.values).scalars())
