"""Which arrays DataHub's aspect templates address by key when a patch is a plain op list.

A plain JSON Patch (no ``arrayPrimaryKeys``) on ``ownership`` writes ``/owners/<owner>/<type>``;
DataHub's per-aspect templates decide that ``owners`` is keyed by ``owner`` then ``type``. This
table records those choices for the aspects the SDK's patch builders touch. ``*`` in a path means
"inside every element of the keyed array above" (tags of each schema field).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlcatalog.errors import InvalidInput

FINE_GRAINED_FIELD = "fineGrainedLineages"
_DEFAULT_CONFIDENCE = 1.0
_DEFAULT_QUERY = "NONE"
_DEFAULT_TRANSFORM = "NONE"


@dataclass(frozen=True)
class KeyedArray:
    path: tuple[str, ...]
    keys: tuple[str, ...]  # empty: an array of strings keyed by the value itself


def _keyed(path: str, *keys: str) -> KeyedArray:
    return KeyedArray(tuple(path.split("/")), keys)


TEMPLATES: dict[str, tuple[KeyedArray, ...]] = {
    "ownership": (_keyed("owners", "owner", "type"),),
    "globalTags": (_keyed("tags", "tag"),),
    "glossaryTerms": (_keyed("terms", "urn"),),
    "institutionalMemory": (_keyed("elements", "url"),),
    "structuredProperties": (_keyed("properties", "propertyUrn"),),
    "domains": (_keyed("domains"),),
    "siblings": (_keyed("siblings"),),
    "upstreamLineage": (_keyed("upstreams", "dataset"),),
    "dataJobInputOutput": (
        _keyed("inputDatajobEdges", "destinationUrn"),
        _keyed("inputDatasetEdges", "destinationUrn"),
        _keyed("outputDatasetEdges", "destinationUrn"),
        _keyed("inputDatasetFields"),
        _keyed("outputDatasetFields"),
    ),
    "editableSchemaMetadata": (
        _keyed("editableSchemaFieldInfo", "fieldPath"),
        _keyed("editableSchemaFieldInfo/*/globalTags/tags", "tag"),
        _keyed("editableSchemaFieldInfo/*/glossaryTerms/terms", "urn"),
    ),
    "chartInfo": (_keyed("inputEdges", "destinationUrn"),),
    "dashboardInfo": (_keyed("chartEdges", "destinationUrn"), _keyed("datasetEdges", "destinationUrn")),
    "dataProductProperties": (_keyed("assets", "destinationUrn"),),
}
# Aspects whose fineGrainedLineages are patched as transform -> downstream -> query -> upstream.
FINE_GRAINED_ASPECTS = frozenset({"upstreamLineage", "dataJobInputOutput"})


def fine_grained_to_map(lineages: Any) -> dict[str, Any]:
    """``[{downstreams:[d], upstreams:[u...], ...}]`` -> ``{op: {d: {query: {u: {confidenceScore...}}}}}``."""
    result: dict[str, Any] = {}
    if not isinstance(lineages, list):
        return result
    for lineage in lineages:
        if not isinstance(lineage, dict):
            continue
        downstreams = lineage.get("downstreams") or []
        if len(downstreams) != 1:
            raise InvalidInput(
                f"{FINE_GRAINED_FIELD}: patching needs exactly one downstream per fine-grained lineage",
                field=FINE_GRAINED_FIELD,
            )
        upstreams = lineage.get("upstreams") or []
        upstream_type = lineage.get("upstreamType") or _default_upstream_type(upstreams)
        leaf = {
            "confidenceScore": lineage.get("confidenceScore", _DEFAULT_CONFIDENCE),
            "upstreamType": upstream_type,
            "downstreamType": lineage.get("downstreamType") or "FIELD",
        }
        node = result.setdefault(lineage.get("transformOperation") or _DEFAULT_TRANSFORM, {})
        node = node.setdefault(downstreams[0], {}).setdefault(lineage.get("query") or _DEFAULT_QUERY, {})
        for upstream in dict.fromkeys(upstreams):
            node[upstream] = dict(leaf)
    return result


def fine_grained_to_list(mapped: Any) -> Any:
    if not isinstance(mapped, dict):
        return mapped if isinstance(mapped, list) else []
    lineages = []
    for transform, downstreams in mapped.items():
        for downstream, queries in (downstreams or {}).items():
            for query, upstreams in (queries or {}).items():
                if upstreams:
                    lineages.append(_lineage(transform, downstream, query, upstreams))
    return lineages


def _lineage(transform: str, downstream: str, query: str, upstreams: dict[str, Any]) -> dict[str, Any]:
    confidence, upstream_type, downstream_type = _DEFAULT_CONFIDENCE, "FIELD_SET", "FIELD"
    for leaf in upstreams.values():
        if not isinstance(leaf, dict):
            continue
        score = leaf.get("confidenceScore")
        if isinstance(score, (int, float)) and score <= confidence:
            confidence = score
        upstream_type = leaf.get("upstreamType", upstream_type)
        downstream_type = leaf.get("downstreamType", downstream_type)
    lineage: dict[str, Any] = {
        "upstreamType": upstream_type,
        "upstreams": list(upstreams),
        "downstreamType": downstream_type,
        "downstreams": [downstream],
        "confidenceScore": float(confidence),
        "transformOperation": transform,
    }
    if query and query != _DEFAULT_QUERY:
        lineage["query"] = query
    return lineage


def _default_upstream_type(upstreams: list[Any]) -> str:
    first = upstreams[0] if upstreams else ""
    return "DATASET" if isinstance(first, str) and first.startswith("urn:li:dataset:") else "FIELD_SET"
