"""Check aspect JSON (rest.li/Pegasus encoding) against DataHub's Avro schemas.

Written here rather than taken from a library because the Avro validators (``avro.io.validate``,
the SDK's ``from_obj``) accept the Avro encoding, not the Pegasus one the clients send (unions
wrapped by ``com.linkedin`` names), and answer only yes/no. Users need the field and the reason.
"""

from __future__ import annotations

from typing import Any

import avro.schema

from mlcatalog.errors import InvalidInput

_INT_TYPES = {"int", "long"}
_FLOAT_TYPES = {"float", "double"}
_MAX_DEPTH = 64


def pegasus_name(schema: avro.schema.Schema) -> str:
    """The key a union member is wrapped with on the wire."""
    if isinstance(schema, avro.schema.NamedSchema):
        return schema.fullname.replace(".pegasus2avro", "")
    return str(schema.type)


def validate(schema: avro.schema.Schema, value: Any, path: str) -> None:
    """Raise ``InvalidInput`` naming the first offending field of ``value``."""
    _check(schema, value, path, 0)


def _fail(path: str, reason: str) -> None:
    raise InvalidInput(f"{path}: {reason}", field=path)


def _check(schema: avro.schema.Schema, value: Any, path: str, depth: int) -> None:
    if depth > _MAX_DEPTH:
        _fail(path, "value is nested too deeply")
    if isinstance(schema, avro.schema.UnionSchema):
        _check_union(schema, value, path, depth)
    elif isinstance(schema, avro.schema.RecordSchema):
        _check_record(schema, value, path, depth)
    elif isinstance(schema, avro.schema.ArraySchema):
        if not isinstance(value, list):
            _fail(path, f"expected an array, got {_describe(value)}")
        for index, item in enumerate(value):
            _check(schema.items, item, f"{path}[{index}]", depth + 1)
    elif isinstance(schema, avro.schema.MapSchema):
        if not isinstance(value, dict):
            _fail(path, f"expected an object (map), got {_describe(value)}")
        for key, item in value.items():
            _check(schema.values, item, f"{path}.{key}", depth + 1)
    elif isinstance(schema, avro.schema.EnumSchema):
        if value not in schema.symbols:
            allowed = ", ".join(schema.symbols)
            _fail(path, f"{value!r} is not a valid {schema.name}; expected one of {allowed}")
    else:
        _check_primitive(str(schema.type), value, path)


def _check_primitive(kind: str, value: Any, path: str) -> None:
    ok = {
        "string": isinstance(value, str),
        "bytes": isinstance(value, str),
        "fixed": isinstance(value, str),
        "boolean": isinstance(value, bool),
        "null": value is None,
    }.get(kind)
    if kind in _INT_TYPES:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind in _FLOAT_TYPES:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok:
        _fail(path, f"expected {kind}, got {_describe(value)}")


def _check_record(schema: avro.schema.RecordSchema, value: Any, path: str, depth: int) -> None:
    if not isinstance(value, dict):
        _fail(path, f"expected an object ({schema.name}), got {_describe(value)}")
    fields = _fields(schema)
    for key in value:
        if key not in fields:
            _fail(f"{path}.{key}", f"unrecognized field found but not allowed in {schema.name}")
    for name, (field_type, required, optional) in fields.items():
        if name not in value:
            if required:
                _fail(f"{path}.{name}", f"missing required field of {schema.name}")
            continue
        if value[name] is None and optional:
            continue
        _check(field_type, value[name], f"{path}.{name}", depth + 1)


_FIELDS: dict[int, tuple[avro.schema.RecordSchema, dict[str, tuple[avro.schema.Schema, bool, bool]]]] = {}


def _fields(schema: avro.schema.RecordSchema) -> dict[str, tuple[avro.schema.Schema, bool, bool]]:
    """name -> (type, required, optional) of a record's fields, worked out once per schema (every write
    validates its value, and reading Avro schema properties is slow)."""
    found = _FIELDS.get(id(schema))
    if found is None or found[0] is not schema:
        info = {}
        for field in schema.fields:
            optional = _is_optional(field.type)
            info[field.name] = (field.type, not field.has_default and not optional, optional)
        found = _FIELDS[id(schema)] = (schema, info)
    return found[1]


def _is_optional(schema: avro.schema.Schema) -> bool:
    return isinstance(schema, avro.schema.UnionSchema) and any(s.type == "null" for s in schema.schemas)


def _check_union(schema: avro.schema.UnionSchema, value: Any, path: str, depth: int) -> None:
    branches = [s for s in schema.schemas if s.type != "null"]
    if value is None:
        if len(branches) < len(schema.schemas):
            return
        _fail(path, "null is not allowed")
    if len(branches) == 1:
        _check(branches[0], value, path, depth + 1)
        return
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        for branch in branches:
            if key in (pegasus_name(branch), getattr(branch, "fullname", None)):
                _check(branch, inner, f"{path}.{key}", depth + 1)
                return
    for branch in branches:  # the clients also accept unwrapped members
        try:
            _check(branch, value, path, depth + 1)
            return
        except InvalidInput:
            continue
    names = ", ".join(pegasus_name(b) for b in branches)
    _fail(path, f"value matches none of the union members ({names})")


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"string {shown!r}"
    if isinstance(value, list):
        return "an array"
    return "an object"
