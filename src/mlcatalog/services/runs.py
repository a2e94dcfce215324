"""Ingestion runs: what `datahub ingest list-runs`, `show` and `rollback` see.

Every write whose systemMetadata carries a runId is remembered with the value it replaced (see
``IngestService``). Rolling a run back writes, through the one ingest path, each aspect's value
from before the run (deleting aspects the run created) and soft-deletes entities the run
created. An aspect a later run has overwritten since is left alone and reported as unsafe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlcatalog.errors import InvalidInput
from mlcatalog.registry.entities import EntityRegistry
from mlcatalog.services.ingest import IngestService
from mlcatalog.services.proposals import Proposal
from mlcatalog.store.base import RunAspect, Store

MAX_PAGE = 1000


@dataclass
class RollbackPlan:
    proposals: list[Proposal] = field(default_factory=list)
    reverted: list[RunAspect] = field(default_factory=list)
    deleted_entities: set[str] = field(default_factory=set)
    unsafe: list[RunAspect] = field(default_factory=list)


class RunService:
    def __init__(self, store: Store, registry: EntityRegistry, ingest: IngestService) -> None:
        self.store = store
        self.registry = registry
        self.ingest = ingest

    def list_runs(self, start: int, count: int, include_rolled_back: bool) -> list[dict[str, Any]]:
        _check_page(start, count)
        runs = self.store.history.runs(start, count, include_rolled_back)
        return [{"runId": run.run_id, "rows": run.rows, "timestamp": run.last_on} for run in runs]

    def describe(
        self, run_id: str, start: int, count: int, include_rolled_back: bool, include_aspect: bool
    ) -> list[dict[str, Any]]:
        _check_page(start, count)
        rows = self.store.history.run_aspects(_run_id(run_id), include_rolled_back)[start : start + count]
        summaries = []
        for row in rows:
            summary = self._summary(row)
            if include_aspect:
                current = self.store.get_aspect(row.urn, row.aspect)
                summary["aspect"] = current.value if current else None
            summaries.append(summary)
        return summaries

    def rollback(self, run_id: str, dry_run: bool, actor: str) -> dict[str, Any]:
        plan = self._plan(_run_id(run_id))
        if not dry_run and (plan.proposals or plan.reverted):
            self.ingest.ingest(plan.proposals, actor, after=lambda tx, now_ms: tx.mark_rolled_back(run_id, now_ms))
        unsafe_entities = sorted({row.urn for row in plan.unsafe})
        return {
            "entitiesAffected": len(plan.deleted_entities),
            "aspectsReverted": len(plan.reverted),
            "aspectsAffected": len(plan.unsafe),
            "unsafeEntitiesCount": len(unsafe_entities),
            "unsafeEntities": [{"urn": urn} for urn in unsafe_entities],
            "aspectRowSummaries": [self._summary(row) for row in plan.reverted],
        }

    def _plan(self, run_id: str) -> RollbackPlan:
        plan = RollbackPlan()
        for row in self.store.history.run_aspects(run_id, include_rolled_back=False):
            target = self.registry.parse_urn(row.urn)
            current = self.store.get_aspect(row.urn, row.aspect)
            if current is not None and (current.system_metadata or {}).get("runId") != run_id:
                plan.unsafe.append(row)
                continue
            plan.reverted.append(row)
            if row.aspect == target.entity.key_aspect:
                if row.created_entity and current is not None:
                    plan.deleted_entities.add(row.urn)
                    plan.proposals.append(Proposal(row.urn, "status", "UPSERT", {"removed": True}, label=f"rollback {row.urn}"))
                continue
            if row.previous_value is None:
                if current is not None:
                    plan.proposals.append(Proposal(row.urn, row.aspect, "DELETE", label=f"rollback {row.urn} {row.aspect}"))
                continue
            plan.proposals.append(
                Proposal(
                    row.urn,
                    row.aspect,
                    "UPSERT",
                    row.previous_value,
                    system_metadata=row.previous_system_metadata,
                    label=f"rollback {row.urn} {row.aspect}",
                )
            )
        # The soft delete of a created entity wins over reverting its status: drop those reverts.
        plan.proposals = [
            p
            for p in plan.proposals
            if not (p.urn in plan.deleted_entities and p.aspect_name == "status" and p.change_type != "UPSERT")
        ]
        return plan

    def _summary(self, row: RunAspect) -> dict[str, Any]:
        target = self.registry.parse_urn(row.urn)
        return {
            "runId": row.run_id,
            "urn": row.urn,
            "aspectName": row.aspect,
            "timestamp": row.last_on,
            "keyAspect": row.aspect == target.entity.key_aspect,
        }


def _run_id(run_id: Any) -> str:
    if not isinstance(run_id, str) or not run_id:
        raise InvalidInput("runId: a run id string is required", field="runId")
    return run_id


def _check_page(start: int, count: int) -> None:
    if start < 0 or not 0 <= count <= MAX_PAGE:
        raise InvalidInput(f"start/count: start must be >= 0 and count between 0 and {MAX_PAGE}", field="count")
