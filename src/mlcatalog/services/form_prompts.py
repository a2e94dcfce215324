"""Whether an entity answers a form prompt, per prompt type, read from the entity's own aspects.

A prompt is complete when the entity has what it asks for, however it got there (any API, patch or UI
edit), so completion follows writes and removals alike: a structured property value; an owner (of an
allowed ownership type, or one of the allowed owners); a description; a domain (an allowed one); a
glossary term (an allowed term or a term under an allowed group). Schema-field prompts
(``FIELDS_*``) are not tracked: DataHub does not let them be required.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mlcatalog.services.structured import assignments

SYSTEM_OWNERSHIP_TYPE = "urn:li:ownershipType:__system__"
Aspects = Callable[[str], dict[str, Any] | None]  # aspect name -> latest value of this entity
Lookup = Callable[[str, str], dict[str, Any] | None]  # (urn, aspect) -> latest value of another entity


def satisfied(prompt: dict[str, Any], aspect: Aspects, documented: tuple[str, ...], lookup: Lookup) -> bool:
    kind = prompt.get("type") or "STRUCTURED_PROPERTY"
    if kind in {"STRUCTURED_PROPERTY", "FIELDS_STRUCTURED_PROPERTY"}:
        urn = str((prompt.get("structuredPropertyParams") or {}).get("urn"))
        return bool(assignments(aspect("structuredProperties")).get(urn))
    if kind == "OWNERSHIP":
        return _owned(prompt.get("ownershipParams") or {}, aspect("ownership") or {})
    if kind == "DOCUMENTATION":
        return any(_described(name, aspect(name) or {}) for name in documented)
    if kind == "DOMAIN":
        allowed = set((prompt.get("domainParams") or {}).get("allowedDomains") or [])
        domains = set((aspect("domains") or {}).get("domains") or [])
        return bool(domains & allowed if allowed else domains)
    if kind == "GLOSSARY_TERMS":
        terms = [t.get("urn") for t in (aspect("glossaryTerms") or {}).get("terms") or []]
        return any(_term_allowed(prompt.get("glossaryTermsParams") or {}, str(t), lookup) for t in terms)
    return False  # FIELDS_DOCUMENTATION, FIELDS_GLOSSARY_TERMS: per-field answers are not tracked


def ownership_type_urn(owner: dict[str, Any]) -> str:
    """The ownership type of an owner as a URN; the legacy enum maps to DataHub's system types."""
    return str(owner.get("typeUrn") or SYSTEM_OWNERSHIP_TYPE + str(owner.get("type") or "NONE").lower())


def _owned(params: dict[str, Any], ownership: dict[str, Any]) -> bool:
    owners, types = set(params.get("allowedOwners") or []), set(params.get("allowedOwnershipTypes") or [])
    return any(
        (not owners or o.get("owner") in owners) and (not types or ownership_type_urn(o) in types)
        for o in ownership.get("owners") or []
    )


def _described(name: str, value: dict[str, Any]) -> bool:
    if name == "documentation":
        return any(str(d.get("documentation") or "").strip() for d in value.get("documentations") or [])
    return bool(str(value.get("description") or "").strip())


def _term_allowed(params: dict[str, Any], term: str, lookup: Lookup) -> bool:
    terms, groups = set(params.get("allowedTerms") or []), set(params.get("allowedTermGroups") or [])
    if not terms and not groups:
        return True
    if term in terms:
        return True
    return bool(groups) and (lookup(term, "glossaryTermInfo") or {}).get("parentNode") in groups


def need(prompt: dict[str, Any]) -> str:
    """What would answer the prompt, in words (for lists of what is missing)."""
    kind = prompt.get("type") or "STRUCTURED_PROPERTY"
    if kind in {"STRUCTURED_PROPERTY", "FIELDS_STRUCTURED_PROPERTY"}:
        urn = str((prompt.get("structuredPropertyParams") or {}).get("urn", ""))
        return f"a value of structured property {urn.removeprefix('urn:li:structuredProperty:')}"
    if kind == "OWNERSHIP":
        params = prompt.get("ownershipParams") or {}
        types, owners = params.get("allowedOwnershipTypes") or [], params.get("allowedOwners") or []
        return (
            "an owner" + (f" of type {' or '.join(types)}" if types else "") + (f" among {', '.join(owners)}" if owners else "")
        )
    if kind == "DOCUMENTATION":
        return "a description"
    if kind == "DOMAIN":
        allowed = (prompt.get("domainParams") or {}).get("allowedDomains") or []
        return "a domain" + (f" among {', '.join(allowed)}" if allowed else "")
    if kind == "GLOSSARY_TERMS":
        params = prompt.get("glossaryTermsParams") or {}
        allowed = [*(params.get("allowedTerms") or []), *(params.get("allowedTermGroups") or [])]
        return "a glossary term" + (f" among {', '.join(allowed)}" if allowed else "")
    return f"{kind.lower().replace('_', ' ')} (per schema field; not tracked)"
