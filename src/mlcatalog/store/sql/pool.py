"""Connection-pool sizing, from ``MLCATALOG_DB_*`` variables.

Every server process holds up to ``size + max_overflow`` connections, so a deployment of N
processes needs N x that many under PostgreSQL's ``max_connections`` (docs/deployment.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

_ENV = {
    "size": "MLCATALOG_DB_POOL_SIZE",
    "max_overflow": "MLCATALOG_DB_MAX_OVERFLOW",
    "timeout_s": "MLCATALOG_DB_POOL_TIMEOUT",
    "recycle_s": "MLCATALOG_DB_POOL_RECYCLE",
}


@dataclass(frozen=True)
class PoolSettings:
    size: int = 10  # connections kept open
    max_overflow: int = 10  # extra connections opened under load, closed when returned
    timeout_s: int = 30  # how long a request waits for a free connection
    recycle_s: int = 1800  # reopen connections older than this (idle-killing proxies, failovers)

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if value < 0 or (item.name in {"size", "timeout_s"} and value == 0):
                raise ValueError(f"{_ENV[item.name]}: must be a {'positive' if value == 0 else 'non-negative'} integer")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> PoolSettings:
        values: dict[str, int] = {}
        for name, variable in _ENV.items():
            raw = environ.get(variable, "").strip()
            if raw:
                try:
                    values[name] = int(raw)
                except ValueError as exc:
                    raise ValueError(f"{variable}: expected an integer, got {raw!r}") from exc
        return cls(**values)

    def engine_options(self) -> dict[str, Any]:
        return {
            "pool_size": self.size,
            "max_overflow": self.max_overflow,
            "pool_timeout": self.timeout_s,
            "pool_recycle": self.recycle_s,
        }
