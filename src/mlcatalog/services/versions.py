"""Version sets as DataHub keeps them: ``isLatest`` true on exactly one version (the highest sortId),
and the set's ``versionSetProperties.latest`` pointing at it."""

from __future__ import annotations

from typing import Any

from mlcatalog.registry.entities import ParsedUrn
from mlcatalog.services.derived import AspectChange
from mlcatalog.services.proposals import Proposal
from mlcatalog.store.base import WriteTransaction

DEFAULT_SCHEME = "LEXICOGRAPHIC_STRING"
MAX_VERSIONS = 10_000


class VersionSetMaintainer:
    def aspect_changed(self, tx: WriteTransaction, change: AspectChange) -> None:
        return None

    def entity_deleted(self, tx: WriteTransaction, target: ParsedUrn) -> None:
        return None

    def batch_finished(self, tx: WriteTransaction, changes: list[AspectChange]) -> list[Proposal]:
        touched = {
            value["versionSet"]
            for change in changes
            if change.spec.name == "versionProperties"
            for value in (change.value, change.previous)
            if value and value.get("versionSet")
        }
        if not touched:
            return []
        sources = tx.sources_among(sorted(touched), "VersionOf")
        tx.prefetch([*touched, *(urn for urns in sources.values() for urn in urns)])  # one read for every set
        proposals: list[Proposal] = []
        for version_set in sorted(touched):
            proposals.extend(self._settle(tx, version_set, sources.get(version_set, [])[:MAX_VERSIONS]))
        return proposals

    def _settle(self, tx: WriteTransaction, version_set: str, sources: list[str]) -> list[Proposal]:
        members: list[tuple[str, dict[str, Any]]] = []
        for urn in sources:
            record = tx.latest(urn, "versionProperties")
            if record is not None and record.value.get("versionSet") == version_set:
                members.append((urn, record.value))
        if not members:
            return []
        latest_urn, latest = max(members, key=lambda m: (m[1].get("sortId") or "", m[0]))
        proposals = [
            Proposal(urn, "versionProperties", value={**value, "isLatest": urn == latest_urn}, label="versionSet side effect")
            for urn, value in members
            if bool(value.get("isLatest")) != (urn == latest_urn)
        ]
        current = tx.latest(version_set, "versionSetProperties")
        wanted = {
            **(current.value if current else {}),
            "latest": latest_urn,
            "versioningScheme": latest.get("versioningScheme") or DEFAULT_SCHEME,
        }
        if current is None or current.value != wanted:
            proposals.append(Proposal(version_set, "versionSetProperties", value=wanted, label="versionSet side effect"))
        return proposals


def keep_maintained_fields(aspect: str, value: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """An incoming ``versionProperties`` without ``isLatest`` keeps the stored flag: the server maintains it,
    and clients (ingestion sources re-sending the same versions) never send it. Without this every re-run
    rewrote the latest version twice (flag dropped, then restored by the side effect)."""
    if aspect == "versionProperties" and current and "isLatest" in current and "isLatest" not in value:
        return {**value, "isLatest": current["isLatest"]}
    return value
