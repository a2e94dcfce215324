"""Structured properties (by display name) and form completion, as the entity page shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlcatalog.ui.data import CatalogData
from mlcatalog.ui.summaries import urn_id


@dataclass
class FormStatus:
    name: str
    complete: bool
    verified: bool
    done: list[str] = field(default_factory=list)
    missing: list[tuple[str, bool]] = field(default_factory=list)  # (prompt title, required)


def _aspect(data: CatalogData, urn: str, name: str) -> dict[str, Any]:
    view = data.view(urn)
    record = view.aspects.get(name) if view is not None else None
    return record.value if record is not None else {}


def structured_rows(data: CatalogData, value: dict[str, Any] | None) -> list[tuple[str, list[str]]]:
    """(display name, values) per property; the qualified name when the definition has no display name."""
    rows = []
    for prop in (value or {}).get("properties", []):
        urn = str(prop.get("propertyUrn", ""))
        label = _aspect(data, urn, "propertyDefinition").get("displayName") or urn_id(urn)
        values = [str(next(iter(v.values()))) if isinstance(v, dict) and v else str(v) for v in prop.get("values", [])]
        rows.append((label, values))
    return rows


def form_rows(data: CatalogData, value: dict[str, Any] | None) -> list[FormStatus]:
    verified = {v.get("form") for v in (value or {}).get("verifications") or []}
    rows = []
    for key in ("incompleteForms", "completedForms"):
        for assoc in (value or {}).get(key) or []:
            info = _aspect(data, assoc["urn"], "formInfo")
            prompts = {p["id"]: p for p in info.get("prompts") or []}

            def title(prompt_id: str, prompts: dict = prompts) -> str:
                return (prompts.get(prompt_id) or {}).get("title") or prompt_id

            rows.append(
                FormStatus(
                    name=info.get("name") or urn_id(assoc["urn"]),
                    complete=key == "completedForms",
                    verified=assoc["urn"] in verified,
                    done=[title(p["id"]) for p in assoc.get("completedPrompts") or []],
                    missing=[
                        (title(p["id"]), bool((prompts.get(p["id"]) or {}).get("required")))
                        for p in assoc.get("incompletePrompts") or []
                    ],
                )
            )
    return rows
