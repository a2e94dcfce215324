"""Page contents: what each page shows, gathered through CatalogData. No HTTP here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mlcatalog.errors import CatalogError
from mlcatalog.store.base import ChangeRecord
from mlcatalog.ui import lineage_svg
from mlcatalog.ui.data import FACETS, CatalogData
from mlcatalog.ui.governance import form_rows, structured_rows
from mlcatalog.ui.summaries import Summary, aliases, metrics, urn_id

PAGE_SIZE = 10
KEY_METRICS = 3
FACET_TITLES = {
    "type": "Type",
    "platform": "Platform",
    "env": "Environment",
    "tag": "Tags",
    "term": "Glossary terms",
    "domain": "Domain",
    "owner": "Owners",
    "deprecated": "Deprecation",
}
OWNER_TYPES = ("TECHNICAL_OWNER", "BUSINESS_OWNER", "DATA_STEWARD", "DATAOWNER", "PRODUCER", "DEVELOPER", "CONSUMER", "NONE")


@dataclass
class VersionRow:
    summary: Summary
    version: str
    aliases: list[str]
    created: int
    metrics: dict[str, str]


def home(data: CatalogData) -> dict[str, Any]:
    counts = {label: data.counts_by_platform_env(t) for label, t in (("Model groups", "mlModelGroup"), ("Models", "mlModel"))}
    recent = data.recently_changed("mlModelGroup")
    return {
        "counts": {label: sorted(c.items()) for label, c in counts.items()},
        "recent": recent,
        "totals": {label: sum(c.values()) for label, c in counts.items()},
    }


def search(data: CatalogData, query: str, filters: dict[str, list[str]], page: int) -> dict[str, Any]:
    result = data.search(query, filters, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    pages = max((result.total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return {
        "query": query,
        "filters": filters,
        "result": result,
        "page": page,
        "pages": pages,
        "facet_titles": FACET_TITLES,
        "facet_order": FACETS,
    }


LABEL_TYPES = {"corpuser", "corpGroup", "tag", "glossaryTerm", "domain"}


def entity(data: CatalogData, urn: str) -> dict[str, Any] | None:
    view = data.view(urn)
    summary = data.summary(urn)
    if view is None or summary is None:
        return _referenced_only(data, urn)
    aspects = {name: record.value for name, record in view.aspects.items()}
    context: dict[str, Any] = {
        "summary": summary,
        "aspects": aspects,
        "deprecation": aspects.get("deprecation") if summary.deprecated else None,
        "links": (aspects.get("institutionalMemory") or {}).get("elements", []),
        "structured": structured_rows(data, aspects.get("structuredProperties")),
        "forms": form_rows(data, aspects.get("forms")),
        "history": [describe_change(c, data) for c in data.history(urn)],
        "owner_types": OWNER_TYPES,
        "curatable": summary.entity_type in {"mlModelGroup", "mlModel", "dataset", "dataJob", "dataFlow"},
    }
    if summary.entity_type in {"mlModelGroup", "mlModel", "dataset", "dataJob", "dataFlow", "dataProcessInstance"}:
        graph = data.lineage(urn, hops=2)
        context["lineage"] = graph
        context["lineage_layout"] = lineage_svg.layout(graph)
    if summary.entity_type == "mlModelGroup":
        context["versions"], context["metric_names"] = versions(data, urn)
    if summary.entity_type == "mlModel":
        context.update(_model(data, aspects))
    if summary.entity_type in LABEL_TYPES:
        context["labelled_total"], context["labelled"] = data.labelled_by(urn, summary.entity_type)
    return context


def _referenced_only(data: CatalogData, urn: str) -> dict[str, Any] | None:
    """A tag, term, user, group or domain that labels something but was never written as an entity of
    its own (DataHub's clients add tags by URN alone) still gets its page."""
    entity_type = urn.split(":", 3)[2] if urn.count(":") >= 3 else ""
    if entity_type not in LABEL_TYPES:
        return None
    try:
        total, labelled = data.labelled_by(urn, entity_type)
    except CatalogError:
        return None
    if not total:
        return None
    summary = Summary(urn=urn, entity_type=entity_type, name=urn_id(urn))
    return {
        "summary": summary,
        "aspects": {},
        "deprecation": None,
        "links": [],
        "structured": [],
        "history": [],
        "owner_types": OWNER_TYPES,
        "curatable": False,
        "labelled_total": total,
        "labelled": labelled,
    }


def versions(data: CatalogData, group_urn: str) -> tuple[list[VersionRow], list[str]]:
    rows = []
    for member in data.members_of_group(group_urn):
        aspects = {n: r.value for n, r in (data.view(member.urn).aspects.items() if data.view(member.urn) else [])}
        props = aspects.get("mlModelProperties") or {}
        version_props = aspects.get("versionProperties") or {}
        version = ((version_props.get("version") or {}).get("versionTag")) or (props.get("version") or {}).get("versionTag") or ""
        created = (props.get("created") or {}).get("time") or props.get("date") or 0
        rows.append(VersionRow(member, version, aliases(version_props), created, dict(metrics(props.get("trainingMetrics")))))
    rows.sort(key=lambda r: (r.created, _natural(r.version)), reverse=True)
    names: list[str] = []
    for row in rows:
        names += [n for n in row.metrics if n not in names]
    return rows, names[:KEY_METRICS]


def _model(data: CatalogData, aspects: dict[str, Any]) -> dict[str, Any]:
    props = aspects.get("mlModelProperties") or {}
    version_props = aspects.get("versionProperties") or {}
    groups = [(g, data.name_of(g)) for g in props.get("groups", [])]
    version = (version_props.get("version") or {}).get("versionTag") or (props.get("version") or {}).get("versionTag")
    return {
        "hyper_params": metrics(props.get("hyperParams")),
        "training_metrics": metrics(props.get("trainingMetrics")),
        "online_metrics": metrics(props.get("onlineMetrics")),
        "model_groups": groups,
        "version": version,
        "aliases": aliases(version_props),
        "created": (props.get("created") or {}).get("time") or props.get("date"),
    }


def _natural(text: str) -> list[Any]:
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text or "") if part]


@dataclass
class ChangeLine:
    change: ChangeRecord
    actor_name: str
    what: str


LABELLED_LISTS = {"globalTags": ("tags", "tag"), "glossaryTerms": ("terms", "urn"), "ownership": ("owners", "owner")}
ASPECT_TITLES = {
    "globalTags": "tags",
    "glossaryTerms": "glossary terms",
    "ownership": "owners",
    "domains": "domain",
    "deprecation": "deprecation",
    "institutionalMemory": "links",
    "editableMlModelGroupProperties": "description",
    "editableMlModelProperties": "description",
    "mlModelGroupProperties": "properties",
    "mlModelProperties": "properties",
    "versionProperties": "version",
}


def describe_change(change: ChangeRecord, data: CatalogData) -> ChangeLine:
    """One history line: who, and in words what changed (added and removed labels where it can tell)."""
    title = ASPECT_TITLES.get(change.aspect, change.aspect)
    what = f"{'removed' if change.change_type == 'DELETE' else 'set'} {title}"
    if change.aspect in LABELLED_LISTS:
        field, key = LABELLED_LISTS[change.aspect]
        before = {i.get(key) for i in (change.previous_value or {}).get(field, [])}
        after = {i.get(key) for i in (change.value or {}).get(field, [])}
        parts = [f"added {urn_id(u)}" for u in sorted(after - before)] + [f"removed {urn_id(u)}" for u in sorted(before - after)]
        what = f"{title}: {', '.join(parts)}" if parts else f"set {title}"
    elif change.aspect == "deprecation":
        what = "deprecated" if (change.value or {}).get("deprecated") else "undeprecated"
    elif change.aspect == "domains":
        domains = (change.value or {}).get("domains") or []
        what = f"domain set to {urn_id(domains[0])}" if domains else "domain removed"
    elif change.aspect.endswith("Key"):
        what = "created"
    return ChangeLine(change, data.name_of(change.actor), what)
