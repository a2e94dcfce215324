"""Is this server able to serve? Load balancers and orchestrators ask before routing to it."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from mlcatalog.store.base import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Health:
    ok: bool
    backend: str
    latency_ms: float
    schema: list[str]
    error: str | None = None


class HealthService:
    def __init__(self, store: Store, backend: str) -> None:
        self.store = store
        self.backend = backend

    def check(self) -> Health:
        """One round trip to the database that also proves the schema is there."""
        started = time.perf_counter()
        try:
            schema = self.store.ping()
        except Exception as exc:  # any failure means "do not route here", and says why
            log.warning("health check failed: %s", exc)
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            return Health(False, self.backend, _ms_since(started), [], f"{type(exc).__name__}: {reason}")
        if not schema:
            return Health(False, self.backend, _ms_since(started), [], "the database has no mlcatalog schema")
        return Health(True, self.backend, _ms_since(started), schema)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
