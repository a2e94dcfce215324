"""With authentication on: the UI asks for a token, keeps it in a secure http-only cookie, and writes
with the signed-in user as actor; a reader may browse but not edit."""

from __future__ import annotations

import re

import pytest
from datahub.sdk import DataHubClient
from datahub.sdk.mlmodelgroup import MLModelGroup
from playwright.sync_api import expect

from tests.compat.helpers import unique
from tests.support.tokens import AuthServer
from tests.ui.conftest import screenshots, watched_page
from tests.ui.test_pages import url


@pytest.fixture
def secured_group(secured: AuthServer) -> str:
    name = unique("secured-group")
    group = MLModelGroup(id=name, platform="mlflow", name="Secured Group", description="Behind a token.")
    DataHubClient(server=secured.url, token=secured.tokens["editor"]).entities.upsert(group)
    return str(group.urn)


@pytest.fixture
def signed_out(browser, secured: AuthServer, console):  # type: ignore[no-untyped-def]
    yield from watched_page(browser, console, secured.url)


def sign_in(page, token: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Access token").fill(token)
    page.get_by_role("button", name="Sign in").click()


def test_a_page_asks_for_a_token_and_keeps_it_in_a_secure_http_only_cookie(signed_out, secured, secured_group, backend) -> None:  # type: ignore[no-untyped-def]
    page = signed_out
    page.goto(url(secured_group))
    expect(page).to_have_url(re.compile(r"/login\?next=/entity/urn%3Ali%3AmlModelGroup"))
    screenshots(page, "login", backend)
    sign_in(page, secured.tokens["editor"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Secured Group")  # back where it started

    (cookie,) = [c for c in page.context.cookies() if c["name"] == "mlcatalog_token"]
    assert (cookie["httpOnly"], cookie["secure"], cookie["sameSite"]) == (True, True, "Strict")
    assert "mlcatalog_token" not in page.evaluate("document.cookie")  # scripts cannot read it

    page.get_by_text("+ Add tag").click()
    page.get_by_label("Tag", exact=True).fill("reviewed")
    page.get_by_role("button", name="Add tag").click()
    expect(page.get_by_test_id("tags")).to_contain_text("reviewed")
    expect(page.get_by_test_id("history").locator("tbody tr").first).to_contain_text("editor-bot")

    page.get_by_role("button", name="Sign out").click()
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_a_reader_browses_but_cannot_edit(signed_out, secured, secured_group, console) -> None:  # type: ignore[no-untyped-def]
    page = signed_out
    page.goto("/login")
    sign_in(page, secured.tokens["reader"])
    page.goto(url(secured_group))
    page.get_by_text("+ Add tag").click()
    page.get_by_label("Tag", exact=True).fill("sneaky")
    page.get_by_role("button", name="Add tag").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    expect(page.locator(".empty")).to_contain_text("role 'editor' or higher is needed")
    console.errors.remove("Failed to load resource: the server responded with a status of 403 (Forbidden)")  # the page
    page.goto(url(secured_group))
    expect(page.get_by_test_id("tags")).not_to_contain_text("sneaky")


def test_a_wrong_token_is_refused_at_sign_in(signed_out, secured, console) -> None:  # type: ignore[no-untyped-def]
    page = signed_out
    page.goto("/login")
    sign_in(page, "not-a-token")
    expect(page.get_by_role("alert")).to_contain_text("token:")
    console.errors.remove("Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)")
    assert not [c for c in page.context.cookies() if c["name"] == "mlcatalog_token"]
