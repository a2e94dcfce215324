"""The load driver of bench/load.py, briefly: 32 concurrent connections, zero errors, zero lost writes."""

from __future__ import annotations

from pathlib import Path

from bench.load import run


def test_mixed_load_has_no_errors_and_loses_no_write(tmp_path: Path) -> None:
    report = run(duration=3.0, connections=32, directory=tmp_path)
    assert report.errors == []
    assert report.acknowledged, "some writes should have been acknowledged"
    assert report.lost == []
    assert {"entity", "aspect", "relationships", "write"} <= set(report.latencies)
