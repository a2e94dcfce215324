"""DataHub's patch semantics: JSON Patch (RFC 6902) over arrays addressed by key values.

Before the ops run, each keyed array becomes nested maps (``owner -> type -> element``); after,
the maps flatten back. Missing aspects start from a default carrying their required fields.
Written here because the JSON-patch libraries address arrays by index only.
"""

from __future__ import annotations

import copy
from typing import Any

import avro.schema

from mlcatalog.errors import InvalidInput
from mlcatalog.registry.entities import AspectSpec

SYSTEM_STAMP_ACTOR = "urn:li:corpuser:__datahub_system"
NESTED_KEY_SEPARATOR = "\u241f"
# Keys DataHub's aspect templates use when a plain op list addresses array elements.
TEMPLATE_KEYS: dict[str, dict[str, list[str]]] = {
    "ownership": {"owners": ["owner", "type"]},
    "glossaryTerms": {"terms": ["urn"]},
    "globalTags": {"tags": ["tag"]},
}
_MISSING = object()


def apply_patch(spec: AspectSpec, current: dict[str, Any] | None, document: Any, now_ms: int) -> dict[str, Any]:
    """The aspect value after applying ``document`` to ``current`` (or to the default)."""
    ops, keys = _parse_document(spec, document)
    value = copy.deepcopy(current) if current is not None else default_value(spec.schema, now_ms)
    keys = {**keys, **_implicit_string_sets(spec.schema, ops, keys)}
    for field, key_fields in keys.items():
        found = value.get(field)
        if isinstance(found, list):
            value[field] = _to_map(found, key_fields)
        elif found is None:
            value[field] = {}
    for index, op in enumerate(ops):
        _apply_op(value, op, f"patch[{index}]")
    for field, key_fields in keys.items():
        if field in value:
            value[field] = _to_list(value[field], max(len(key_fields), 1))
    if spec.name == "glossaryTerms" and "auditStamp" not in value:
        value["auditStamp"] = {"time": now_ms, "actor": SYSTEM_STAMP_ACTOR}
    return value


def _parse_document(spec: AspectSpec, document: Any) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    if isinstance(document, list):
        return document, dict(TEMPLATE_KEYS.get(spec.name, {}))
    if isinstance(document, dict) and isinstance(document.get("patch"), list):
        keys = document.get("arrayPrimaryKeys") or {}
        if not isinstance(keys, dict) or not all(
            isinstance(v, list) and all(isinstance(name, str) for name in v) for v in keys.values()
        ):
            raise InvalidInput("arrayPrimaryKeys: expected an object of field -> list of key names", field="arrayPrimaryKeys")
        return document["patch"], keys
    raise InvalidInput('aspect.value: a patch must be a JSON Patch array or {"patch": [...]}', field="aspect.value")


def _implicit_string_sets(schema: avro.schema.RecordSchema, ops: list[Any], keys: dict[str, list[str]]) -> dict[str, list[str]]:
    """Arrays of strings addressed by value (``/trainingJobs/<urn>``) behave as sets."""
    string_arrays = {f.name for f in schema.fields if _is_string_array(f.type)}
    found: dict[str, list[str]] = {}
    for op in ops:
        parts = _split(op.get("path", "")) if isinstance(op, dict) else []
        if len(parts) >= 2 and parts[0] in string_arrays and parts[0] not in keys and not parts[1].isdigit() and parts[1] != "-":
            found[parts[0]] = []
    return found


def _is_string_array(schema: avro.schema.Schema) -> bool:
    if isinstance(schema, avro.schema.UnionSchema):
        branches = [s for s in schema.schemas if s.type != "null"]
        schema = branches[0] if len(branches) == 1 else schema
    return isinstance(schema, avro.schema.ArraySchema) and schema.items.type == "string"


def default_value(schema: avro.schema.RecordSchema, now_ms: int) -> dict[str, Any]:
    """An empty aspect: empty lists and maps, and audit stamps where the schema requires them."""
    value: dict[str, Any] = {}
    for field in schema.fields:
        kind = field.type
        if field.has_default or isinstance(kind, avro.schema.UnionSchema):
            if isinstance(field.default, (list, dict)):
                value[field.name] = copy.deepcopy(field.default)
            continue
        if isinstance(kind, avro.schema.ArraySchema):
            value[field.name] = []
        elif isinstance(kind, avro.schema.MapSchema):
            value[field.name] = {}
        elif isinstance(kind, avro.schema.RecordSchema) and kind.name == "AuditStamp":
            value[field.name] = {"time": now_ms, "actor": SYSTEM_STAMP_ACTOR}
    return value


def _key_of(element: Any, key_field: str) -> str:
    node = element
    for part in key_field.split(NESTED_KEY_SEPARATOR):
        node = node.get(part) if isinstance(node, dict) else None
    return "" if node is None else str(node)


def _to_map(items: list[Any], key_fields: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for element in items:
        if not key_fields:
            result[str(element)] = element
            continue
        node = result
        for key_field in key_fields[:-1]:
            node = node.setdefault(_key_of(element, key_field), {})
        node[_key_of(element, key_fields[-1])] = element
    return result


def _to_list(node: Any, depth: int) -> Any:
    if not isinstance(node, dict):
        return node
    if depth <= 1:
        return list(node.values())
    flattened: list[Any] = []
    for child in node.values():
        inner = _to_list(child, depth - 1)
        flattened.extend(inner if isinstance(inner, list) else [inner])
    return flattened


def _split(path: str) -> list[str]:
    if not isinstance(path, str) or not path.startswith("/"):
        return []
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _apply_op(value: dict[str, Any], op: Any, label: str) -> None:
    if not isinstance(op, dict) or op.get("op") not in {"add", "remove", "replace"}:
        raise InvalidInput(f"{label}: op must be one of add, remove, replace", field=label)
    path = op.get("path")
    parts = _split(path)
    if not parts:
        raise InvalidInput(f"{label}.path: {path!r} is not a JSON pointer below the aspect root", field=f"{label}.path")
    parent = value
    for part in parts[:-1]:
        child = _child(parent, part)
        if child is _MISSING or child is None:
            if op["op"] == "remove":
                return
            child = {}
            _set(parent, part, child, label)
        parent = child
    last = parts[-1]
    if op["op"] == "remove":
        _remove(parent, last)
    else:
        if "value" not in op:
            raise InvalidInput(f"{label}.value: required for {op['op']}", field=f"{label}.value")
        _set(parent, last, copy.deepcopy(op["value"]), label)


def _child(node: Any, part: str) -> Any:
    if isinstance(node, dict):
        return node.get(part, _MISSING)
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return _MISSING


def _set(node: Any, part: str, item: Any, label: str) -> None:
    if isinstance(node, dict):
        node[part] = item
    elif isinstance(node, list) and part == "-":
        node.append(item)
    elif isinstance(node, list) and part.isdigit() and int(part) <= len(node):
        node.insert(int(part), item)
    else:
        raise InvalidInput(f"{label}.path: cannot address {part!r} inside a {type(node).__name__}", field=f"{label}.path")


def _remove(node: Any, part: str) -> None:
    if isinstance(node, dict):
        node.pop(part, None)
    elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
        del node[int(part)]
