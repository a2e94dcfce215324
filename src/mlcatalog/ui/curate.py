"""Curating from the UI: each form becomes metadata change proposals through IngestService.ingest,
recorded with the signed-in actor, exactly as an SDK write would be."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from mlcatalog.errors import InvalidInput
from mlcatalog.services.proposals import Proposal

EDITABLE_PROPERTIES = {
    "mlModelGroup": "editableMlModelGroupProperties",
    "mlModel": "editableMlModelProperties",
    "dataset": "editableDatasetProperties",
    "dataJob": "editableDataJobProperties",
    "dataFlow": "editableDataFlowProperties",
}
MAX_DESCRIPTION = 50_000
Form = dict[str, str]


def pointer(segment: str) -> str:
    """One JSON-pointer path segment (RFC 6901 escaping)."""
    return segment.replace("~", "~0").replace("/", "~1")


def _required(form: Form, name: str, label: str) -> str:
    value = (form.get(name) or "").strip()
    if not value:
        raise InvalidInput(f"{name}: {label} is required", field=name)
    return value


def _as_urn(value: str, entity_type: str) -> str:
    return value if value.startswith("urn:li:") else f"urn:li:{entity_type}:{value}"


def _patch(urn: str, aspect: str, ops: list[dict[str, Any]], keys: dict[str, list[str]] | None = None) -> Proposal:
    value: Any = {"patch": ops, "arrayPrimaryKeys": keys} if keys else ops
    return Proposal(urn=urn, aspect_name=aspect, change_type="PATCH", value=value, label=f"{aspect} edit")


def description(urn: str, entity_type: str, form: Form, actor: str) -> list[Proposal]:
    text = form.get("description", "").replace("\r\n", "\n").strip()
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInput(f"description: longer than {MAX_DESCRIPTION} characters", field="description")
    aspect = EDITABLE_PROPERTIES.get(entity_type)
    if aspect is None:
        raise InvalidInput(f"description: a {entity_type} cannot be edited here", field="description")
    return [_patch(urn, aspect, [{"op": "add", "path": "/description", "value": text}])]


def add_tag(urn: str, _type: str, form: Form, actor: str) -> list[Proposal]:
    tag = _as_urn(_required(form, "tag", "a tag name"), "tag")
    return [_patch(urn, "globalTags", [{"op": "add", "path": f"/tags/{pointer(tag)}", "value": {"tag": tag}}])]


def remove_tag(urn: str, _type: str, form: Form, actor: str) -> list[Proposal]:
    tag = _required(form, "tag", "the tag")
    return [_patch(urn, "globalTags", [{"op": "remove", "path": f"/tags/{pointer(tag)}"}])]


def add_term(urn: str, _type: str, form: Form, actor: str) -> list[Proposal]:
    term = _as_urn(_required(form, "term", "a glossary term"), "glossaryTerm")
    return [_patch(urn, "glossaryTerms", [{"op": "add", "path": f"/terms/{pointer(term)}", "value": {"urn": term}}])]


def remove_term(urn: str, _type: str, form: Form, actor: str) -> list[Proposal]:
    term = _required(form, "term", "the glossary term")
    return [_patch(urn, "glossaryTerms", [{"op": "remove", "path": f"/terms/{pointer(term)}"}])]


def add_owner(urn: str, _type: str, form: Form, actor: str) -> list[Proposal]:
    owner = _required(form, "owner", "an owner (user name or URN)")
    owner = owner if owner.startswith("urn:li:") else f"urn:li:corpuser:{owner}"
    kind = form.get("type") or "TECHNICAL_OWNER"
    value = {"owner": owner, "type": kind}
    return [_patch(urn, "ownership", [{"op": "add", "path": f"/owners/{pointer(owner)}/{pointer(kind)}", "value": value}])]


def remove_owner(urn: str, _type: str, form: Form, actor: str) -> list[Proposal]:
    owner = _required(form, "owner", "the owner")
    kind = form.get("type")
    path = f"/owners/{pointer(owner)}" + (f"/{pointer(kind)}" if kind else "")
    return [_patch(urn, "ownership", [{"op": "remove", "path": path}])]


def add_link(urn: str, _type: str, form: Form, actor: str) -> list[Proposal]:
    url = _required(form, "url", "a link URL")
    if not url.startswith(("https://", "http://")):
        raise InvalidInput("url: a link must start with http:// or https://", field="url")
    label = (form.get("label") or "").strip() or url
    element = {"url": url, "description": label, "createStamp": {"time": int(time.time() * 1000), "actor": actor}}
    ops = [{"op": "add", "path": f"/elements/{pointer(url)}", "value": element}]
    return [_patch(urn, "institutionalMemory", ops, {"elements": ["url"]})]


def remove_link(urn: str, _type: str, form: Form, actor: str) -> list[Proposal]:
    url = _required(form, "url", "the link URL")
    return [_patch(urn, "institutionalMemory", [{"op": "remove", "path": f"/elements/{pointer(url)}"}], {"elements": ["url"]})]


def set_domain(urn: str, _type: str, form: Form, actor: str) -> list[Proposal]:
    domain = (form.get("domain") or "").strip()
    domains = [_as_urn(domain, "domain")] if domain else []
    return [Proposal(urn=urn, aspect_name="domains", value={"domains": domains}, label="domain")]


def deprecate(urn: str, _type: str, form: Form, actor: str) -> list[Proposal]:
    note = _required(form, "note", "a deprecation note")
    value: dict[str, Any] = {"deprecated": True, "note": note, "actor": actor}
    if form.get("decommission"):
        try:
            moment = datetime.strptime(form["decommission"], "%Y-%m-%d").replace(tzinfo=UTC)
        except ValueError as exc:
            raise InvalidInput("decommission: expected a date as YYYY-MM-DD", field="decommission") from exc
        value["decommissionTime"] = int(moment.timestamp() * 1000)
    return [Proposal(urn=urn, aspect_name="deprecation", value=value, label="deprecation")]


def undeprecate(urn: str, _type: str, form: Form, actor: str) -> list[Proposal]:
    return [
        Proposal(urn=urn, aspect_name="deprecation", value={"deprecated": False, "note": "", "actor": actor}, label="deprecation")
    ]


ACTIONS: dict[str, tuple[Callable[[str, str, Form, str], list[Proposal]], str]] = {
    # action: (proposals builder, the page section to return to)
    "description": (description, "about"),
    "add-tag": (add_tag, "governance"),
    "remove-tag": (remove_tag, "governance"),
    "add-term": (add_term, "governance"),
    "remove-term": (remove_term, "governance"),
    "add-owner": (add_owner, "governance"),
    "remove-owner": (remove_owner, "governance"),
    "add-link": (add_link, "links"),
    "remove-link": (remove_link, "links"),
    "set-domain": (set_domain, "governance"),
    "deprecate": (deprecate, "top"),
    "undeprecate": (undeprecate, "top"),
}
