"""The model group page shows structured properties by display name and each form's completion, in a browser.

A server of its own: the shared UI catalog stays as other tests count it.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import datahub.metadata.schema_classes as models
import requests
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.sdk import DataHubClient
from playwright.sync_api import expect

from tests.ui.conftest import screenshots

PROPERTY = "urn:li:structuredProperty:io.ui.risk_tier"
FORM = "urn:li:form:model-governance"
GROUP = "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,credit-scoring,PROD)"
PROMPTS = [
    {"id": "ui-tier", "title": "Risk tier", "type": "STRUCTURED_PROPERTY", "required": True,
     "structuredPropertyParams": {"urn": PROPERTY}},
    {"id": "ui-docs", "title": "Description", "type": "DOCUMENTATION", "required": True},
    {"id": "ui-owner", "title": "Owner", "type": "OWNERSHIP", "required": False},
]  # fmt: skip


def _governed_group(url: str) -> DataHubClient:
    client = DataHubClient(server=url)
    emit = client._graph.emit
    definition = models.StructuredPropertyDefinitionClass(
        qualifiedName="io.ui.risk_tier",
        displayName="Risk tier",
        valueType="urn:li:dataType:datahub.string",
        entityTypes=["urn:li:entityType:datahub.mlModelGroup"],
    )
    emit(MetadataChangeProposalWrapper(entityUrn=PROPERTY, aspect=definition))
    form = {"name": "Model governance", "type": "VERIFICATION", "prompts": PROMPTS}
    proposal = {
        "entityType": "form",
        "entityUrn": FORM,
        "aspectName": "formInfo",
        "changeType": "UPSERT",
        "aspect": {"contentType": "application/json", "value": json.dumps(form)},
    }
    assert requests.post(f"{url}/aspects?action=ingestProposal", json={"proposal": proposal}, timeout=30).ok
    emit(MetadataChangeProposalWrapper(entityUrn=GROUP, aspect=models.MLModelGroupPropertiesClass(name="Credit Scoring")))
    mutation = "mutation a($input: BatchAssignFormInput!) { batchAssignForm(input: $input) }"
    variables = {"input": {"formUrn": FORM, "entityUrns": [GROUP]}}
    reply = requests.post(f"{url}/api/graphql", json={"query": mutation, "variables": variables}, timeout=30)
    assert reply.ok and not reply.json().get("errors"), reply.text
    return client


def test_group_page_shows_property_display_names_and_form_completion(browser, make_server, console, backend) -> None:  # type: ignore[no-untyped-def]
    server = make_server()
    client = _governed_group(server.url)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    console.watch(page)
    try:
        page.goto("/entity/" + quote(GROUP, safe=":,()"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Credit Scoring")
        forms = page.get_by_role("region", name="Forms")
        row = forms.get_by_role("row", name="Model governance")
        expect(row).to_contain_text("incomplete")
        expect(row).to_contain_text("Risk tier (required), Description (required), Owner")
        expect(page.get_by_role("region", name="Properties")).to_have_count(0)  # nothing set yet

        values = [models.StructuredPropertyValueAssignmentClass(propertyUrn=PROPERTY, values=["high"])]
        client._graph.emit(MetadataChangeProposalWrapper(entityUrn=GROUP, aspect=models.StructuredPropertiesClass(values)))
        described = models.MLModelGroupPropertiesClass(name="Credit Scoring", description="Scores loan applications.")
        client._graph.emit(MetadataChangeProposalWrapper(entityUrn=GROUP, aspect=described))
        page.reload()
        properties = page.get_by_role("region", name="Properties")
        expect(properties.get_by_role("row", name="Risk tier")).to_contain_text("high")
        expect(properties).not_to_contain_text("io.ui.risk_tier")  # the display name, not the qualified name
        expect(row).to_contain_text("complete · verified")
        expect(row).to_contain_text("Risk tier, Description")
        expect(row.get_by_role("cell").last).to_have_text("Owner")  # optional, still open
        screenshots(page, "governance", backend)
    finally:
        context.close()
    assert console.errors == [], f"console errors: {console.errors}"
