"""Model, label, deprecated, missing and empty pages, as a reader sees them."""

from __future__ import annotations

from urllib.parse import quote

import requests
from playwright.sync_api import expect

from tests.ui.catalog import Catalog
from tests.ui.conftest import ARTIFACTS, screenshots


def url(urn: str) -> str:
    return "/entity/" + quote(urn, safe=":,()")


def test_model_page_shows_group_version_params_and_metrics(page, catalog: Catalog, backend: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url(catalog.models[2]))
    expect(page.get_by_role("heading", level=1)).to_have_text("recommendation-model v3")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Recommendation Models")
    expect(facts).to_contain_text("champion")
    hyper = page.locator("table", has=page.get_by_role("cell", name="learning_rate"))
    expect(hyper.get_by_role("row", name="epochs")).to_contain_text("8")
    metrics = page.locator("table", has=page.get_by_role("cell", name="auc", exact=True))
    expect(metrics.get_by_role("row", name="auc")).to_contain_text("0.815")
    expect(page.get_by_test_id("lineage").locator("a", has_text="training_task")).to_have_count(1)
    screenshots(page, "model", backend)
    facts.get_by_role("link", name="Recommendation Models").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation Models")


def test_tag_user_and_domain_pages_list_what_they_label(page, catalog: Catalog, backend: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url("urn:li:tag:tabular"))
    labelled = page.locator("#labelled")
    expect(labelled.locator(".result .title")).to_have_text(["Customer Churn Prediction", "Fraud Detection"])
    screenshots(page, "tag", backend)

    page.goto(url("urn:li:corpuser:maria"))
    expect(page.locator("#labelled-h")).to_contain_text("Owns")
    expect(page.locator("#labelled .result .title")).to_have_text(["Demand Forecasting", "Fraud Detection"])
    screenshots(page, "user", backend)

    page.goto(url("urn:li:domain:marketing"))
    titles = page.locator("#labelled .result .title")
    expect(titles.filter(has_text="Customer Churn Prediction")).to_have_count(1)
    expect(titles.filter(has_text="Legacy Recommendation Models")).to_have_count(1)
    screenshots(page, "domain", backend)

    page.goto(url("urn:li:glossaryTerm:Fraud"))
    expect(page.locator("#labelled .result .title")).to_have_text(["Fraud Detection"])


def test_deprecated_group_shows_banner_with_note_and_date(page, catalog: Catalog, backend: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url(catalog.deprecated_group))
    banner = page.get_by_role("note", name="Deprecation")
    expect(banner).to_contain_text("decommission on 2026-11-30")
    expect(banner.locator("strong", has_text="Recommendation Models")).to_have_count(1)  # the note is Markdown
    expect(banner).to_contain_text("priya")
    screenshots(page, "deprecated-group", backend)


def test_unknown_entity_is_a_404_page(page, ui_server, console) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(url("urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,does-not-exist,PROD)"))
    assert response.status == 404
    console.errors.remove("Failed to load resource: the server responded with a status of 404 (Not Found)")  # the page itself
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.get_by_role("link", name="Back to the catalog home")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "not-found-1280.png"))
    assert requests.get(f"{ui_server.url}/entity/not-a-urn").status_code == 404


def test_search_with_no_match_suggests_a_way_out(page, catalog: Catalog, backend: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/search?query=qwertyuiop&platform=mlflow")
    expect(page.locator("#results-heading")).to_contain_text("No results")
    empty = page.locator(".empty")
    expect(empty).to_contain_text("Nothing matches “qwertyuiop” with these filters")
    empty.get_by_role("link", name="remove the filters").click()
    expect(page.locator(".chip")).to_have_count(0)
    screenshots(page, "search-empty", backend)


def test_search_pages_through_results_and_facets_combine(page, catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    page.goto("/search?query=")
    expect(page.locator("#results-heading")).to_contain_text("results")
    expect(page.locator(".result")).to_have_count(10)
    page.get_by_role("link", name="Next →").click()
    expect(page.locator(".pager")).to_contain_text("Page 2 of")
    page.goto("/search?query=&type=mlModelGroup&platform=sagemaker")
    expect(page.locator(".result .title")).to_have_text(["Fraud Detection", "Image Moderation"])
    platform = page.locator("fieldset.facet", has=page.get_by_role("heading", name="Platform"))
    # counts of a facet ignore that facet's own choice, so the other platform stays offered
    expect(platform.get_by_role("button", name="mlflow")).to_contain_text("5")
    page.goto("/search?query=&type=mlModelGroup&platform=sagemaker&platform=mlflow&deprecated=true")
    expect(page.locator(".result .title")).to_have_text(["Legacy Recommendation Models"])


def test_an_empty_catalog_says_how_to_fill_it(browser, make_server, backend: str) -> None:  # type: ignore[no-untyped-def]
    empty = make_server()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=empty.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto("/")
    expect(page.locator("#count-1")).to_have_text("Model groups 0")
    expect(page.get_by_text("None yet. Ingest some with the DataHub SDK or CLI")).to_have_count(2)
    expect(page.get_by_text("No model group has changed yet.")).to_be_visible()
    screenshots(page, "home-empty", backend)
    page.goto("/search?query=anything")
    expect(page.locator("#results-heading")).to_have_text("No results for “anything”")
    context.close()
    assert errors == []
