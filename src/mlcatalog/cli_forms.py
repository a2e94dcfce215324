"""``mlcatalog forms incomplete``: model groups whose required form prompts are not answered yet."""

from __future__ import annotations

import json

import click

from mlcatalog.cli_http import call, server_option
from mlcatalog.services.form_prompts import need

PAGE = 100
QUERY = """
query incomplete($input: SearchAcrossEntitiesInput!) {
  searchAcrossEntities(input: $input) {
    total
    searchResults { entity { urn ... on MLModelGroup { name forms { incompleteForms {
      form { urn info { name prompts { id title required type
        structuredPropertyParams { structuredProperty { urn } }
        ownershipParams { allowedOwners { urn } allowedOwnershipTypes { urn } }
        glossaryTermsParams { allowedTerms { urn } allowedTermGroups { urn } }
        domainParams { allowedDomains { urn } } } } } incompletePrompts { id }
    } } } } }
  }
}
"""


@click.group()
def forms() -> None:
    """Form completion on model groups (forms are created with ``datahub forms upsert -f``)."""


@forms.command("incomplete")
@click.option("--form", "form_urn", default=None, help="Only this form (urn:li:form:...).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per model group.")
@server_option
def incomplete(form_urn: str | None, as_json: bool, server: str) -> None:
    """List model groups with incomplete required prompts, and what each is missing."""
    criterion = (
        {"field": "incompleteForms", "values": [form_urn]} if form_urn else {"field": "incompleteForms", "condition": "EXISTS"}
    )
    start = 0
    while True:
        variables = {
            "input": {
                "query": "*",
                "types": ["MLMODEL_GROUP"],
                "start": start,
                "count": PAGE,
                "orFilters": [{"and": [criterion]}],
            }
        }
        body = call("POST", server, "/api/graphql", json={"query": QUERY, "variables": variables})
        if body.get("errors"):
            raise click.ClickException(body["errors"][0]["message"])
        page = body["data"]["searchAcrossEntities"]
        for result in page["searchResults"]:
            _print(result["entity"], form_urn, as_json)
        start += PAGE
        if start >= page["total"]:
            break


def _print(entity: dict, form_urn: str | None, as_json: bool) -> None:
    missing = []
    for assoc in (entity.get("forms") or {}).get("incompleteForms") or []:
        form = assoc["form"]
        if form_urn and form["urn"] != form_urn:
            continue
        prompts = {p["id"]: p for p in (form.get("info") or {}).get("prompts") or []}
        open_ids = [p["id"] for p in assoc.get("incompletePrompts") or []]
        required = [prompts[i] for i in open_ids if prompts.get(i, {}).get("required")]
        if required:
            missing.append(
                {
                    "form": form["urn"],
                    "name": (form.get("info") or {}).get("name"),
                    "missing": [p["title"] for p in required],
                    "needs": [{"prompt": p["title"], "type": p["type"], "needs": need(_stored(p))} for p in required],
                }
            )
    if not missing:
        return
    if as_json:
        click.echo(json.dumps({"urn": entity["urn"], "forms": missing}))
    else:
        for item in missing:
            needs = ", ".join(f"{n['prompt']} ({n['needs']})" for n in item["needs"])
            click.echo(f"{entity['urn']}\t{item['name']}\tmissing: {needs}")


def _stored(prompt: dict) -> dict:
    """A prompt from GraphQL back in formInfo's stored shape (URNs instead of entities)."""

    def urns(entities: list | None) -> list[str] | None:
        return None if entities is None else [e["urn"] for e in entities]

    params = {
        key: {field: urns(value) for field, value in (prompt.get(key) or {}).items()} if prompt.get(key) else None
        for key in ("ownershipParams", "glossaryTermsParams", "domainParams")
    }
    structured = (prompt.get("structuredPropertyParams") or {}).get("structuredProperty")
    return {"type": prompt.get("type"), "structuredPropertyParams": structured, **params}
