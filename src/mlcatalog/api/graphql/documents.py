"""Parsed and validated GraphQL documents, kept per query text.

The SDK sends the same few query strings over and over (lineage, search, entity fetches); parsing
and validating one against DataHub's large schema costs milliseconds, far more than running it.
A document is parsed once and validated once per schema; execution never changes it, so every
request shares it. Failures are not kept: they raise again, with their messages, each time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graphql import DocumentNode, GraphQLError, GraphQLSchema

MAX_DOCUMENTS = 512  # distinct query texts kept; a server sees a few dozen from the SDK and UI

_parsed: dict[str, DocumentNode] = {}
_valid: dict[tuple[int, int, Any], tuple[GraphQLSchema, DocumentNode]] = {}


def parse_document(query: str) -> DocumentNode:
    """``graphql.parse`` with a cache; raises ``GraphQLError`` for a malformed query."""
    found = _parsed.get(query)
    if found is None:
        from graphql import parse

        found = parse(query)
        _remember(_parsed, query, found)
    return found


def query_parser(_context: Any, data: dict[str, Any]) -> DocumentNode:
    """ariadne's ``query_parser`` hook."""
    return parse_document(data["query"])


def query_validator(schema: GraphQLSchema, document: DocumentNode, rules: Any = None, **options: Any) -> list[GraphQLError]:
    """ariadne's ``query_validator`` hook: a document that passed once against this schema and
    these rules passes again without walking it (the key holds both objects, so ids stay theirs)."""
    from graphql import validate

    key = (id(schema), id(document), tuple(rules) if rules is not None else None)
    seen = _valid.get(key)
    if seen is not None and seen[0] is schema and seen[1] is document:
        return []
    errors = validate(schema, document, rules=rules, **options)
    if not errors:
        _remember(_valid, key, (schema, document))
    return errors


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    if len(cache) >= MAX_DOCUMENTS:
        cache.clear()  # rare (only a client inventing queries gets here); cheaper than LRU upkeep
    cache[key] = value
