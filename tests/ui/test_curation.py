"""Curating in the browser: owners, terms, links, domain and deprecation, each visible at once on the
page and in search; bad input and cross-site posts change nothing."""

from __future__ import annotations

import requests
from playwright.sync_api import expect

from tests.ui.catalog import Catalog
from tests.ui.conftest import screenshots
from tests.ui.test_pages import url

SEARCH_RANKING = "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,search-ranking,DEV)"
DEMAND = "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,demand-forecast,QA)"
MODERATION = "urn:li:mlModelGroup:(urn:li:dataPlatform:sagemaker,image-moderation,PROD)"


def test_owners_and_terms_are_added_and_removed(page, catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    page.goto(url(SEARCH_RANKING))
    page.get_by_text("+ Add owner").click()
    page.get_by_label("Owner", exact=True).fill("kenji")
    page.get_by_label("Ownership type").select_option("DATA_STEWARD")
    page.get_by_role("button", name="Add owner").click()
    owners = page.get_by_test_id("owners")
    expect(owners).to_contain_text("kenji data steward")

    page.get_by_text("+ Add term").click()
    page.get_by_label("Glossary term").fill("Ranking")
    page.get_by_role("button", name="Add term").click()
    expect(page.get_by_test_id("terms")).to_contain_text("Ranking")

    page.goto("/search?query=&owner=urn:li:corpuser:kenji&term=urn:li:glossaryTerm:Ranking")
    expect(page.locator(".result .title")).to_have_text(["Search Ranking"])

    page.goto(url(SEARCH_RANKING))
    page.get_by_role("button", name="Remove term Ranking").click()
    expect(page.get_by_test_id("terms")).to_have_text("No terms")
    page.get_by_role("button", name="Remove kenji").click()
    expect(owners).not_to_contain_text("kenji")
    expect(page.get_by_test_id("history")).to_contain_text("glossary terms: removed Ranking")


def test_links_and_domain(page, catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    page.goto(url(DEMAND))
    page.get_by_text("+ Add link").click()
    page.get_by_label("URL").fill("https://wiki.example.com/ml/demand/runbook")
    page.get_by_label("Label").fill("On-call runbook")
    page.get_by_role("button", name="Add link").click()
    link = page.locator("#links").get_by_role("link", name="On-call runbook")
    expect(link).to_have_attribute("href", "https://wiki.example.com/ml/demand/runbook")

    page.get_by_text("Change domain").click()
    page.get_by_label("Domain", exact=True).fill("planning")
    page.get_by_role("button", name="Set domain").click()
    expect(page.get_by_test_id("domain")).to_have_text("planning")
    page.goto("/search?query=demand&domain=urn:li:domain:planning")
    expect(page.locator(".result .title")).to_have_text(["Demand Forecasting"])

    page.goto(url(DEMAND))
    page.get_by_role("button", name="Remove link On-call runbook").click()
    expect(page.locator("#links")).to_contain_text("No links")


def test_deprecate_and_undeprecate_with_a_note(page, catalog: Catalog, backend: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url(MODERATION))
    page.get_by_text("Deprecate…").click()
    page.get_by_label("Note (what replaces it)").fill("Use the multimodal safety model instead.")
    page.get_by_label("Decommission date (optional)").fill("2027-01-31")
    page.get_by_role("button", name="Deprecate", exact=True).click()
    banner = page.get_by_role("note", name="Deprecation")
    expect(banner).to_contain_text("decommission on 2027-01-31")
    expect(banner).to_contain_text("Use the multimodal safety model instead.")
    screenshots(page, "group-deprecating", backend)

    page.goto("/search?query=moderation&deprecated=true")
    expect(page.locator(".result .title")).to_have_text(["Image Moderation"])
    expect(page.locator(".result .badge.warn")).to_have_text("Deprecated")

    page.goto(url(MODERATION))
    page.get_by_role("button", name="Undeprecate").click()
    expect(page.get_by_role("note", name="Deprecation")).to_have_count(0)
    expect(page.get_by_test_id("history")).to_contain_text("undeprecated")


def test_bad_input_is_refused_with_the_field_and_changes_nothing(page, catalog: Catalog, console) -> None:  # type: ignore[no-untyped-def]
    page.goto(url(DEMAND))
    before = page.locator("#links ul.links").inner_text()
    page.get_by_text("+ Add link").click()
    page.get_by_label("URL").fill("ftp://files.example.com/model.bin")
    page.get_by_role("button", name="Add link").click()
    expect(page.get_by_role("alert")).to_have_text("Not saved: url: a link must start with http:// or https://")
    expect(page.locator("#links ul.links")).to_have_text(before)
    console.errors.remove("Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)")  # the page


def test_missing_tag_and_unknown_owner_type_are_refused(ui_server, catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    page_before = requests.get(f"{ui_server.url}{url(DEMAND)}").text
    reply = requests.post(f"{ui_server.url}/curate/add-tag", data={"urn": DEMAND, "tag": "  "}, allow_redirects=False)
    assert reply.status_code == 422
    assert "Not saved: tag: a tag name is required" in reply.text
    reply = requests.post(
        f"{ui_server.url}/curate/add-owner", data={"urn": DEMAND, "owner": "zoe", "type": "BOSS"}, allow_redirects=False
    )
    assert reply.status_code == 422
    assert "Not saved: ownership edit" in reply.text and "BOSS" in reply.text
    assert "zoe" not in requests.get(f"{ui_server.url}{url(DEMAND)}").text
    assert "zoe" not in page_before


def test_a_post_from_another_site_is_refused(ui_server, catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    reply = requests.post(
        f"{ui_server.url}/curate/add-tag",
        data={"urn": DEMAND, "tag": "from-evil"},
        headers={"Origin": "https://evil.example.com"},
        allow_redirects=False,
    )
    assert reply.status_code == 403
    assert "from-evil" not in requests.get(f"{ui_server.url}{url(DEMAND)}").text
