"""DataHub's patch semantics: JSON Patch (RFC 6902) over arrays addressed by key values.

Before the ops run, each keyed array becomes nested maps (``owner -> type -> element``); after,
the maps flatten back, and a key that lived only in the path (``/owners/<urn>/<type>`` with a
value lacking ``type``) is put back into the element. Missing aspects start from a default
carrying their required fields. Written here because the JSON-patch libraries address arrays by
index only.
"""

from __future__ import annotations

import copy
from typing import Any

import avro.schema

from mlcatalog.errors import InvalidInput
from mlcatalog.registry.entities import AspectSpec
from mlcatalog.services.patch_templates import (
    FINE_GRAINED_ASPECTS,
    FINE_GRAINED_FIELD,
    TEMPLATES,
    KeyedArray,
    fine_grained_to_list,
    fine_grained_to_map,
)

SYSTEM_STAMP_ACTOR = "urn:li:corpuser:__datahub_system"
NESTED_KEY_SEPARATOR = "\u241f"
_MISSING = object()
_SCALARS = {"string", "int", "long", "float", "double", "boolean", "enum"}


def apply_patch(spec: AspectSpec, current: dict[str, Any] | None, document: Any, now_ms: int) -> dict[str, Any]:
    """The aspect value after applying ``document`` to ``current`` (or to the default)."""
    ops, arrays, generic = _parse_document(spec, document)
    value = copy.deepcopy(current) if current is not None else default_value(spec.schema, now_ms)
    arrays = [*arrays, *_implicit_string_sets(spec.schema, ops, arrays)]
    fine_grained = not generic and spec.name in FINE_GRAINED_ASPECTS
    for array in sorted(arrays, key=lambda a: len(a.path)):
        _transform(value, array.path, lambda found, a=array: _to_map(found, a.keys))
    if fine_grained:
        value[FINE_GRAINED_FIELD] = fine_grained_to_map(value.get(FINE_GRAINED_FIELD))
    for index, op in enumerate(ops):
        _apply_op(value, op, f"patch[{index}]")
    if fine_grained:
        value[FINE_GRAINED_FIELD] = fine_grained_to_list(value.get(FINE_GRAINED_FIELD))
    for array in sorted(arrays, key=lambda a: len(a.path), reverse=True):
        scalar_keys = _scalar_keys(spec.schema, array.path)
        _transform(value, array.path, lambda found, a=array, s=scalar_keys: _to_list(found, list(a.keys), s), rebase=True)
    _ensure_term_stamps(spec.name, value, now_ms)
    return value


def _ensure_term_stamps(aspect: str, value: dict[str, Any], now_ms: int) -> None:
    """GlossaryTerms requires ``auditStamp``; DataHub's template adds it wherever terms were patched."""
    holders = [value] if aspect == "glossaryTerms" else []
    if aspect == "editableSchemaMetadata":
        fields = value.get("editableSchemaFieldInfo")
        holders = [f["glossaryTerms"] for f in fields or [] if isinstance(f, dict) and isinstance(f.get("glossaryTerms"), dict)]
    for holder in holders:
        holder.setdefault("auditStamp", {"time": now_ms, "actor": SYSTEM_STAMP_ACTOR})


def _parse_document(spec: AspectSpec, document: Any) -> tuple[list[Any], list[KeyedArray], bool]:
    if isinstance(document, list):
        return document, list(TEMPLATES.get(spec.name, ())), False
    if isinstance(document, dict) and isinstance(document.get("patch"), list):
        keys = document.get("arrayPrimaryKeys") or {}
        if not keys:  # OpenAPI wraps plain op lists as {"patch": [...]}: the aspect's template applies
            return _parse_document(spec, document["patch"])
        if not isinstance(keys, dict) or not all(
            isinstance(v, list) and all(isinstance(k, str) for k in v) for v in keys.values()
        ):
            raise InvalidInput("arrayPrimaryKeys: expected an object of field -> list of key names", field="arrayPrimaryKeys")
        arrays = [KeyedArray((field,), tuple(names)) for field, names in keys.items()]
        return document["patch"], arrays, True
    raise InvalidInput('aspect.value: a patch must be a JSON Patch array or {"patch": [...]}', field="aspect.value")


def _implicit_string_sets(schema: avro.schema.RecordSchema, ops: list[Any], arrays: list[KeyedArray]) -> list[KeyedArray]:
    """Arrays of strings addressed by value (``/trainingJobs/<urn>``) behave as sets."""
    string_arrays = {f.name for f in schema.fields if _is_string_array(f.type)}
    taken = {a.path[0] for a in arrays}
    found: dict[str, KeyedArray] = {}
    for op in ops:
        parts = _split(op.get("path", "")) if isinstance(op, dict) else []
        if len(parts) >= 2 and parts[0] in string_arrays and parts[0] not in taken and not parts[1].isdigit() and parts[1] != "-":
            found[parts[0]] = KeyedArray((parts[0],), ())
    return list(found.values())


def _non_null(schema: avro.schema.Schema) -> avro.schema.Schema:
    if isinstance(schema, avro.schema.UnionSchema):
        branches = [s for s in schema.schemas if s.type != "null"]
        if len(branches) == 1:
            return branches[0]
    return schema


def _is_string_array(schema: avro.schema.Schema) -> bool:
    schema = _non_null(schema)
    return isinstance(schema, avro.schema.ArraySchema) and schema.items.type == "string"


def _scalar_keys(schema: avro.schema.Schema, path: tuple[str, ...]) -> frozenset[str]:
    """Key fields of the array at ``path`` that can be restored from a path segment (strings, enums...)."""
    node: Any = schema
    for part in path:
        node = _non_null(node)
        if part == "*":
            continue
        if isinstance(node, avro.schema.ArraySchema):
            node = _non_null(node.items)
        if not isinstance(node, avro.schema.RecordSchema):
            return frozenset()
        field = node.fields_dict.get(part)
        if field is None:
            return frozenset()
        node = field.type
    node = _non_null(node)
    if not isinstance(node, avro.schema.ArraySchema):
        return frozenset()
    items = _non_null(node.items)
    if not isinstance(items, avro.schema.RecordSchema):
        return frozenset()
    return frozenset(f.name for f in items.fields if _non_null(f.type).type in _SCALARS)


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


def _transform(value: Any, path: tuple[str, ...], convert: Any, rebase: bool = False) -> None:
    """Apply ``convert`` to the field at ``path``; ``*`` visits every value of a keyed map."""
    head, rest = path[0], path[1:]
    if head == "*":
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
        for child in list(children):
            if isinstance(child, dict):
                _transform(child, rest, convert, rebase)
        return
    if not isinstance(value, dict):
        return
    if rest:
        if isinstance(value.get(head), dict):
            _transform(value[head], rest, convert, rebase)
        return
    if rebase or head in value or len(path) == 1:
        value[head] = convert(value.get(head))


def _key_of(element: Any, key_field: str) -> str:
    node = element
    for part in key_field.split(NESTED_KEY_SEPARATOR):
        node = node.get(part) if isinstance(node, dict) else None
    if node is None:
        return ""
    if isinstance(node, bool):
        return str(node).lower()
    return node if isinstance(node, str) else str(node)


def _to_map(items: Any, key_fields: tuple[str, ...]) -> Any:
    if isinstance(items, dict):
        return items
    result: dict[str, Any] = {}
    for element in items if isinstance(items, list) else []:
        if not key_fields:
            result[element if isinstance(element, str) else ""] = element
            continue
        node = result
        for key_field in key_fields[:-1]:
            node = node.setdefault(_key_of(element, key_field), {})
        last = _key_of(element, key_fields[-1])
        merged = node.get(last)
        node[last] = {**merged, **element} if isinstance(merged, dict) and isinstance(element, dict) else copy.deepcopy(element)
    return result


def _to_list(node: Any, key_fields: list[str], scalar_keys: frozenset[str]) -> list[Any]:
    if isinstance(node, list):
        return node
    if node is None:
        return []
    if not key_fields:  # a set of strings; the SDK sends {} as the value of some adds, so the key wins
        return [v if isinstance(v, str) else k for k, v in node.items()] if isinstance(node, dict) else [node]
    return _merge(node, key_fields, scalar_keys)


def _merge(node: Any, key_fields: list[str], scalar_keys: frozenset[str]) -> list[Any]:
    if not key_fields:
        return list(node) if isinstance(node, list) else [node]
    merged: list[Any] = []
    if isinstance(node, dict):
        key_field = key_fields[0]
        for key, child in node.items():
            elements = _merge(child, key_fields[1:], scalar_keys)
            if key and key_field in scalar_keys and NESTED_KEY_SEPARATOR not in key_field:
                for element in elements:
                    if isinstance(element, dict) and key_field not in element:
                        element[key_field] = key
            merged.extend(elements)
    elif isinstance(node, list):
        for child in node:
            merged.extend(_merge(child, key_fields[1:], scalar_keys))
    return merged


def _split(path: Any) -> list[str]:
    if not isinstance(path, str) or not path.startswith("/"):
        return []
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _apply_op(value: dict[str, Any], op: Any, label: str) -> None:
    if not isinstance(op, dict) or op.get("op") not in {"add", "remove", "replace"}:
        raise InvalidInput(f"{label}.op: must be one of add, remove, replace", field=f"{label}.op")
    path = op.get("path")
    parts = _split(path)
    if not parts:
        raise InvalidInput(f"{label}.path: {path!r} is not a JSON pointer below the aspect root", field=f"{label}.path")
    parent: Any = value
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
        return
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
