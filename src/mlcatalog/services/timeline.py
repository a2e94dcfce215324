"""An entity's change history as DataHub's timeline API shapes it (``datahub timeline``).

Built from the change log the write path keeps: each aspect change is compared with the value
it replaced, per category (tags, owners, terms, domains, documentation, ...), into ADD / REMOVE /
MODIFY events. Changes written in the same batch (same time, same actor) form one transaction;
a running semantic version grows by the largest change in each (MAJOR > MINOR > PATCH).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mlcatalog.errors import InvalidInput
from mlcatalog.registry.entities import EntityRegistry
from mlcatalog.store.base import ChangeRecord, Store

Elements = dict[str, tuple[str, Any]]  # element id -> (modifier urn/name, comparable detail)
CATEGORIES = (
    "TAG",
    "OWNERSHIP",
    "GLOSSARY_TERM",
    "TECHNICAL_SCHEMA",
    "DOCUMENTATION",
    "DOMAIN",
    "STRUCTURED_PROPERTY",
    "APPLICATION",
    "ASSET_MEMBERSHIP",
    "VERSIONING",
)
_RANK = {"NONE": 0, "PATCH": 1, "MINOR": 2, "MAJOR": 3}


@dataclass
class Transaction:
    timestamp: int
    actor: str
    version_stamps: list[str] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


def _tags(value: dict[str, Any]) -> Elements:
    return {t["tag"]: (t["tag"], None) for t in value.get("tags") or [] if isinstance(t, dict) and "tag" in t}


def _terms(value: dict[str, Any]) -> Elements:
    return {t["urn"]: (t["urn"], None) for t in value.get("terms") or [] if isinstance(t, dict) and "urn" in t}


def _owners(value: dict[str, Any]) -> Elements:
    found: Elements = {}
    for owner in value.get("owners") or []:
        if isinstance(owner, dict) and "owner" in owner:
            found[owner["owner"]] = (owner["owner"], owner.get("typeUrn") or owner.get("type"))
    return found


def _domains(value: dict[str, Any]) -> Elements:
    urns = [d for d in value.get("domains") or [] if isinstance(d, str)]
    urns += [d["domain"] for d in value.get("domainAssociations") or [] if isinstance(d, dict) and "domain" in d]
    return {urn: (urn, None) for urn in urns}


def _structured(value: dict[str, Any]) -> Elements:
    props = value.get("properties") or []
    return {p["propertyUrn"]: (p["propertyUrn"], p.get("values")) for p in props if isinstance(p, dict) and "propertyUrn" in p}


def _documentation(value: dict[str, Any]) -> Elements:
    found: Elements = {}
    if isinstance(value.get("description"), str):
        found["description"] = ("description", value["description"])
    for link in value.get("elements") or []:
        if isinstance(link, dict) and "url" in link:
            found[link["url"]] = (link["url"], link.get("description"))
    return found


def _schema(value: dict[str, Any]) -> Elements:
    fields = value.get("fields") or []
    return {f["fieldPath"]: (f["fieldPath"], f.get("nativeDataType")) for f in fields if isinstance(f, dict) and "fieldPath" in f}


def _versioning(value: dict[str, Any]) -> Elements:
    found: Elements = {}
    version = (value.get("version") or {}).get("versionTag")
    if version:
        found["version"] = ("version", version)
    for alias in value.get("aliases") or []:
        if isinstance(alias, dict) and alias.get("versionTag"):
            found[f"alias:{alias['versionTag']}"] = (alias["versionTag"], None)
    return found


def _membership(value: dict[str, Any]) -> Elements:
    urns = [value["container"]] if isinstance(value.get("container"), str) else []
    urns += [d for d in value.get("dataProducts") or [] if isinstance(d, str)]
    return {urn: (urn, None) for urn in urns}


def _applications(value: dict[str, Any]) -> Elements:
    return {a: (a, None) for a in value.get("applications") or [] if isinstance(a, str)}


# aspect -> (category, extractor, semVer change for add/remove, label)
_ASPECTS: dict[str, tuple[str, Callable[[dict[str, Any]], Elements], str, str]] = {
    "globalTags": ("TAG", _tags, "MINOR", "Tag"),
    "glossaryTerms": ("GLOSSARY_TERM", _terms, "MINOR", "Term"),
    "ownership": ("OWNERSHIP", _owners, "MINOR", "Owner"),
    "domains": ("DOMAIN", _domains, "MINOR", "Domain"),
    "structuredProperties": ("STRUCTURED_PROPERTY", _structured, "MINOR", "Structured property"),
    "institutionalMemory": ("DOCUMENTATION", _documentation, "PATCH", "Link"),
    "schemaMetadata": ("TECHNICAL_SCHEMA", _schema, "MAJOR", "Field"),
    "versionProperties": ("VERSIONING", _versioning, "MINOR", "Version"),
    "container": ("ASSET_MEMBERSHIP", _membership, "MINOR", "Container"),
    "dataProducts": ("ASSET_MEMBERSHIP", _membership, "MINOR", "Data product"),
    "applications": ("APPLICATION", _applications, "MINOR", "Application"),
}


def _spec_for(aspect: str) -> tuple[str, Callable[[dict[str, Any]], Elements], str, str] | None:
    if aspect in _ASPECTS:
        return _ASPECTS[aspect]
    if aspect.endswith("Properties") or aspect.startswith("editable"):  # their description is documentation
        return ("DOCUMENTATION", _description, "PATCH", "Description")
    return None


def _description(value: dict[str, Any]) -> Elements:
    return {"description": ("description", value["description"])} if isinstance(value.get("description"), str) else {}


class TimelineService:
    def __init__(self, store: Store, registry: EntityRegistry) -> None:
        self.store = store
        self.registry = registry

    def timeline(
        self, urn: str, categories: Sequence[str], start_ms: int | None = None, end_ms: int | None = None
    ) -> list[dict[str, Any]]:
        target = self.registry.parse_urn(urn)
        wanted = {c.strip().upper() for c in categories if c.strip()} or set(CATEGORIES)
        unknown = wanted - set(CATEGORIES)
        if unknown:
            raise InvalidInput(
                f"categories: unknown {sorted(unknown)}; expected some of {', '.join(CATEGORIES)}", field="categories"
            )
        transactions: list[Transaction] = []
        for change in self.store.history.change_log(target.urn):
            if (start_ms is not None and change.created_on < start_ms) or (end_ms is not None and change.created_on > end_ms):
                continue
            events = _events(change, wanted)
            if not events:
                continue
            last = transactions[-1] if transactions else None
            if last is None or (last.timestamp, last.actor) != (change.created_on, change.actor):
                last = Transaction(change.created_on, change.actor)
                transactions.append(last)
            last.version_stamps.append(f"{change.aspect}:{change.version + 1}")  # the log holds the replaced version
            last.events.extend(events)
        return _with_sem_ver(transactions)


def _events(change: ChangeRecord, wanted: set[str]) -> list[dict[str, Any]]:
    spec = _spec_for(change.aspect)
    if spec is None or spec[0] not in wanted:
        return []
    category, extract, sem_ver, label = spec
    before = extract(change.previous_value or {})
    after = extract(change.value or {})
    stamp = {"time": change.created_on, "actor": change.actor}
    events = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key in before and key in after and before[key][1] == after[key][1]:
            continue
        operation = "ADD" if key not in before else "REMOVE" if key not in after else "MODIFY"
        modifier = (after.get(key) or before[key])[0]
        level = sem_ver if operation != "MODIFY" or category != "TECHNICAL_SCHEMA" else "MINOR"
        verb = {"ADD": "added to", "REMOVE": "removed from", "MODIFY": "changed on"}[operation]
        events.append(
            {
                "entityUrn": change.urn,
                "category": category,
                "operation": operation,
                "modifier": modifier,
                "semVerChange": "MINOR" if operation == "ADD" and level == "MAJOR" else level,
                "description": f"{label} '{modifier}' {verb} entity '{change.urn}'.",
                "auditStamp": stamp,
                "parameters": {"aspect": change.aspect},
            }
        )
    return events


def _with_sem_ver(transactions: list[Transaction]) -> list[dict[str, Any]]:
    major, minor, patch = 0, 0, 0
    result = []
    for txn in transactions:
        change = max((e["semVerChange"] for e in txn.events), key=lambda level: _RANK[level])
        if change == "MAJOR":
            major, minor, patch = major + 1, 0, 0
        elif change == "MINOR":
            minor, patch = minor + 1, 0
        else:
            patch += 1
        result.append(
            {
                "timestamp": txn.timestamp,
                "actor": txn.actor,
                "semVer": f"{major}.{minor}.{patch}-computed",
                "semVerChange": change,
                "versionStamp": ";".join(txn.version_stamps),
                "changeEvents": txn.events,
            }
        )
    return result
