"""Small measuring tools shared by the suites: latency loops, rates, memory and file sizes.

A figure is a ``Figure``: a value, its unit and whether higher is better, so the report can turn
any pair of figures into a ratio that reads the same way (above 1 = mlcatalog better).
"""

from __future__ import annotations

import contextlib
import socket
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Figure:
    value: float
    unit: str  # "aspects/s", "ms", "MB", "s"
    higher_is_better: bool = False
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit, "higher_is_better": self.higher_is_better, "note": self.note}


Results = dict[str, Figure | str]  # a metric's figure, or a reason it is not available ("n/a (...)")


def rate(count: int, seconds: float, note: str = "") -> Figure:
    return Figure(count / seconds if seconds > 0 else float("inf"), "aspects/s", True, note)


def timed(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def latencies(call: Callable[[Any], Any], arguments: Iterable[Any], warmup: int = 5) -> list[float]:
    """Milliseconds per call, after a few untimed warm-up calls."""
    arguments = list(arguments)
    for argument in arguments[:warmup]:
        call(argument)
    found = []
    for argument in arguments:
        started = time.perf_counter()
        call(argument)
        found.append((time.perf_counter() - started) * 1000)
    return found


def percentiles(samples: list[float], prefix: str, note: str = "") -> dict[str, Figure]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        f"{prefix} p50": Figure(statistics.median(ordered), "ms", False, note),
        f"{prefix} p99": Figure(p99, "ms", False, note),
    }


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (servers that fork workers count whole)."""
    import psutil

    process = psutil.Process(pid)
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            total += child.memory_info().rss
    return total / 1e6


def size_mb(*paths: Path) -> float:
    """Bytes on disk of a database file and its journals (``-wal``, ``-shm``)."""
    total = 0
    for path in paths:
        for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if candidate.exists():
                total += candidate.stat().st_size
    return total / 1e6


def database_mb(database_url: str) -> float:
    """Bytes on disk of a catalog: the SQLite file with its journals, or the PostgreSQL database."""
    if database_url.startswith("sqlite:///"):
        return size_mb(Path(database_url.removeprefix("sqlite:///")))
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0
    engine.dispose()
    return float(size) / 1e6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(probe: Callable[[], bool], timeout: float, interval: float = 0.01) -> float:
    """Seconds until ``probe()`` is true; raises TimeoutError after ``timeout``."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            if probe():
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(interval)
    raise TimeoutError(f"not ready within {timeout}s")
