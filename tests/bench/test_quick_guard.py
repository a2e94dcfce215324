"""The benchmark's quick mode as CI runs it: the whole comparison on N=200 against a real server.

It fails only on a gross regression: mlcatalog more than 3x further from the raw-SQLite floor
(measured in the same run) than the committed bench/baseline.json says. Timing noise moves both
sides together, so it does not fail the build.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_benchmark_prints_the_table_and_passes_the_regression_guard() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "| metric | mlcatalog | SQLite floor |" in output
    assert "| ingest batch |" in output and "| get entity p50 |" in output
    assert "regression guard:" in output
    assert "REGRESSION" not in output
