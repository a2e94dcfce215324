"""Forms from YAML through the real CLI: assigned by rule and explicitly, completion following writes."""

from __future__ import annotations

from pathlib import Path

import datahub.metadata.schema_classes as models
import pytest
from datahub.emitter.mcp import MetadataChangeProposalWrapper

from tests.compat.helpers import unique
from tests.search.helpers import graphql
from tests.writes.helpers import stored

PREFIX = "urn:li:structuredProperty:"

FORM_YAML = """
- id: {form}
  type: VERIFICATION
  name: ML governance
  description: every mlflow model group in the domain needs a tier
  prompts:
    - id: tier
      title: Tier
      type: STRUCTURED_PROPERTY
      structured_property_id: {ns}.tier
      required: true
    - id: retention
      title: Retention
      type: STRUCTURED_PROPERTY
      structured_property_id: {ns}.retention
      required: false
  entities:
    filters:
      types: [mlModelGroup]
      platforms: [mlflow]
      domains: [{domain}]
"""

EXPLICIT_YAML = """
- id: {form}
  type: COMPLETION
  name: Review date
  prompts:
    - id: reviewed
      title: Reviewed on
      type: STRUCTURED_PROPERTY
      structured_property_id: {ns}.reviewed
      required: true
  entities:
    urns: ["{urn}"]
"""


def _group(graph, platform: str, domain: str) -> str:  # type: ignore[no-untyped-def]
    urn = f"urn:li:mlModelGroup:(urn:li:dataPlatform:{platform},{unique('fg')},PROD)"
    graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=models.DomainsClass(domains=[domain])))
    return urn


def _set(graph, urn: str, values: dict[str, list]) -> None:  # type: ignore[no-untyped-def]
    aspect = models.StructuredPropertiesClass(
        properties=[models.StructuredPropertyValueAssignmentClass(propertyUrn=p, values=v) for p, v in values.items()]
    )
    graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=aspect))


def _state(server, urn: str, form: str) -> tuple[str, list[str], list[str]] | None:  # type: ignore[no-untyped-def]
    """(incomplete|complete, incomplete prompt ids, complete prompt ids) of one form on one entity."""
    forms = stored(server, urn, "forms") or {}
    for key, label in (("incompleteForms", "incomplete"), ("completedForms", "complete")):
        for assoc in forms.get(key) or []:
            if assoc["urn"] == form:
                return label, [p["id"] for p in assoc["incompletePrompts"]], [p["id"] for p in assoc["completedPrompts"]]
    return None


def _verified(server, urn: str, form: str) -> bool:  # type: ignore[no-untyped-def]
    return form in {v["form"] for v in (stored(server, urn, "forms") or {}).get("verifications") or []}


@pytest.fixture(scope="module")
def ruled(server, cli, ns, tmp_path_factory):  # type: ignore[no-untyped-def]
    from datahub.sdk import DataHubClient

    graph = DataHubClient(server=server.url)._graph
    domain = f"urn:li:domain:{unique('ml')}"
    groups = {
        "match": _group(graph, "mlflow", domain),
        "other_domain": _group(graph, "mlflow", f"urn:li:domain:{unique('else')}"),
        "other_platform": _group(graph, "sagemaker", domain),
    }
    form_id = unique("gov")
    path: Path = tmp_path_factory.mktemp("forms") / "form.yaml"
    path.write_text(FORM_YAML.format(form=form_id, ns=ns, domain=domain))
    cli("forms", "upsert", "-f", str(path))
    return graph, f"urn:li:form:{form_id}", domain, groups


def test_rule_assigns_matching_model_groups_only(server, ruled) -> None:  # type: ignore[no-untyped-def]
    _graph, form, _domain, groups = ruled
    assert _state(server, groups["match"], form) == ("incomplete", ["tier", "retention"], [])
    assert _state(server, groups["other_domain"], form) is None
    assert _state(server, groups["other_platform"], form) is None


def test_group_created_later_is_assigned_by_the_rule(server, ruled) -> None:  # type: ignore[no-untyped-def]
    graph, form, domain, _groups = ruled
    late = _group(graph, "mlflow", domain)
    assert _state(server, late, form) == ("incomplete", ["tier", "retention"], [])


def test_completion_follows_writes_and_removals(server, ruled, ns) -> None:  # type: ignore[no-untyped-def]
    graph, form, domain, _groups = ruled
    urn = _group(graph, "mlflow", domain)
    _set(graph, urn, {f"{PREFIX}{ns}.retention": [30.0]})
    assert _state(server, urn, form) == ("incomplete", ["tier"], ["retention"])
    _set(graph, urn, {f"{PREFIX}{ns}.retention": [30.0], f"{PREFIX}{ns}.tier": ["gold"]})
    assert _state(server, urn, form) == ("complete", [], ["tier", "retention"])
    assert _verified(server, urn, form)
    _set(graph, urn, {f"{PREFIX}{ns}.retention": [30.0]})
    assert _state(server, urn, form) == ("incomplete", ["tier"], ["retention"])
    assert not _verified(server, urn, form)


def test_optional_prompts_do_not_block_completion(server, ruled, ns) -> None:  # type: ignore[no-untyped-def]
    graph, form, domain, _groups = ruled
    urn = _group(graph, "mlflow", domain)
    _set(graph, urn, {f"{PREFIX}{ns}.tier": ["silver"]})
    assert _state(server, urn, form) == ("complete", ["retention"], ["tier"])


INCOMPLETE = """
query q($input: SearchAcrossEntitiesInput!) {
  searchAcrossEntities(input: $input) {
    searchResults { entity { urn ... on MLModelGroup {
      forms { incompleteForms { form { urn info { name } } incompletePrompts { id } } }
      structuredProperties { properties { structuredProperty { definition { displayName } } values {
        ... on StringValue { stringValue } ... on NumberValue { numberValue } } } }
    } } }
  }
}
"""


def test_graphql_lists_groups_with_incomplete_forms(server, ruled, ns) -> None:  # type: ignore[no-untyped-def]
    graph, form, domain, groups = ruled
    done = _group(graph, "mlflow", domain)
    _set(graph, done, {f"{PREFIX}{ns}.tier": ["gold"], f"{PREFIX}{ns}.retention": [7.0]})
    variables = {
        "input": {
            "query": "*",
            "types": ["MLMODEL_GROUP"],
            "count": 100,
            "orFilters": [{"and": [{"field": "incompleteForms", "values": [form]}]}],
        }
    }
    results = graphql(server, INCOMPLETE, variables)["searchAcrossEntities"]["searchResults"]
    urns = {r["entity"]["urn"] for r in results}
    assert groups["match"] in urns and done not in urns
    entry = next(r["entity"] for r in results if r["entity"]["urn"] == groups["match"])
    assoc = entry["forms"]["incompleteForms"][0]
    assert assoc["form"]["info"]["name"] == "ML governance"
    assert [p["id"] for p in assoc["incompletePrompts"]] == ["tier", "retention"]
    variables["input"]["orFilters"] = [{"and": [{"field": "urn", "values": [done]}]}]
    props = graphql(server, INCOMPLETE, variables)["searchAcrossEntities"]["searchResults"][0]["entity"]["structuredProperties"]
    shown = {p["structuredProperty"]["definition"]["displayName"]: p["values"] for p in props["properties"]}
    assert shown == {"Tier": [{"stringValue": "gold"}], "Retention days": [{"numberValue": 7.0}]}


def test_explicit_assignment_from_yaml(server, cli, ns, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datahub.sdk import DataHubClient

    graph = DataHubClient(server=server.url)._graph
    urn = _group(graph, "mlflow", f"urn:li:domain:{unique('x')}")
    form_id = unique("review")
    path = tmp_path / "explicit.yaml"
    path.write_text(EXPLICIT_YAML.format(form=form_id, ns=ns, urn=urn))
    cli("forms", "upsert", "-f", str(path))
    form = f"urn:li:form:{form_id}"
    assert _state(server, urn, form) == ("incomplete", ["reviewed"], [])
    _set(graph, urn, {f"{PREFIX}{ns}.reviewed": ["2026-05-01"]})
    assert _state(server, urn, form) == ("complete", [], ["reviewed"])
    assert not _verified(server, urn, form)  # a COMPLETION form verifies nothing


def test_cli_lists_model_groups_missing_required_prompts(server, ruled, ns) -> None:  # type: ignore[no-untyped-def]
    import json
    import subprocess
    import sys

    graph, form, domain, groups = ruled
    answered = _group(graph, "mlflow", domain)
    _set(graph, answered, {f"{PREFIX}{ns}.tier": ["gold"]})
    command = [sys.executable, "-m", "mlcatalog", "forms", "incomplete", "--form", form, "--json", "--server", server.url]
    out = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout
    rows = {row["urn"]: row["forms"] for row in map(json.loads, out.splitlines())}
    assert [{k: v for k, v in row.items() if k != "needs"} for row in rows[groups["match"]]] == [
        {"form": form, "name": "ML governance", "missing": ["Tier"]}
    ]
    assert answered not in rows and groups["other_domain"] not in rows


def test_model_group_page_shows_display_names_and_form_completion(server, ruled, ns) -> None:  # type: ignore[no-untyped-def]
    import html

    import requests

    from tests.compat.helpers import encoded

    graph, _form, domain, _groups = ruled
    urn = _group(graph, "mlflow", domain)
    _set(graph, urn, {f"{PREFIX}{ns}.retention": [30.0]})
    page = html.unescape(requests.get(f"{server.url}/entity/{encoded(urn)}", timeout=30).text)
    assert "Retention days" in page and "30.0" in page
    assert "ML governance" in page and "incomplete" in page and "Tier (required)" in page
    _set(graph, urn, {f"{PREFIX}{ns}.retention": [30.0], f"{PREFIX}{ns}.tier": ["gold"]})
    page = html.unescape(requests.get(f"{server.url}/entity/{encoded(urn)}", timeout=30).text)
    assert "complete · verified" in page and "Tier (required)" not in page


def test_group_that_stops_matching_the_rule_loses_the_form_and_regains_it(server, ruled, ns) -> None:  # type: ignore[no-untyped-def]
    graph, form, domain, _groups = ruled
    urn = _group(graph, "mlflow", domain)
    _set(graph, urn, {f"{PREFIX}{ns}.tier": ["gold"]})
    assert _state(server, urn, form) == ("complete", ["retention"], ["tier"]) and _verified(server, urn, form)
    graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=models.DomainsClass(domains=[f"urn:li:domain:{unique('x')}"])))
    assert _state(server, urn, form) is None and not _verified(server, urn, form)
    assert stored(server, urn, "forms") == {"incompleteForms": [], "completedForms": [], "verifications": []}
    graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=models.DomainsClass(domains=[domain])))
    assert _state(server, urn, form) == ("complete", ["retention"], ["tier"]) and _verified(server, urn, form)


MIXED_YAML = """
- id: {form}
  type: COMPLETION
  name: Mixed
  prompts:
    - {{id: {form}-tier, title: Tier, type: STRUCTURED_PROPERTY, structured_property_id: {ns}.tier, required: true}}
  entities:
    urns: ["{urn}"]
    filters: {{types: [mlModelGroup], domains: [{domain}]}}
"""


def test_explicit_assignment_stays_when_the_rule_does_not_match(server, cli, ns, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datahub.sdk import DataHubClient

    graph = DataHubClient(server=server.url)._graph
    domain, elsewhere = f"urn:li:domain:{unique('mx')}", f"urn:li:domain:{unique('other')}"
    explicit, ruled_only = _group(graph, "mlflow", elsewhere), _group(graph, "mlflow", domain)
    form_id = unique("mixed")
    path = tmp_path / "mixed.yaml"
    path.write_text(MIXED_YAML.format(form=form_id, ns=ns, urn=explicit, domain=domain.removeprefix("urn:li:domain:")))
    cli("forms", "upsert", "-f", str(path))
    form = f"urn:li:form:{form_id}"
    assert _state(server, explicit, form) == ("incomplete", [f"{form_id}-tier"], [])
    assert _state(server, ruled_only, form) == ("incomplete", [f"{form_id}-tier"], [])
    for urn in (explicit, ruled_only):  # both leave (or stay out of) the rule's domain in one more write
        moved = models.DomainsClass(domains=[f"urn:li:domain:{unique('y')}"])
        graph.emit(MetadataChangeProposalWrapper(entityUrn=urn, aspect=moved))
    assert _state(server, explicit, form) == ("incomplete", [f"{form_id}-tier"], [])
    assert _state(server, ruled_only, form) is None


def test_changed_rule_unassigns_groups_it_no_longer_matches(server, cli, ns, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datahub.sdk import DataHubClient

    graph = DataHubClient(server=server.url)._graph
    first, second = unique("r1"), unique("r2")
    in_first, in_second = _group(graph, "mlflow", f"urn:li:domain:{first}"), _group(graph, "mlflow", f"urn:li:domain:{second}")
    form_id = unique("moving")
    path = tmp_path / "moving.yaml"
    for domain in (first, second):
        path.write_text(FORM_YAML.format(form=form_id, ns=ns, domain=domain))
        cli("forms", "upsert", "-f", str(path))
    form = f"urn:li:form:{form_id}"
    assert _state(server, in_first, form) is None
    assert _state(server, in_second, form) == ("incomplete", ["tier", "retention"], [])
