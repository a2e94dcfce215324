"""The one write path: validate a batch of proposals, then apply it in one transaction.

Everything that can be checked without the database is checked before the transaction opens;
anything found inside it (a patch that breaks the schema, CREATE of an existing aspect) rolls
the whole batch back, so a refused batch changes nothing stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mlcatalog.errors import AlreadyExists, CatalogError, InvalidInput
from mlcatalog.limits import Limits
from mlcatalog.registry.entities import AspectSpec, EntityRegistry, ParsedUrn
from mlcatalog.services import conditions
from mlcatalog.services.derived import AspectChange, DerivedIndex, default_indexes
from mlcatalog.services.patch import apply_patch
from mlcatalog.services.proposals import CHANGE_TYPES, SYSTEM_ACTOR, UPSERT_LIKE, Proposal
from mlcatalog.services.timeseries import timeseries_record
from mlcatalog.services.versions import keep_maintained_fields
from mlcatalog.store.base import AspectRecord, ChangeRecord, RunAspect, Store, WriteTransaction

VERSION_FIELD = "version"  # systemMetadata.version: the aspect's version number, as DataHub keeps it
UNTRACKED_RUNS = frozenset({"no-run-id-provided"})


@dataclass(frozen=True)
class Prepared:
    proposal: Proposal
    target: ParsedUrn
    spec: AspectSpec


@dataclass(frozen=True)
class WriteResult:
    urn: str
    aspect: str
    value: dict[str, Any] | None
    system_metadata: dict[str, Any] | None
    changed: bool


PARSED_URNS = 10_000  # parsed URNs the ingest service remembers
SIDE_EFFECT_ROUNDS = 3  # side effects of side effects settle quickly (isLatest flags converge in one round)


class IngestService:
    def __init__(
        self,
        store: Store,
        registry: EntityRegistry,
        indexes: list[DerivedIndex] | None = None,
        max_versions: int = 0,
        limits: Limits | None = None,
    ) -> None:
        """``max_versions``: versions kept per aspect, the latest included (0 keeps all)."""
        self.store = store
        self.registry = registry
        self.limits = limits or Limits()
        self.indexes = default_indexes() if indexes is None else indexes
        self.max_versions = max_versions
        self._parsed: dict[str, ParsedUrn] = {}  # URN -> parsed (parsing builds and validates the key aspect)

    def ingest(
        self,
        proposals: list[Proposal],
        actor: str = SYSTEM_ACTOR,
        after: Callable[[WriteTransaction, int], None] | None = None,
    ) -> list[WriteResult]:
        """Apply ``proposals`` in one transaction; ``after(tx, now_ms)`` joins it (rollback marks its run)."""
        self.limits.check_batch(len(proposals))
        prepared = [self._prepare(p) for p in proposals]
        now_ms = int(time.time() * 1000)

        def work(tx: WriteTransaction) -> list[WriteResult]:
            writer = _BatchWriter(actor, now_ms, self.indexes, self.registry, self.max_versions)
            results = writer.apply_all(tx, prepared)
            for _round in range(SIDE_EFFECT_ROUNDS):
                follow_ups = writer.finish(tx)
                if not follow_ups:
                    break
                writer.changes = []
                writer.apply_all(tx, [self._prepare(proposal) for proposal in follow_ups])
            if after is not None:
                after(tx, now_ms)
            return results

        return self.store.transact(work, [item.target.urn for item in prepared])

    def delete_entity(self, urn: str, actor: str = SYSTEM_ACTOR) -> int:
        target = self.registry.parse_urn(urn)
        now_ms = int(time.time() * 1000)

        def work(tx: WriteTransaction) -> int:
            rows = tx.delete_entity(target.urn)
            tx.delete_timeseries(target.urn)
            for index in self.indexes:
                index.entity_deleted(tx, target)
            self._apply_deletion_follow_ups(tx, target, actor, now_ms)
            if rows:
                tx.append_change(
                    ChangeRecord(
                        target.urn,
                        target.entity.name,
                        target.entity.key_aspect,
                        "DELETE",
                        0,
                        now_ms,
                        actor,
                        None,
                        None,
                        None,
                    )
                )
            return rows

        return self.store.transact(work, [target.urn])

    def _apply_deletion_follow_ups(self, tx: WriteTransaction, target: ParsedUrn, actor: str, now_ms: int) -> None:
        """Writes a hook asks for when an entity goes (a deleted definition's values leave every entity)."""
        follow_ups = [p for i in self.indexes for p in (getattr(i, "deletion_follow_ups", lambda *_: [])(tx, target) or [])]
        if follow_ups:
            writer = _BatchWriter(actor, now_ms, self.indexes, self.registry, self.max_versions)
            for _round in range(SIDE_EFFECT_ROUNDS):
                writer.apply_all(tx, [self._prepare(proposal) for proposal in follow_ups])
                follow_ups, writer.changes = writer.finish(tx), []
                if not follow_ups:
                    break

    def delete_timeseries(
        self, urn: str, aspect: str | None = None, start_ms: int | None = None, end_ms: int | None = None
    ) -> int:
        """Remove points of one timeseries aspect (or all of them) in a time range; returns how many."""
        target = self.registry.parse_urn(urn)
        if aspect is not None and not self.registry.aspect_of(target.entity, aspect).is_timeseries:
            raise InvalidInput(f"aspectName: {aspect!r} is not a timeseries aspect", field="aspectName")
        return self.store.transact(lambda tx: tx.delete_timeseries(target.urn, aspect, start_ms, end_ms))

    def _prepare(self, proposal: Proposal) -> Prepared:
        try:
            return self._check(proposal)
        except CatalogError as exc:
            raise type(exc)(f"{proposal.label}: {exc.message}", field=exc.field) from exc

    def _parse(self, urn: Any) -> ParsedUrn:
        """``registry.parse_urn`` remembered per URN: a batch names each entity several times, re-runs name them again."""
        found = self._parsed.get(urn) if isinstance(urn, str) else None
        if found is None:
            found = self.registry.parse_urn(urn, "entityUrn")
            if len(self._parsed) >= PARSED_URNS:
                self._parsed.clear()  # bounded; a full clear is cheaper to reason about than an LRU
            self._parsed[urn] = found
        return found

    def _check(self, proposal: Proposal) -> Prepared:
        target = self._parse(proposal.urn)
        if proposal.entity_type is not None and proposal.entity_type != target.entity.name:
            raise InvalidInput(
                f"entityType: {proposal.entity_type!r} does not match the URN's entity type {target.entity.name!r}",
                field="entityType",
            )
        if proposal.change_type not in CHANGE_TYPES:
            raise InvalidInput(f"changeType: unknown change type {proposal.change_type!r}", field="changeType")
        if not proposal.aspect_name:
            raise InvalidInput("aspectName: required", field="aspectName")
        spec = self.registry.aspect_of(target.entity, proposal.aspect_name)
        self.limits.check_value(proposal.value, "aspect.value")
        if spec.is_timeseries and proposal.change_type not in {*UPSERT_LIKE, "CREATE"}:
            raise InvalidInput(
                f"changeType: timeseries aspect {spec.name!r} only takes UPSERT, not {proposal.change_type}",
                field="changeType",
            )
        if proposal.change_type in {"PATCH", "DELETE"}:
            return Prepared(proposal, target, spec)
        if not isinstance(proposal.value, dict):
            raise InvalidInput("aspect.value: the aspect must be a JSON object", field="aspect.value")
        spec.validate(proposal.value)
        if spec.name == target.entity.key_aspect and proposal.value != target.key_value:
            raise InvalidInput(f"{spec.name}: the key aspect does not match the URN {target.urn!r}", field=spec.name)
        return Prepared(proposal, target, spec)


class _BatchWriter:
    """Applies prepared proposals inside one transaction."""

    def __init__(
        self, actor: str, now_ms: int, indexes: list[DerivedIndex], registry: EntityRegistry, max_versions: int = 0
    ) -> None:
        self.actor = actor
        self.now_ms = now_ms
        self.indexes = indexes
        self.registry = registry
        self.max_versions = max_versions
        self.changes: list[AspectChange] = []
        self.keyed: set[str] = set()  # URNs whose key aspect this batch already found or wrote

    def apply_all(self, tx: WriteTransaction, items: list[Prepared]) -> list[WriteResult]:
        """Apply ``items`` in order, after reading every aspect of their entities in one round trip."""
        tx.prefetch(item.target.urn for item in items)
        return [self.apply(tx, item) for item in items]

    def apply(self, tx: WriteTransaction, item: Prepared) -> WriteResult:
        proposal, target, spec = item.proposal, item.target, item.spec
        try:
            if proposal.change_type == "CREATE_ENTITY" and tx.latest(target.urn, target.entity.key_aspect):
                raise AlreadyExists(f"entity {target.urn!r} already exists", field="entityUrn")
            if spec.is_timeseries and proposal.change_type != "DELETE":
                return self._write_point(tx, item)
            current = tx.latest(target.urn, spec.name)
            if proposal.headers:
                version = tx.max_version(target.urn, spec.name) + 1 if current else None
                conditions.check(proposal.headers, proposal.change_type, version, current.created_on if current else None)
            if proposal.change_type == "DELETE":
                return self._delete(tx, item, current)
            self._ensure_key(tx, target, proposal)
            value = proposal.value
            if proposal.change_type == "CREATE" and current is not None:
                raise AlreadyExists(f"aspect {spec.name!r} of {target.urn!r} already exists", field="aspectName")
            if proposal.change_type == "PATCH":
                value = apply_patch(spec, current.value if current else None, proposal.value, self.now_ms)
                spec.validate(value)
            value = keep_maintained_fields(spec.name, value, current.value if current else None)
            return self._write(tx, target, spec, current, value, proposal)
        except CatalogError as exc:
            raise type(exc)(f"{proposal.label}: {exc.message}", field=exc.field) from exc

    def _ensure_key(self, tx: WriteTransaction, target: ParsedUrn, proposal: Proposal) -> None:
        """DataHub materialises the key aspect on the first write to an entity (exists() reads it)."""
        key = target.entity.key_aspect
        if proposal.aspect_name == key or target.urn in self.keyed:
            return  # a batch writes several aspects per entity: look the key up once
        self.keyed.add(target.urn)
        if tx.latest(target.urn, key) is None:
            system_metadata = {**self._system_metadata(proposal), VERSION_FIELD: "1"}
            record = AspectRecord(target.urn, key, 0, target.key_value, system_metadata, self.now_ms, self.actor)
            tx.insert_version(record)
            key_change = AspectChange(target, self.registry.aspects[key], target.key_value, None, self.now_ms, self.actor)
            self._derive(tx, key_change)  # key aspects carry relationships too (dataJobKey.flow)
            self._log(tx, target, key, "UPSERT", 0, target.key_value, None, system_metadata)
            self._track_run(tx, target, key, None, system_metadata)

    def _write(
        self,
        tx: WriteTransaction,
        target: ParsedUrn,
        spec: AspectSpec,
        current: AspectRecord | None,
        value: dict[str, Any],
        proposal: Proposal,
    ) -> WriteResult:
        system_metadata = self._system_metadata(proposal)
        self._track_run(tx, target, spec.name, current, system_metadata)
        if current is not None and current.value == value:
            if current.system_metadata and VERSION_FIELD in current.system_metadata:
                system_metadata[VERSION_FIELD] = current.system_metadata[VERSION_FIELD]
            tx.update_system_metadata(target.urn, spec.name, system_metadata)
            return WriteResult(target.urn, spec.name, value, system_metadata, changed=False)
        archived = 0
        if current is not None:
            archived = tx.max_version(target.urn, spec.name) + 1
            tx.insert_version(AspectRecord(**{**current.__dict__, "version": archived}))
            if self.max_versions:
                tx.prune_versions(target.urn, spec.name, archived - self.max_versions + 1)
        system_metadata[VERSION_FIELD] = str(archived + 1)
        record = AspectRecord(target.urn, spec.name, 0, value, system_metadata, self.now_ms, self.actor)
        if current is None:
            tx.insert_version(record)
        else:
            tx.update_latest(record)
        previous = current.value if current else None
        self._derive(tx, AspectChange(target, spec, value, previous, self.now_ms, self.actor))
        self._log(tx, target, spec.name, proposal.change_type, archived, value, previous, system_metadata)
        return WriteResult(target.urn, spec.name, value, system_metadata, changed=True)

    def _write_point(self, tx: WriteTransaction, item: Prepared) -> WriteResult:
        """Timeseries aspects are points: no key aspect, no version, no derived edges (as on DataHub)."""
        target, spec = item.target, item.spec
        system_metadata = self._system_metadata(item.proposal)
        record = timeseries_record(target, spec.name, item.proposal.value, system_metadata, self.now_ms)
        changed = tx.upsert_timeseries(record)
        if changed:
            self._log(tx, target, spec.name, "UPSERT", 0, record.value, None, system_metadata)
        return WriteResult(target.urn, spec.name, record.value, system_metadata, changed=changed)

    def _delete(self, tx: WriteTransaction, item: Prepared, current: AspectRecord | None) -> WriteResult:
        target, spec = item.target, item.spec
        if spec.name == target.entity.key_aspect:
            tx.delete_entity(target.urn)
            self.keyed.discard(target.urn)
            for index in self.indexes:
                index.entity_deleted(tx, target)
        elif current is not None and tx.delete_aspect(target.urn, spec.name):
            self._track_run(tx, target, spec.name, current, self._system_metadata(item.proposal))
            self._derive(tx, AspectChange(target, spec, None, current.value, self.now_ms, self.actor))
            self._log(tx, target, spec.name, "DELETE", 0, None, current.value, item.proposal.system_metadata)
        return WriteResult(target.urn, spec.name, None, None, changed=True)

    def _track_run(
        self, tx: WriteTransaction, target: ParsedUrn, aspect: str, current: AspectRecord | None, system_metadata: dict[str, Any]
    ) -> None:
        """Ingestion runs (systemMetadata.runId) remember what they overwrote, for rollback."""
        run_id = system_metadata.get("runId")
        if not isinstance(run_id, str) or run_id in UNTRACKED_RUNS:
            return
        created = aspect == target.entity.key_aspect and current is None
        previous_value = current.value if current else None
        previous_meta = current.system_metadata if current else None
        tx.track_run(RunAspect(run_id, target.urn, aspect, previous_value, previous_meta, created, self.now_ms, self.now_ms))

    def _derive(self, tx: WriteTransaction, change: AspectChange) -> None:
        self.changes.append(change)
        for index in self.indexes:
            index.aspect_changed(tx, change)

    def finish(self, tx: WriteTransaction) -> list[Proposal]:
        """Let every hook judge the batch; collect the side-effect proposals they ask for."""
        follow_ups: list[Proposal] = []
        for index in self.indexes:
            finished = getattr(index, "batch_finished", None)  # optional: most indexes work per change
            if finished is not None:
                follow_ups.extend(finished(tx, self.changes) or [])
        return follow_ups

    def _system_metadata(self, proposal: Proposal) -> dict[str, Any]:
        system_metadata = dict(proposal.system_metadata or {})
        system_metadata.setdefault("lastObserved", self.now_ms)
        system_metadata.setdefault("runId", "no-run-id-provided")
        system_metadata.setdefault("lastRunId", "no-run-id-provided")
        return system_metadata

    def _log(
        self,
        tx: WriteTransaction,
        target: ParsedUrn,
        aspect: str,
        change_type: str,
        version: int,
        value: dict[str, Any] | None,
        previous: dict[str, Any] | None,
        system_metadata: dict[str, Any] | None,
    ) -> None:
        change = ChangeRecord(
            target.urn,
            target.entity.name,
            aspect,
            change_type,
            version,
            self.now_ms,
            self.actor,
            value,
            previous,
            system_metadata,
        )
        tx.append_change(change)
