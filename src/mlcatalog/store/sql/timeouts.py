"""Statement timeouts. PostgreSQL has ``statement_timeout``; SQLite has none, so a progress
handler aborts a statement that runs past its deadline (SQLite reports it as "interrupted")."""

from __future__ import annotations

import math
import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError

_DEADLINE = "mlcatalog_deadline"
_PROGRESS_STEPS = 10_000  # SQLite VM instructions between deadline checks
_QUERY_CANCELED = "57014"


def install_sqlite_timeout(engine: Engine, seconds: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        deadline = record.info.setdefault(_DEADLINE, [math.inf])
        dbapi_connection.set_progress_handler(lambda: time.monotonic() > deadline[0], _PROGRESS_STEPS)

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn: Any, *_args: Any) -> None:
        conn.connection.info.setdefault(_DEADLINE, [math.inf])[0] = time.monotonic() + seconds

    @event.listens_for(engine, "after_cursor_execute")
    def _stop(conn: Any, *_args: Any) -> None:
        conn.connection.info.setdefault(_DEADLINE, [math.inf])[0] = math.inf


def is_timeout(exc: OperationalError) -> bool:
    original = getattr(exc, "orig", None)
    if getattr(original, "sqlstate", None) == _QUERY_CANCELED:
        return True
    return "interrupted" in str(original)
