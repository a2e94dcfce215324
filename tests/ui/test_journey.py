"""The journey of the issue, in a real browser: search → facet → open group → versions and lineage →
edit tags and description → search again finds the change. Screenshots of every page at both widths."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.ui.catalog import Catalog
from tests.ui.conftest import screenshots


def test_home_shows_counts_and_recent_groups(page, catalog: Catalog, backend: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    expect(page.locator("#count-1")).to_have_text("Model groups 7")
    expect(page.locator("#count-2")).to_have_text("Models 3")
    recent = page.locator("section[aria-labelledby=recent]")
    expect(recent.get_by_role("link", name="Recommendation Models", exact=True)).to_be_visible()
    screenshots(page, "home", backend)


def test_search_facet_group_edit_and_find_again(page, catalog: Catalog, backend: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.get_by_role("combobox", name="Search the catalog").fill("recommendation models")
    page.keyboard.press("Enter")
    expect(page.locator("#results-heading")).to_contain_text("for “recommendation models”")
    first = page.locator(".result .title").first
    expect(first).to_have_text("Recommendation Models")  # the exact name ranks first
    expect(first.locator("mark")).to_have_text(["Recommendation", "Models"])
    screenshots(page, "search", backend)

    tags = page.locator("fieldset.facet", has=page.get_by_role("heading", name="Tags"))
    tags.get_by_role("button", name="production-ready").click()
    expect(page.locator("#results-heading")).to_contain_text("1 result")
    assert "tag=urn%3Ali%3Atag%3Aproduction-ready" in page.url  # the URL holds the search
    expect(page.locator(".chip")).to_contain_text("Tags: production-ready")
    screenshots(page, "search-faceted", backend)

    page.locator(".result .title", has_text="Recommendation Models").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation Models")
    versions = page.get_by_test_id("versions").locator("tbody tr")
    expect(versions).to_have_count(3)
    expect(versions.nth(0)).to_contain_text("champion")
    expect(versions.nth(0).locator("td").first).to_have_text("3")
    expect(versions.nth(1)).to_contain_text("challenger")
    lineage = page.get_by_test_id("lineage")
    upstream_and_downstream = ("training_task", "analytics.events.clicks", "recommendation-model v3", "batch_scoring")
    for name in (*upstream_and_downstream, "serving.recs.home_ranked"):
        expect(lineage.locator("a", has_text=name)).to_have_count(1)
    expect(page.get_by_test_id("description").locator("strong")).to_have_text("home page")
    screenshots(page, "group", backend)

    page.get_by_text("+ Add tag").click()
    page.get_by_label("Tag", exact=True).fill("nightly-retrain")
    page.get_by_role("button", name="Add tag").click()
    expect(page.get_by_role("status")).to_have_text("Saved.")
    expect(page.get_by_test_id("tags")).to_contain_text("nightly-retrain")

    page.get_by_text("Edit description").click()
    page.get_by_label("Description (Markdown)").fill("Ranks items with a *zebrafish* two-tower model.")
    page.get_by_role("button", name="Save description").click()
    expect(page.get_by_test_id("description").locator("em")).to_have_text("zebrafish")
    expect(page.get_by_test_id("history")).to_contain_text("tags: added nightly-retrain")

    page.get_by_role("combobox", name="Search the catalog").fill("zebrafish")
    page.keyboard.press("Enter")
    expect(page.locator("#results-heading")).to_contain_text("1 result")
    expect(page.locator(".result .title")).to_have_text("Recommendation Models")
    expect(page.locator(".result p mark")).to_have_text("zebrafish")
    tags = page.locator("fieldset.facet", has=page.get_by_role("heading", name="Tags"))
    expect(tags.get_by_role("button", name="nightly-retrain")).to_contain_text("1")


def test_keyboard_only_autocomplete_and_editing(page, catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    box = page.get_by_role("combobox", name="Search the catalog")
    expect(box).to_be_focused()
    page.keyboard.type("fraud")
    suggestions = page.get_by_role("listbox")
    expect(suggestions.get_by_role("option").first).to_contain_text("Fraud Detection")
    expect(box).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(suggestions.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fraud Detection")

    page.get_by_text("Edit description").focus()
    page.keyboard.press("Enter")  # a <summary> opens with the keyboard
    expect(page.get_by_label("Description (Markdown)")).to_be_visible()
