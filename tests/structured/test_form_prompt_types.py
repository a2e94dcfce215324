"""Ownership, documentation, domain and glossary-term prompts (newer DataHub servers' prompt types).

acryl-datahub 1.7 cannot serialize these prompt types, so the form is written as raw JSON through rest.li, as a
newer client would; it is assigned with the ``batchAssignForm`` mutation the CLI sends, and answered by
ordinary SDK writes.
"""

from __future__ import annotations

import json
import subprocess
import sys

import datahub.metadata.schema_classes as models
import pytest
import requests
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.sdk import DataHubClient

from tests.compat.helpers import unique
from tests.search.helpers import graphql
from tests.writes.helpers import stored

TECHNICAL = "urn:li:ownershipType:__system__technical_owner"
ASSIGN = "mutation a($input: BatchAssignFormInput!) { batchAssignForm(input: $input) }"
FORM = """
query f($urn: String!) { entity(urn: $urn) { ... on MLModelGroup { forms { incompleteForms { form { info { prompts {
  id type ownershipParams { cardinality allowedOwnershipTypes { urn } } domainParams { allowedDomains { urn } }
  glossaryTermsParams { allowedTermGroups { urn } } } } } } } } } }
"""


def _ingest(server, urn: str, aspect: str, value: dict) -> requests.Response:  # type: ignore[no-untyped-def]
    entity = urn.split(":")[2]
    proposal = {
        "entityType": entity,
        "entityUrn": urn,
        "aspectName": aspect,
        "changeType": "UPSERT",
        "aspect": {"contentType": "application/json", "value": json.dumps(value)},
    }
    return requests.post(f"{server.url}/aspects?action=ingestProposal", json={"proposal": proposal}, timeout=30)


@pytest.fixture
def governed(server):  # type: ignore[no-untyped-def]
    """A form with the four newer prompt types, explicitly assigned to a fresh model group."""
    graph = DataHubClient(server=server.url)._graph
    form_id, node = unique("newer"), f"urn:li:glossaryNode:{unique('risk')}"
    domain, term = f"urn:li:domain:{unique('ml')}", f"urn:li:glossaryTerm:{unique('pii')}"
    stray_term = f"urn:li:glossaryTerm:{unique('loose')}"
    info = {"definition": "personal data", "termSource": "INTERNAL", "parentNode": node}
    graph.emit(MetadataChangeProposalWrapper(entityUrn=term, aspect=models.GlossaryTermInfoClass(**info)))
    prompts = [
        {"id": f"{form_id}-owner", "title": "Technical owner", "type": "OWNERSHIP", "required": True,
         "ownershipParams": {"cardinality": "SINGLE", "allowedOwnershipTypes": [TECHNICAL]}},
        {"id": f"{form_id}-docs", "title": "Description", "type": "DOCUMENTATION", "required": True},
        {"id": f"{form_id}-domain", "title": "Domain", "type": "DOMAIN", "required": True,
         "domainParams": {"allowedDomains": [domain]}},
        {"id": f"{form_id}-terms", "title": "Risk terms", "type": "GLOSSARY_TERMS", "required": True,
         "glossaryTermsParams": {"cardinality": "MULTIPLE", "allowedTermGroups": [node]}},
    ]  # fmt: skip
    form = f"urn:li:form:{form_id}"
    reply = _ingest(server, form, "formInfo", {"name": "Newer prompts", "type": "VERIFICATION", "prompts": prompts})
    assert reply.status_code == 200, reply.text
    group = f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{unique('np')},PROD)"
    graph.emit(MetadataChangeProposalWrapper(entityUrn=group, aspect=models.StatusClass(removed=False)))
    graphql(server, ASSIGN, {"input": {"formUrn": form, "entityUrns": [group]}})
    return graph, form, form_id, group, {"domain": domain, "term": term, "stray_term": stray_term, "node": node}


def _open(server, group: str, form: str) -> list[str] | None:  # type: ignore[no-untyped-def]
    """Ids of the form's incomplete prompts (short names), or None when the form is complete."""
    forms = stored(server, group, "forms")
    for assoc in forms.get("incompleteForms") or []:
        if assoc["urn"] == form:
            return [p["id"].rsplit("-", 1)[1] for p in assoc["incompletePrompts"]]
    assert form in {a["urn"] for a in forms["completedForms"]}
    return None


def _emit(graph, urn: str, aspect) -> None:  # type: ignore[no-untyped-def]
    graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=aspect))


def _owner(who: str, kind: str) -> models.OwnerClass:
    return models.OwnerClass(owner=f"urn:li:corpuser:{who}", type=kind)


def test_each_prompt_type_follows_the_writes_that_answer_it(server, governed) -> None:  # type: ignore[no-untyped-def]
    graph, form, _id, group, ref = governed
    assert _open(server, group, form) == ["owner", "docs", "domain", "terms"]
    _emit(graph, group, models.OwnershipClass(owners=[_owner("ann", models.OwnershipTypeClass.BUSINESS_OWNER)]))
    assert _open(server, group, form) == ["owner", "docs", "domain", "terms"]  # not the asked ownership type
    _emit(graph, group, models.OwnershipClass(owners=[_owner("bob", models.OwnershipTypeClass.TECHNICAL_OWNER)]))
    assert _open(server, group, form) == ["docs", "domain", "terms"]
    _emit(graph, group, models.MLModelGroupPropertiesClass(description="   "))
    assert _open(server, group, form) == ["docs", "domain", "terms"]  # blank is no description
    _emit(graph, group, models.MLModelGroupPropertiesClass(description="Scores card payments for fraud"))
    assert _open(server, group, form) == ["domain", "terms"]
    _emit(graph, group, models.DomainsClass(domains=[f"urn:li:domain:{unique('other')}"]))
    assert _open(server, group, form) == ["domain", "terms"]  # not an allowed domain
    _emit(graph, group, models.DomainsClass(domains=[ref["domain"]]))
    assert _open(server, group, form) == ["terms"]
    stamp = models.AuditStampClass(time=0, actor="urn:li:corpuser:bob")
    _emit(
        graph, group, models.GlossaryTermsClass(terms=[models.GlossaryTermAssociationClass(ref["stray_term"])], auditStamp=stamp)
    )
    assert _open(server, group, form) == ["terms"]  # a term outside the allowed group
    terms = [models.GlossaryTermAssociationClass(ref["stray_term"]), models.GlossaryTermAssociationClass(ref["term"])]
    _emit(graph, group, models.GlossaryTermsClass(terms=terms, auditStamp=stamp))
    assert _open(server, group, form) is None
    assert form in {v["form"] for v in stored(server, group, "forms")["verifications"]}
    _emit(graph, group, models.OwnershipClass(owners=[]))
    assert _open(server, group, form) == ["owner"]
    assert not stored(server, group, "forms")["verifications"]


def test_graphql_shows_the_newer_prompt_types_and_params(server, governed) -> None:  # type: ignore[no-untyped-def]
    _graph, _form, _id, group, ref = governed
    entity = graphql(server, FORM, {"urn": group})["entity"]
    prompts = {p["type"]: p for p in entity["forms"]["incompleteForms"][0]["form"]["info"]["prompts"]}
    assert set(prompts) == {"OWNERSHIP", "DOCUMENTATION", "DOMAIN", "GLOSSARY_TERMS"}
    owner_params = {"cardinality": "SINGLE", "allowedOwnershipTypes": [{"urn": TECHNICAL}]}
    assert prompts["OWNERSHIP"]["ownershipParams"] == owner_params
    assert prompts["DOMAIN"]["domainParams"] == {"allowedDomains": [{"urn": ref["domain"]}]}
    assert prompts["GLOSSARY_TERMS"]["glossaryTermsParams"] == {"allowedTermGroups": [{"urn": ref["node"]}]}


def test_cli_lists_what_each_incomplete_prompt_needs(server, governed) -> None:  # type: ignore[no-untyped-def]
    graph, form, _id, group, ref = governed
    _emit(graph, group, models.DomainsClass(domains=[ref["domain"]]))
    command = [sys.executable, "-m", "mlcatalog", "forms", "incomplete", "--form", form, "--json", "--server", server.url]
    out = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout
    rows = {row["urn"]: row["forms"] for row in map(json.loads, out.splitlines())}
    needs = {n["type"]: n["needs"] for n in rows[group][0]["needs"]}
    assert needs == {
        "OWNERSHIP": f"an owner of type {TECHNICAL}",
        "DOCUMENTATION": "a description",
        "GLOSSARY_TERMS": f"a glossary term among {ref['node']}",
    }
    text = subprocess.run([*command[:-3], "--server", server.url], capture_output=True, text=True, timeout=120, check=True)
    assert f"{group}\tNewer prompts\tmissing: Technical owner (an owner of type {TECHNICAL})" in text.stdout


def test_unknown_prompt_type_is_refused_naming_the_field(server) -> None:  # type: ignore[no-untyped-def]
    form = f"urn:li:form:{unique('bad')}"
    reply = _ingest(server, form, "formInfo", {"name": "Bad", "prompts": [{"id": unique("p"), "title": "P", "type": "BOGUS"}]})
    assert reply.status_code == 422 and "formInfo.prompts[0].type" in reply.text and "BOGUS" in reply.text
    assert stored(server, form, "formInfo") is None


CREATE = """
mutation c($input: CreateFormInput!) { createForm(input: $input) { urn info { name type prompts {
  id type required ownershipParams { cardinality allowedOwnershipTypes { urn } } domainParams { allowedDomains { urn } } } } } }
"""
REMOVE = "mutation r($input: BatchRemoveFormInput!) { batchRemoveForm(input: $input) }"


def test_create_form_through_graphql_then_assign_and_remove_it(server) -> None:  # type: ignore[no-untyped-def]
    graph = DataHubClient(server=server.url)._graph
    form_id, domain = unique("gql"), f"urn:li:domain:{unique('d')}"
    prompts = [
        {"id": f"{form_id}-owner", "title": "Owner", "type": "OWNERSHIP", "required": True,
         "ownershipParams": {"allowedOwnershipTypes": [TECHNICAL]}},
        {"id": f"{form_id}-domain", "title": "Domain", "type": "DOMAIN", "domainParams": {"allowedDomains": [domain]}},
    ]  # fmt: skip
    created = graphql(
        server, CREATE, {"input": {"id": form_id, "name": "By GraphQL", "type": "VERIFICATION", "prompts": prompts}}
    )
    form = created["createForm"]
    assert form["urn"] == f"urn:li:form:{form_id}" and form["info"]["type"] == "VERIFICATION"
    assert [(p["type"], p["required"]) for p in form["info"]["prompts"]] == [("OWNERSHIP", True), ("DOMAIN", False)]
    assert form["info"]["prompts"][0]["ownershipParams"] == {
        "cardinality": "MULTIPLE",
        "allowedOwnershipTypes": [{"urn": TECHNICAL}],
    }
    assert stored(server, form["urn"], "formInfo")["actors"] == {"owners": True}

    group = f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{unique('gq')},PROD)"
    graph.emit(MetadataChangeProposalWrapper(entityUrn=group, aspect=models.StatusClass(removed=False)))
    graphql(server, ASSIGN, {"input": {"formUrn": form["urn"], "entityUrns": [group]}})
    assert _open(server, group, form["urn"]) == ["owner", "domain"]
    _emit(graph, group, models.OwnershipClass(owners=[_owner("cy", models.OwnershipTypeClass.TECHNICAL_OWNER)]))
    assert _open(server, group, form["urn"]) is None  # the optional domain prompt does not block it
    assert graphql(server, REMOVE, {"input": {"formUrn": form["urn"], "entityUrns": [group]}})["batchRemoveForm"] is True
    assert stored(server, group, "forms") == {"incompleteForms": [], "completedForms": [], "verifications": []}
