"""Small helpers for compat tests: unique URNs so tests sharing a server never collide."""

from __future__ import annotations

import uuid
from urllib.parse import quote


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def encoded(urn: str) -> str:
    """Path encoding exactly as the SDK does it."""
    return quote(urn, safe="")
