"""Statement timeouts. PostgreSQL has ``statement_timeout``; SQLite has none, so a progress
handler aborts a statement that runs past its deadline (SQLite reports it as "interrupted")."""

from __future__ import annotations

import math
import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError

DEADLINE = "mlcatalog_deadline"  # connection info key: [monotonic deadline]
_PROGRESS_STEPS = 10_000  # SQLite VM instructions between deadline checks
_QUERY_CANCELED = "57014"


def install_sqlite_timeout(engine: Engine, seconds: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        deadline = record.info.setdefault(DEADLINE, [math.inf])
        dbapi_connection.set_progress_handler(lambda: time.monotonic() > deadline[0], _PROGRESS_STEPS)

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn: Any, *_args: Any) -> None:
        conn.connection.info.setdefault(DEADLINE, [math.inf])[0] = time.monotonic() + seconds

    @event.listens_for(engine, "after_cursor_execute")
    def _stop(conn: Any, *_args: Any) -> None:
        conn.connection.info.setdefault(DEADLINE, [math.inf])[0] = math.inf


def is_timeout(exc: OperationalError) -> bool:
    return is_timeout_error(getattr(exc, "orig", None))


def is_timeout_error(original: object) -> bool:
    """Whether a DBAPI error is a cancelled statement (PostgreSQL 57014, SQLite "interrupted")."""
    if getattr(original, "sqlstate", None) == _QUERY_CANCELED:
        return True
    return type(original).__name__ == "OperationalError" and "interrupted" in str(original)
