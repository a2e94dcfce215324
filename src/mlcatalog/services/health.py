"""Is this server able to serve? Load balancers and orchestrators ask before routing to it."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from mlcatalog.store.base import Store

log = logging.getLogger(__name__)

UNREACHABLE = "the database did not answer the health check; the server log has the details"


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
        except Exception as exc:  # any failure means "do not route here"
            # The driver's message names hosts, databases and users: it goes to the server log, while
            # an unauthenticated caller only learns that the database did not answer.
            log.warning("health check failed: %s: %s", type(exc).__name__, exc)
            return Health(False, self.backend, _ms_since(started), [], UNREACHABLE)
        if not schema:
            return Health(False, self.backend, _ms_since(started), [], "the database has no mlcatalog schema")
        return Health(True, self.backend, _ms_since(started), schema)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
