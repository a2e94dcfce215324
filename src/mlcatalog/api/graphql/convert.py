"""Aspect JSON → DataHub GraphQL shapes (Ownership, GlobalTags, ...), shared by every entity type."""

from __future__ import annotations

from typing import Any

from mlcatalog.api.graphql.loader import EntityRef

UNKNOWN_ACTOR = "urn:li:corpuser:unknown"


def stamp(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if not value:
        return None
    return {"time": value.get("time", 0), "actor": value.get("actor")}


def custom_properties(ref: EntityRef, value: dict[str, Any] | None) -> list[dict[str, Any]]:
    entries = (value or {}).get("customProperties") or {}
    return [{"key": k, "value": v, "associatedUrn": ref.urn} for k, v in entries.items()]


def ownership(ref: EntityRef) -> dict[str, Any] | None:
    value = ref.aspect("ownership")
    if value is None:
        return None
    owners = []
    for owner in value.get("owners", []):
        target = ref.loader.ref(owner.get("owner"))
        if target is not None:
            owners.append({"owner": target, "type": owner.get("type"), "associatedUrn": ref.urn})
    last = stamp(value.get("lastModified")) or {"time": 0, "actor": UNKNOWN_ACTOR}
    return {"owners": owners, "lastModified": last}


def global_tags(ref: EntityRef) -> dict[str, Any] | None:
    value = ref.aspect("globalTags")
    if value is None:
        return None
    tags = [
        {"tag": tag, "associatedUrn": ref.urn, "context": item.get("context")}
        for item in value.get("tags", [])
        if (tag := ref.loader.ref(item.get("tag"))) is not None
    ]
    return {"tags": tags}


def glossary_terms(ref: EntityRef) -> dict[str, Any] | None:
    value = ref.aspect("glossaryTerms")
    if value is None:
        return None
    terms = [
        {"term": term, "associatedUrn": ref.urn}
        for item in value.get("terms", [])
        if (term := ref.loader.ref(item.get("urn"))) is not None
    ]
    return {"terms": terms, "auditStamp": stamp(value.get("auditStamp"))}


def domain(ref: EntityRef) -> dict[str, Any] | None:
    value = ref.aspect("domains") or {}
    for urn in value.get("domains", []):
        target = ref.loader.ref(urn)
        if target is not None:
            return {"domain": target, "associatedUrn": ref.urn}
    return None


def institutional_memory(ref: EntityRef) -> dict[str, Any] | None:
    value = ref.aspect("institutionalMemory")
    if value is None:
        return None
    elements = [
        {
            "url": element.get("url"),
            "label": element.get("description", ""),
            "description": element.get("description", ""),
            "created": stamp(element.get("createStamp")) or {"time": 0, "actor": UNKNOWN_ACTOR},
            "associatedUrn": ref.urn,
        }
        for element in value.get("elements", [])
    ]
    return {"elements": elements}


def platform(ref: EntityRef) -> EntityRef | None:
    """From the key (datasets, models, groups) or the dataPlatformInstance aspect."""
    instance = ref.aspect("dataPlatformInstance") or {}
    return ref.loader.ref(ref.key.get("platform") or instance.get("platform"))


def platform_instance(ref: EntityRef) -> dict[str, Any] | None:
    target = platform(ref)
    if target is None:
        return None
    instance = ref.aspect("dataPlatformInstance") or {}
    return {"platform": target, "instanceId": instance.get("instance")}
