"""Aspect JSON → what a page shows: names, descriptions, labels, governance. Pure functions, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlcatalog.services.entities import EntityView

# The aspect that carries an entity type's name and description, and its editable twin (UI edits go
# there, as on DataHub, so a connector re-ingesting the properties never overwrites a person's text).
PROPERTIES_ASPECT = {
    "mlModelGroup": ("mlModelGroupProperties", "editableMlModelGroupProperties"),
    "mlModel": ("mlModelProperties", "editableMlModelProperties"),
    "dataset": ("datasetProperties", "editableDatasetProperties"),
    "dataJob": ("dataJobInfo", "editableDataJobProperties"),
    "dataFlow": ("dataFlowInfo", "editableDataFlowProperties"),
    "corpuser": ("corpUserInfo", "corpUserEditableInfo"),
    "corpGroup": ("corpGroupInfo", "corpGroupEditableInfo"),
    "tag": ("tagProperties", None),
    "glossaryTerm": ("glossaryTermInfo", None),
    "domain": ("domainProperties", None),
    "dataProcessInstance": ("dataProcessInstanceProperties", None),
}
TYPE_LABELS = {
    "mlModelGroup": "Model group",
    "mlModel": "Model",
    "dataset": "Dataset",
    "dataJob": "Job",
    "dataFlow": "Pipeline",
    "dataProcessInstance": "Run",
    "corpuser": "User",
    "corpGroup": "Group",
    "tag": "Tag",
    "glossaryTerm": "Term",
    "domain": "Domain",
    "mlFeature": "Feature",
}


@dataclass(frozen=True)
class Label:
    """A reference to another entity as a page shows it: its URN and a readable name."""

    urn: str
    name: str
    detail: str | None = None  # owner type, context, ...


@dataclass
class Summary:
    urn: str
    entity_type: str
    name: str
    description: str = ""
    platform: str | None = None
    env: str | None = None
    tags: list[Label] = field(default_factory=list)
    terms: list[Label] = field(default_factory=list)
    owners: list[Label] = field(default_factory=list)
    domain: Label | None = None
    deprecated: bool = False
    custom_properties: dict[str, str] = field(default_factory=dict)
    last_modified: int = 0

    @property
    def type_label(self) -> str:
        return TYPE_LABELS.get(self.entity_type, self.entity_type)


def urn_id(urn: str) -> str:
    """The readable tail of a URN: ``urn:li:tag:nlp`` → ``nlp``; a tuple key → its name part."""
    body = urn.split(":", 3)[3] if urn.count(":") >= 3 else urn
    if body.startswith("(") and body.endswith(")"):
        parts = _split_tuple(body[1:-1])
        named = [p for p in parts if not p.startswith("urn:") and p.upper() not in ENVS]
        return named[0] if named else parts[-1]
    return body


ENVS = {"PROD", "DEV", "QA", "TEST", "UAT", "EI", "PRE", "STG", "NON_PROD", "CORP", "RVW", "PRD", "TST", "SIT", "SBX", "SANDBOX"}


def _split_tuple(body: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in body:
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += char == "("
        depth -= char == ")"
        current += char
    parts.append(current)
    return parts


def summarize(view: EntityView) -> Summary:
    aspects = {name: record.value for name, record in view.aspects.items()}
    key = aspects.get(view.entity.key_aspect, {})
    main_name, editable_name = PROPERTIES_ASPECT.get(view.entity.name, (None, None))
    main = aspects.get(main_name or "", {}) or {}
    editable = aspects.get(editable_name or "", {}) or {}
    name = main.get("displayName") or main.get("name") or key.get("name") or key.get("id") or urn_id(view.urn)
    description = editable.get("description") or main.get("description") or main.get("definition") or ""
    platform = key.get("platform") or (aspects.get("dataPlatformInstance") or {}).get("platform")
    deprecation = aspects.get("deprecation") or {}
    return Summary(
        urn=view.urn,
        entity_type=view.entity.name,
        name=str(name),
        description=str(description),
        platform=urn_id(platform) if platform else None,
        env=key.get("origin") or key.get("env") or main.get("env"),
        tags=[Label(t["tag"], urn_id(t["tag"])) for t in (aspects.get("globalTags") or {}).get("tags", [])],
        terms=[Label(t["urn"], urn_id(t["urn"])) for t in (aspects.get("glossaryTerms") or {}).get("terms", [])],
        owners=[Label(o["owner"], urn_id(o["owner"]), o.get("type")) for o in (aspects.get("ownership") or {}).get("owners", [])],
        domain=next((Label(d, urn_id(d)) for d in (aspects.get("domains") or {}).get("domains", [])), None),
        deprecated=bool(deprecation.get("deprecated")),
        custom_properties={str(k): str(v) for k, v in (main.get("customProperties") or {}).items()},
        last_modified=max((record.created_on for record in view.aspects.values()), default=0),
    )


def aliases(version_properties: dict[str, Any] | None) -> list[str]:
    return [a["versionTag"] for a in (version_properties or {}).get("aliases", []) if a.get("versionTag")]


def metrics(values: list[dict[str, Any]] | None) -> list[tuple[str, str]]:
    """``trainingMetrics`` / ``hyperParams`` entries as (name, value) rows."""
    return [(str(m.get("name")), "" if m.get("value") is None else str(m.get("value"))) for m in values or []]
