"""Resolvers for forms.graphql: structured property values with their definitions, form completion,
and the two mutations the ``datahub forms upsert`` CLI sends (batchAssignForm, createDynamicFormAssignment)."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, UnionType
from graphql import GraphQLResolveInfo

from mlcatalog.api.deps import actor
from mlcatalog.api.graphql.entities import SharedFieldsType
from mlcatalog.api.graphql.loader import EntityRef, loader_of, services_of
from mlcatalog.services.forms import assigned_explicitly
from mlcatalog.services.proposals import Proposal

mutation = MutationType()
property_value = UnionType("PropertyValue", lambda value, *_: "NumberValue" if "numberValue" in value else "StringValue")


def _value(raw: Any) -> dict[str, Any]:
    inner = next(iter(raw.values())) if isinstance(raw, dict) and raw else raw
    return {"numberValue": inner} if isinstance(inner, int | float) else {"stringValue": str(inner)}


def _property(info: GraphQLResolveInfo, urn: str) -> dict[str, Any]:
    ref = loader_of(info).ref(urn)
    definition = ref.aspect("propertyDefinition") if ref is not None else None
    converted = None
    if definition:
        converted = {
            **definition,
            "immutable": bool(definition.get("immutable")),
            "valueType": {"urn": definition.get("valueType")},
            "entityTypes": [{"urn": t} for t in definition.get("entityTypes") or []],
            "allowedValues": [
                {"value": _value(a.get("value")), "description": a.get("description")}
                for a in definition.get("allowedValues") or []
            ],
        }
    return {"urn": urn, "type": "STRUCTURED_PROPERTY", "exists": bool(ref and ref.exists), "definition": converted}


def form_entity(info: GraphQLResolveInfo, urn: str) -> dict[str, Any]:
    ref = loader_of(info).ref(urn)
    raw = ref.aspect("formInfo") if ref is not None else None
    form_info = None
    if raw:
        prompts = [
            {
                **p,
                "formUrn": urn,
                "required": bool(p.get("required")),
                "structuredPropertyParams": (
                    {"structuredProperty": _property(info, p["structuredPropertyParams"]["urn"])}
                    if p.get("structuredPropertyParams")
                    else None
                ),
                **_newer_params(info, p),
            }
            for p in raw.get("prompts") or []
        ]
        form_info = {**raw, "type": raw.get("type") or "COMPLETION", "prompts": prompts}
    return {"urn": urn, "type": "FORM", "info": form_info}


def _newer_params(info: GraphQLResolveInfo, prompt: dict[str, Any]) -> dict[str, Any]:
    """Ownership, glossary-term and domain prompt params, with their URNs resolved to entities."""
    loader = loader_of(info)

    def refs(urns: list[str] | None) -> list[Any] | None:
        return None if urns is None else [r for u in urns if (r := loader.ref(u)) is not None]

    def urns(values: list[str] | None) -> list[dict[str, str]] | None:
        return None if values is None else [{"urn": u} for u in values]

    owners, terms, domains = (prompt.get(k) for k in ("ownershipParams", "glossaryTermsParams", "domainParams"))
    out: dict[str, Any] = {"ownershipParams": None, "glossaryTermsParams": None, "domainParams": None}
    if owners is not None:
        out["ownershipParams"] = {
            "cardinality": owners.get("cardinality") or "MULTIPLE",
            "allowedOwners": refs(owners.get("allowedOwners")),
            "allowedOwnershipTypes": urns(owners.get("allowedOwnershipTypes")),
        }
    if terms is not None:
        out["glossaryTermsParams"] = {
            "cardinality": terms.get("cardinality") or "MULTIPLE",
            "allowedTerms": refs(terms.get("allowedTerms")),
            "allowedTermGroups": urns(terms.get("allowedTermGroups")),
        }
    if domains is not None:
        out["domainParams"] = {"allowedDomains": refs(domains.get("allowedDomains"))}
    return out


def resolve_structured_properties(ref: EntityRef, info: GraphQLResolveInfo) -> dict[str, Any] | None:
    value = ref.aspect("structuredProperties")
    if value is None:
        return None
    entries = [
        {
            "structuredProperty": _property(info, p["propertyUrn"]),
            "values": [_value(v) for v in p.get("values") or []],
            "associatedUrn": ref.urn,
        }
        for p in value.get("properties") or []
    ]
    return {"properties": entries}


def resolve_forms(ref: EntityRef, info: GraphQLResolveInfo) -> dict[str, Any] | None:
    value = ref.aspect("forms")
    if value is None:
        return None

    def association(a: dict[str, Any]) -> dict[str, Any]:
        return {**a, "form": form_entity(info, a["urn"]), "associatedUrn": ref.urn}

    return {
        "incompleteForms": [association(a) for a in value.get("incompleteForms") or []],
        "completedForms": [association(a) for a in value.get("completedForms") or []],
        "verifications": [{**v, "form": form_entity(info, v["form"])} for v in value.get("verifications") or []],
    }


@mutation.field("batchAssignForm")
def resolve_batch_assign_form(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> bool:
    """Adds the form to each entity's ``forms`` aspect; the form tracker fills in its prompts in the same write."""
    svc, form = services_of(info), input["formUrn"]
    proposals = []
    for urn in input["entityUrns"]:
        current = svc.entities.get_entity(urn, ["forms"]).aspects.get("forms")
        marker = assigned_explicitly(current, form)  # explicit assignments outlive the form's dynamic rule
        if marker is None:
            continue
        value = dict(current.value) if current else {"incompleteForms": [], "completedForms": []}
        known = {a.get("urn") for k in ("incompleteForms", "completedForms") for a in value.get(k) or []}
        if form not in known:
            value["incompleteForms"] = [*(value.get("incompleteForms") or []), {"urn": form, "incompletePrompts": []}]
        proposals.append(Proposal(urn, "forms", value=value, system_metadata=marker, label=f"batchAssignForm {urn}"))
    svc.ingest.ingest(proposals, actor(info.context["request"]))
    return True


@mutation.field("createDynamicFormAssignment")
def resolve_dynamic_assignment(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> bool:
    """Stores the rule as the form's ``dynamicFormAssignment``; matching entities get the form in the same write."""
    groups = [
        {
            "and": [
                {
                    "field": c["field"],
                    "values": c.get("values") or [],
                    "condition": c.get("condition") or "EQUAL",
                    "negated": bool(c.get("negated")),
                }
                for c in group.get("and") or []
            ]
        }
        for group in input["orFilters"]
    ]
    proposal = Proposal(input["formUrn"], "dynamicFormAssignment", value={"filter": {"or": groups}}, label="dynamic form")
    services_of(info).ingest.ingest([proposal], actor(info.context["request"]))
    return True


with_forms = [SharedFieldsType(name) for name in ("MLModelGroup", "MLModel", "Dataset")]
for _type in with_forms:
    _type.set_field("structuredProperties", resolve_structured_properties)
    _type.set_field("forms", resolve_forms)

bindables = [mutation, property_value, *with_forms]
