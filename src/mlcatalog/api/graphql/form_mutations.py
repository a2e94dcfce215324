"""``createForm`` and ``batchRemoveForm``: forms written through GraphQL as DataHub's servers take them,
including the prompt types the pinned SDK cannot serialize (ownership, documentation, domain, terms)."""

from __future__ import annotations

import uuid
from typing import Any

from ariadne import MutationType
from graphql import GraphQLResolveInfo

from mlcatalog.api.deps import actor
from mlcatalog.api.graphql.forms import form_entity
from mlcatalog.api.graphql.loader import services_of
from mlcatalog.services.forms import without_form
from mlcatalog.services.proposals import Proposal

mutation = MutationType()
PARAMS = ("ownershipParams", "glossaryTermsParams", "domainParams")


@mutation.field("createForm")
def resolve_create_form(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    """Stores ``formInfo`` (validated like any write); assignment stays with batchAssignForm / rules."""
    urn = f"urn:li:form:{input.get('id') or uuid.uuid4()}"
    actors = input.get("actors") or {}
    value = _compact(
        {
            "name": input["name"],
            "description": input.get("description"),
            "type": input.get("type") or "COMPLETION",
            "prompts": [_prompt(p) for p in input.get("prompts") or []],
            "actors": _compact(
                {"owners": actors.get("owners", True), "users": actors.get("users"), "groups": actors.get("groups")}
            ),
        }
    )
    services_of(info).ingest.ingest([Proposal(urn, "formInfo", value=value, label="createForm")], actor(info.context["request"]))
    return form_entity(info, urn)


def _prompt(raw: dict[str, Any]) -> dict[str, Any]:
    prompt = {
        "id": raw.get("id") or str(uuid.uuid4()),
        "title": raw["title"],
        "description": raw.get("description"),
        "type": raw["type"],
        "required": bool(raw.get("required")),
        "structuredPropertyParams": raw.get("structuredPropertyParams"),
    }
    for key in PARAMS:
        if raw.get(key) is not None:
            params = _compact(raw[key])
            prompt[key] = {"cardinality": "MULTIPLE", **params} if key != "domainParams" else params
    return _compact(prompt)


def _compact(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if v is not None}


@mutation.field("batchRemoveForm")
def resolve_batch_remove_form(_: Any, info: GraphQLResolveInfo, input: dict[str, Any]) -> bool:
    """Takes the form off each entity, explicit assignment included."""
    svc, proposals = services_of(info), []
    for urn in input["entityUrns"]:
        removed = without_form(svc.entities.get_entity(urn, ["forms"]).aspects.get("forms"), input["formUrn"])
        if removed is not None:
            value, system_metadata = removed
            proposals.append(Proposal(urn, "forms", value=value, system_metadata=system_metadata, label=f"batchRemoveForm {urn}"))
    svc.ingest.ingest(proposals, actor(info.context["request"]))
    return True


bindables = [mutation]
