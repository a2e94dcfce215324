"""The regression guard: mlcatalog's cost relative to the raw-SQLite floor, against a committed baseline.

Both sides are measured in the same run on the same machine, so a slow or busy machine slows
both and the ratio stays put; only a change that makes mlcatalog itself several times slower
moves it past the allowed factor.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bench.measure import Figure, Results

BASELINE = Path(__file__).with_name("baseline.json")
GUARDED = ["ingest batch", "get entity p50", "search p50", "relationships p50", "lineage 3-hop p50"]
ALLOWED_FACTOR = 3.0


def floor_costs(ours: Results, floor: Results) -> dict[str, float]:
    """How many times slower than the floor mlcatalog is, per guarded metric measured by both."""
    costs = {}
    for metric in GUARDED:
        mine, theirs = ours.get(metric), floor.get(metric)
        if isinstance(mine, Figure) and isinstance(theirs, Figure) and mine.value and theirs.value:
            costs[metric] = theirs.value / mine.value if mine.higher_is_better else mine.value / theirs.value
    return costs


def record(costs: dict[str, float], size: int, path: Path = BASELINE) -> None:
    payload = {
        "size": size,
        "allowed_factor": ALLOWED_FACTOR,
        "recorded": datetime.now(UTC).strftime("%Y-%m-%d"),
        "floor_cost": {metric: round(value, 2) for metric, value in costs.items()},
    }
    path.write_text(json.dumps(payload, indent=2) + "\n")


def check(costs: dict[str, float], path: Path = BASELINE) -> list[str]:
    """Lines describing each guarded metric; those starting with 'REGRESSION' fail the check."""
    baseline = json.loads(path.read_text())
    factor = float(baseline.get("allowed_factor", ALLOWED_FACTOR))
    lines = []
    for metric, base in baseline["floor_cost"].items():
        if metric not in costs:
            lines.append(f"skipped {metric}: not measured in this run")
            continue
        now = costs[metric]
        verdict = "REGRESSION" if now > factor * base else "ok"
        lines.append(f"{verdict} {metric}: {now:.1f}x the floor's cost (baseline {base:.1f}x, limit {factor * base:.1f}x)")
    return lines
