"""Bounds on what one request may ask of the server, with defaults that fit DataHub's clients.

The SDK sends at most 200 proposals and 15 MiB per batch by default, so the defaults leave
room for that; anything past a bound is refused before it touches the database, with a
message naming the bound and the variable that raises it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from mlcatalog.errors import InvalidInput, LimitExceeded, PayloadTooLarge

# metadata_aspect_v2.urn and the edge columns are VARCHAR(500), as on DataHub.
URN_COLUMN_LENGTH = 500
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int = 32 * 1024 * 1024
    max_batch_size: int = 1000
    max_urn_length: int = URN_COLUMN_LENGTH
    max_json_depth: int = 64
    max_string_length: int = 1024 * 1024
    max_page_size: int = 10_000
    statement_timeout_ms: int = 15_000

    def __post_init__(self) -> None:
        for item in fields(self):
            if getattr(self, item.name) <= 0:
                raise ValueError(f"{env_name(item.name)} must be a positive integer")
        if self.max_urn_length > URN_COLUMN_LENGTH:
            raise ValueError(f"{env_name('max_urn_length')} cannot exceed the URN column size {URN_COLUMN_LENGTH}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Limits:
        values: dict[str, int] = {}
        for item in fields(cls):
            raw = environ.get(env_name(item.name))
            if raw:
                try:
                    values[item.name] = int(raw)
                except ValueError as exc:
                    raise ValueError(f"{env_name(item.name)}: expected an integer, got {raw!r}") from exc
        return cls(**values)

    def check_body_size(self, size: int) -> None:
        if size > self.max_body_bytes:
            raise PayloadTooLarge(_exceeded("request body", f"{size} bytes", "max_body_bytes", self.max_body_bytes), "body")

    def check_batch(self, size: int) -> None:
        if size > self.max_batch_size:
            raise PayloadTooLarge(
                _exceeded("batch", f"{size} proposals", "max_batch_size", self.max_batch_size), field="proposals"
            )

    def check_page(self, start: int, count: int) -> None:
        if start < 0:
            raise LimitExceeded(f"start: must be >= 0, got {start}", field="start")
        if not 0 <= count <= self.max_page_size:
            raise LimitExceeded(f"count: must be between 0 and max_page_size={self.max_page_size}, got {count}", "count")

    def check_value(self, value: Any, label: str, strings: bool = True) -> None:
        """Depth (and string length unless ``strings`` is false) of a JSON value, walked without recursion."""
        stack: list[tuple[Any, int]] = [(value, 1)]
        while stack:
            node, depth = stack.pop()
            if isinstance(node, str):
                if strings and len(node) > self.max_string_length:
                    message = _exceeded("string", f"{len(node)} characters", "max_string_length", self.max_string_length)
                    raise LimitExceeded(f"{label}: {message}", field=label)
                _check_text(node, label)
                continue
            if not isinstance(node, (dict, list)):
                continue
            if depth > self.max_json_depth:
                message = f"JSON nested deeper than max_json_depth={self.max_json_depth} ({env_name('max_json_depth')})"
                raise LimitExceeded(f"{label}: {message}", field=label)
            children = node.items() if isinstance(node, dict) else enumerate(node)
            for key, child in children:
                if isinstance(key, str):
                    if strings and len(key) > self.max_string_length:
                        raise LimitExceeded(f"{label}: object key longer than max_string_length", field=label)
                    _check_text(key, label)
                stack.append((child, depth + 1))


def _check_text(text: str, label: str) -> None:
    """Text both databases can store: no NUL (PostgreSQL refuses it) and no lone UTF-16 surrogates."""
    if text.isascii():
        if "\x00" in text:
            raise InvalidInput(f"{label}: strings may not contain NUL (\\u0000)", field=label)
        return
    if "\x00" in text or _SURROGATE.search(text):
        raise InvalidInput(f"{label}: strings must be valid Unicode without NUL or lone surrogates", field=label)


def env_name(limit: str) -> str:
    return f"MLCATALOG_{limit.upper()}"


def _exceeded(what: str, size: str, limit: str, bound: int) -> str:
    return f"{what} of {size} exceeds {limit}={bound} (raise it with {env_name(limit)})"
