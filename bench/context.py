"""What every system's suite receives: the workload, its MCPs, a scratch directory and sample sizes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from bench.workload import Workload, all_mcps


@dataclass
class Context:
    workload: Workload
    workdir: Path
    samples: int  # timed calls per latency figure
    mlcatalog_database: str | None = None  # None: a fresh SQLite file in workdir
    mlflow_groups: int = 100  # MLflow runs about 100x slower, so it stores only this many groups

    @cached_property
    def batches(self) -> list[list[Any]]:
        """MCPs per model group (built once, shared by every suite)."""
        return all_mcps(self.workload)

    @cached_property
    def aspect_count(self) -> int:
        return sum(len(batch) for batch in self.batches)

    def flat(self, batches: list[list[Any]] | None = None) -> list[Any]:
        return [mcp for batch in (self.batches if batches is None else batches) for mcp in batch]

    def model_sample(self) -> list[str]:
        return self.workload.sample(self.workload.models(), self.samples)

    def group_sample(self) -> list[str]:
        return self.workload.sample([group.urn for group in self.workload.groups], self.samples)

    def search_terms(self) -> list[str]:
        from bench.workload import SEARCH_TERMS

        return [SEARCH_TERMS[i % len(SEARCH_TERMS)] for i in range(self.samples)]
