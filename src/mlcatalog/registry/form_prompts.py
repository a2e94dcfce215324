"""``formInfo`` as DataHub's newer servers accept it: prompt types past acryl-datahub 1.7's enum.

The pinned SDK knows only STRUCTURED_PROPERTY and FIELDS_STRUCTURED_PROPERTY prompts, but DataHub's
servers also store ownership, documentation, glossary-term and domain prompts with their parameters.
The schema the server validates ``formInfo`` against is the SDK's, widened: every form the SDK can send
still validates unchanged, and forms written by newer clients (GraphQL, OpenAPI, raw JSON) are kept.
"""

from __future__ import annotations

import json
from typing import Any

import avro.schema

NEWER_PROMPT_TYPES = ("OWNERSHIP", "DOCUMENTATION", "FIELDS_DOCUMENTATION", "GLOSSARY_TERMS", "FIELDS_GLOSSARY_TERMS", "DOMAIN")
_URNS = {"type": "array", "items": "string"}
_CARDINALITY = {"type": "enum", "name": "PromptCardinality", "symbols": ["SINGLE", "MULTIPLE"]}
NEWER_PARAMS = {
    "ownershipParams": (
        "OwnershipParams",
        [("cardinality", _CARDINALITY), ("allowedOwners", _URNS), ("allowedOwnershipTypes", _URNS)],
    ),
    "glossaryTermsParams": (
        "GlossaryTermsParams",
        [("cardinality", "PromptCardinality"), ("allowedTerms", _URNS), ("allowedTermGroups", _URNS)],
    ),
    "domainParams": ("DomainParams", [("allowedDomains", _URNS)]),
}


def newer_form_info_schema(schema: avro.schema.RecordSchema) -> avro.schema.RecordSchema:
    """The SDK's ``FormInfo`` schema with the newer prompt types and their optional params added."""
    document = schema.to_json()
    prompt = _prompt_record(document)
    namespace = prompt.get("namespace", "com.linkedin.pegasus2avro.form")
    for field in prompt["fields"]:
        if field["name"] == "type":
            symbols = field["type"]["symbols"]
            symbols.extend(s for s in NEWER_PROMPT_TYPES if s not in symbols)
    known = {field["name"] for field in prompt["fields"]}
    for name, (record, fields) in NEWER_PARAMS.items():
        if name in known:
            continue
        members = [{"name": f, "type": ["null", _named(t, namespace)], "default": None} for f, t in fields]
        params = {"type": "record", "name": record, "namespace": namespace, "fields": members}
        prompt["fields"].append({"name": name, "type": ["null", params], "default": None})
    return avro.schema.parse(json.dumps(document))  # type: ignore[return-value]


def _named(kind: Any, namespace: str) -> Any:
    if isinstance(kind, dict) and kind.get("type") == "enum":
        return {**kind, "namespace": namespace}
    if isinstance(kind, str) and kind[0].isupper():
        return f"{namespace}.{kind}"
    return kind


def _prompt_record(document: dict[str, Any]) -> dict[str, Any]:
    for field in document["fields"]:
        if field["name"] == "prompts":
            return field["type"]["items"]  # type: ignore[no-any-return]
    raise LookupError("formInfo has no prompts field")
