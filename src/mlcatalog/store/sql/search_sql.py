"""SQL for one search query, per dialect: the match, the filters, the tiers, the order.

SQLite answers equality filters from the FTS5 index itself: every (field, value) of a document is
also written as one opaque token in the ``facets`` column (``facet_token``), so ``platform = x AND
tags = y AND NOT tags = z AND "churn"`` is a single FTS5 expression whose posting lists are merged
inside FTS5, instead of probing ``search_field`` per candidate row. Conditions a token cannot
express (CONTAIN, ranges, EXISTS, long values) are SQL that probes each candidate's own
``search_field`` rows by primary key: SQLite has no (field, value) index (0014_search_field_sqlite).
PostgreSQL keeps every filter in SQL (its planner hash-joins the ``search_field`` sets).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from mlcatalog.store.base import Criterion, SearchQuery, TextUnit

# Relative weight of the text bands: names, descriptions, everything else (tags, properties); facet tokens 0.
SQLITE_WEIGHTS = "10.0, 2.0, 0.5, 0.0"
PG_WEIGHTS = "'{0.02, 0.1, 0.4, 1.0}'"  # D, C, B, A
ENTITY_TYPE_FIELDS = {"_entityType", "entityType", "_index"}
EQUALITY_CONDITIONS = {"EQUAL", "IEQUAL", "IN", "DESCENDANTS_INCL", "ANCESTORS_INCL", "RELATED_INCL"}
NUMERIC_CONDITIONS = {
    "GREATER_THAN": ">",
    "GREATER_THAN_OR_EQUAL_TO": ">=",
    "LESS_THAN": "<",
    "LESS_THAN_OR_EQUAL_TO": "<=",
}
TOKEN_MAX = 200  # longer values (descriptions) get no token; equality on them goes through SQL


# Every facet token starts with these six letters: FTS5 writes a prefix-index entry of each length 2-6
# for every token, and facet tokens are never searched by prefix, so sharing one prefix folds a
# document's ~125 entries into 5 (0016_search_facet_prefix). ASCII, which FTS5 tokenizes fastest.
FACET_PREFIX = "qxqxqx"
TEXT_COLUMNS = "{name description other}"  # where free text is searched (a column filter costs per match)


@lru_cache(maxsize=65536)  # indexing asks for the same few values (platforms, tags, owners) all the time
def facet_token(field: str, value_lc: str) -> str | None:
    """The FTS5 token standing for ``field = value_lc`` (digits after letters, so no stemmer touches it)."""
    if len(value_lc) > TOKEN_MAX:
        return None
    digest = hashlib.blake2b(f"{field}\x00{value_lc}".encode(), digest_size=8).digest()
    return f"{FACET_PREFIX}{int.from_bytes(digest, 'big') >> 4}"


def document_tokens(entity_type: str, fields: list[tuple[str, str]]) -> str:
    """The ``facets`` column of a document: its entity type and every short (field, value) as tokens."""
    tokens = [facet_token("_entityType", entity_type.lower())]
    tokens += [facet_token(field, value_lc) for field, value_lc in fields]
    return " ".join(t for t in tokens if t)


class Params:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def __call__(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f":{name}"


def like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fts5_unit(unit: TextUnit, boost: bool = True) -> str:
    """A word matches as a prefix; ``boost`` adds the whole word again so bm25 favours it over longer words
    (only where the score is read: every extra phrase costs per scored row)."""
    quoted = " ".join(unit.tokens)
    if unit.phrase or len(unit.tokens) > 1:
        expr = f'"{quoted}"'
    elif boost:
        expr = f'("{quoted}" OR "{quoted}"*)'
    else:
        expr = f'"{quoted}"*'
    if FACET_PREFIX.startswith(quoted) or quoted.startswith(FACET_PREFIX):  # only these reach facet tokens
        return f"({TEXT_COLUMNS} : {expr})"
    return expr


def tsquery_unit(unit: TextUnit, weight: str = "", boost: bool = True) -> str:
    """As ``fts5_unit``. Without ``boost`` a word is its prefix alone: the same matches, and the planner,
    which takes ``w | w:*`` for two independent words, no longer sees most documents matching."""
    if unit.phrase or len(unit.tokens) > 1:
        return "(" + " <-> ".join(f"{t}:{weight}" if weight else t for t in unit.tokens) + ")"
    word = unit.tokens[0]
    if not boost:
        return f"{word}:*{weight}"
    return f"({word}{':' + weight if weight else ''} | {word}:*{weight})"


def _token_values(c: Criterion) -> list[str] | None:
    """Tokens for an equality criterion (any value, any aliased field; negated or not), or None when SQL
    must answer it."""
    if c.condition not in EQUALITY_CONDITIONS or not c.values or c.field == "urn":
        return None
    fields = ["_entityType"] if c.field in ENTITY_TYPE_FIELDS else c.field.split("|")
    tokens = [facet_token(f, v.lower()) for f in fields for v in c.values]
    return None if any(t is None for t in tokens) else [t for t in tokens if t]


def _or_tokens(tokens: list[str]) -> str:
    return "{facets} : (" + " OR ".join(f'"{t}"' for t in tokens) + ")"


class SearchSql:
    """The parts of one query's SQL: ``text`` (FTS5 / tsquery expressions), ``where_sql`` (SQL-only
    conditions) and, on SQLite, ``fts_filter`` (the equality filters as an FTS5 expression)."""

    def __init__(self, query: SearchQuery, is_sqlite: bool, tokens: bool = True) -> None:
        self.q = query
        self.is_sqlite = is_sqlite
        self.tokens = is_sqlite and tokens  # False: every filter in SQL (queries driven by a SQL index)
        self.p = Params()
        self.fts_filter: str | None = None
        self.where_sql = " AND ".join(self._where())

    # --- text expressions ---

    def any_text(self, boost: bool = True) -> str | None:
        if not self.q.units:
            return None
        if self.is_sqlite:
            return " OR ".join(fts5_unit(u, boost) for u in self.q.units)
        return " | ".join(tsquery_unit(u, boost=boost) for u in self.q.units)

    def all_text(self, boost: bool = True) -> str | None:
        if not self.q.units:
            return None
        if self.is_sqlite:
            return " AND ".join(fts5_unit(u, boost) for u in self.q.units)
        return " & ".join(tsquery_unit(u, boost=boost) for u in self.q.units)

    def all_but_one_text(self, boost: bool = True) -> str:
        """Every word but (any) one: the matches a single missing or mistyped word would otherwise demote.
        (SQLite never reads its score: its words are never boosted.)"""
        if self.is_sqlite:
            units, glue, either = [fts5_unit(u, False) for u in self.q.units], " AND ", " OR "
        else:
            units, glue, either = [tsquery_unit(u, boost=boost) for u in self.q.units], " & ", " | "
        return either.join("(" + glue.join(units[:i] + units[i + 1 :]) + ")" for i in range(len(units)))

    def name_text(self, boost: bool = True) -> str | None:
        """Every word in the name band."""
        if not self.q.units:
            return None
        if self.is_sqlite:
            return "{name} : (" + self.all_text(boost) + ")"  # type: ignore[operator]
        return " & ".join(tsquery_unit(u, "A", boost) for u in self.q.units)

    def exact_token(self) -> str | None:
        token = facet_token("_exactName", self.q.exact) if self.q.exact else None
        return f'{{facets}} : "{token}"' if token else None

    def fts(self, text_expr: str | None) -> str | None:
        """A full SQLite match: the text, AND the token filters, NOT the soft-deleted; None when nothing
        positive is left to match (then SQL scans the documents)."""
        positive = [f"({e})" for e in (text_expr, self.fts_filter) if e]
        if not positive:
            return None
        expr = " AND ".join(positive)
        if not self.q.include_removed:
            expr = f'({expr}) NOT {{facets}} : "{facet_token("removed", "true")}"'
        return expr

    def from_fts(self, expr: str | None) -> str:
        if expr is None:
            return "search_document d"
        # CROSS JOIN fixes the order: SQLite's planner otherwise walks the documents outside and
        # re-runs the full-text match once per document.
        return f"search_fts CROSS JOIN search_document d ON d.id = search_fts.rowid AND search_fts MATCH {self.p(expr)}"

    def from_pg(self, tsquery: str | None) -> str:
        if tsquery is None:
            return "search_document d"
        return f"search_document d JOIN to_tsquery('english', {self.p(tsquery)}) tq ON d.tsv @@ tq"

    def from_any(self) -> str:
        """Every match of the query (some word, filters applied by ``where_sql``)."""
        if self.is_sqlite:
            return self.from_fts(self.fts(self.any_text()))
        return self.from_pg(self.any_text(boost=False))  # no score read

    # --- filters ---

    def _where(self) -> list[str]:
        where = ["1 = 1"]
        sql_filters = self.q.filters
        if self.tokens:
            sql_filters = self._token_filters()
        elif self.q.entity_types:
            where.append("d.entity_type IN (" + ", ".join(self.p(t) for t in self.q.entity_types) + ")")
        if not self.q.include_removed and (not self.tokens or self.fts(self.any_text()) is None):
            where.append("d.removed = " + ("0" if self.is_sqlite else "false"))
        if sql_filters:
            ors = [" AND ".join(self._criterion(c) for c in group) or "1 = 1" for group in sql_filters]
            where.append("(" + " OR ".join(f"({o})" for o in ors) + ")")
        return where

    def _token_filters(self) -> tuple[tuple[Criterion, ...], ...]:
        """Moves entity types and equality filters into ``fts_filter``; returns the filters left for SQL.
        With one AND group, its equality criteria become tokens and the rest stay SQL; an OR of groups
        becomes tokens only when every criterion of every group can."""
        parts = []
        if self.q.entity_types:
            parts.append(_or_tokens([facet_token("_entityType", t.lower()) or "" for t in self.q.entity_types]))
        left = self.q.filters
        if len(left) == 1:
            tokenized = [c for c in left[0] if _token_values(c) is not None]
            if tokenized:
                parts.append(self._group_expr(tokenized))
                rest = tuple(c for c in left[0] if _token_values(c) is None)
                left = (rest,) if rest else ()
        elif left and all(_token_values(c) is not None for group in left for c in group):
            parts.append(" OR ".join(f"({self._group_expr(list(group))})" for group in left))
            left = ()
        self.fts_filter = " AND ".join(f"({p})" for p in parts) or None
        return left

    def _group_expr(self, group: list[Criterion]) -> str:
        """One AND group as FTS5: its positive criteria ANDed, then each negated one taken away (FTS5's
        NOT needs something to subtract from: every document, when the group has no positive part)."""
        positive = [f"({_or_tokens(_token_values(c) or [])})" for c in group if not c.negated]
        expr = " AND ".join(positive) or self._every_document()
        for c in group:
            if c.negated:
                expr = f"({expr}) NOT ({_or_tokens(_token_values(c) or [])})"
        return expr

    def _every_document(self) -> str:
        """Every document has exactly one ``removed`` token."""
        removed = [facet_token("removed", "false") or ""]
        if self.q.include_removed:
            removed.append(facet_token("removed", "true") or "")
        return _or_tokens(removed)

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
        rows = f"search_field f WHERE f.field IN ({fields}){self._value(c, values)}"
        if self.is_sqlite:  # each candidate's own rows, by primary key (SQLite has no (field, value) index)
            return f"EXISTS (SELECT 1 FROM {rows} AND f.doc_id = d.id)"
        # Uncorrelated: the matching documents are collected once, then probed per candidate row.
        return f"d.id IN (SELECT f.doc_id FROM {rows})"

    def _value(self, c: Criterion, values: list[str]) -> str:
        if c.condition == "EXISTS" or not values:
            return ""
        if c.condition in NUMERIC_CONDITIONS:
            op = NUMERIC_CONDITIONS[c.condition]
            return f" AND f.num {op} {self.p(float(values[0]))}"
        patterns = {"CONTAIN": "%{}%", "START_WITH": "{}%", "END_WITH": "%{}"}.get(c.condition)
        if patterns is None:
            return " AND f.value_lc IN (" + ", ".join(self.p(v) for v in values) + ")"
        likes = [f"f.value_lc LIKE {self.p(patterns.format(like_escape(v)))} ESCAPE '\\'" for v in values]
        return " AND (" + " OR ".join(likes) + ")"

    def order(self) -> str:
        direction = "DESC" if self.q.descending else "ASC"
        if self.q.sort == "name":
            return f"d.name_lc {direction}, d.urn"
        if self.q.sort == "modified":
            return f"d.last_modified {direction}, d.urn"
        return "d.name_lc, d.urn"
