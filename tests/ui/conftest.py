"""Browser fixtures: Debian's Chromium driven by Playwright against a live server with a generated catalog.

Playwright's own browser download cannot run here, so the tests use /usr/bin/chromium and install the
Debian package when it is missing. Screenshots land in test-artifacts/ui/ (gitignored).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.databases import temporary_database
from tests.support.server import ServerProcess
from tests.ui.catalog import Catalog, build

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "ui"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def ensure_chromium() -> Path:
    """Debian's Chromium, installed with apt-get when absent (the machine's user is root)."""
    if not CHROMIUM.exists():
        if shutil.which("apt-get") is None:
            pytest.fail("Chromium is missing and apt-get is not available to install it")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
    return CHROMIUM


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Per module, not per session: while Playwright's sync API is running, its event loop is the
    thread's running loop, and other tests on the same worker that call asyncio.run() would fail."""
    from playwright.sync_api import sync_playwright

    executable = ensure_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def ui_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server per backend for the UI tests, holding only the generated catalog (so counts,
    facets and screenshots are the same on every run). Tests that edit use groups of their own
    (see catalog.OTHER_GROUPS) so they never change what another test looks for."""
    directory = tmp_path_factory.mktemp(f"ui-{backend}")
    with temporary_database(backend, directory) as url, ServerProcess(url, directory / "server.log") as proc:
        yield proc


@pytest.fixture(scope="session")
def catalog(ui_server: ServerProcess) -> Catalog:
    from datahub.sdk import DataHubClient

    return build(DataHubClient(server=ui_server.url))


class Console:
    """Console errors and uncaught exceptions a page produced."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page) -> None:  # type: ignore[no-untyped-def]
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(browser, ui_server: ServerProcess, catalog: Catalog, console: Console, backend: str):  # type: ignore[no-untyped-def]
    """A desktop-sized page; the test fails if the page logged a console error."""
    yield from watched_page(browser, console, ui_server.url)


def watched_page(browser, console: Console, base_url: str):  # type: ignore[no-untyped-def]
    """A desktop-sized tab on ``base_url`` for a fixture to yield; console errors fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    console.watch(tab)
    yield tab
    context.close()
    assert console.errors == [], f"console errors: {console.errors}"


def screenshots(page, name: str, backend: str) -> list[Path]:  # type: ignore[no-untyped-def]
    """Save the current page at both widths; checks the phone width does not scroll sideways."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    saved = []
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.reload()  # as a device of that width would load it
        page.wait_for_load_state("networkidle")
        path = ARTIFACTS / f"{name}-{width}-{backend}.png"
        page.screenshot(path=str(path), full_page=True)
        saved.append(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {label} width {width}"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    return saved
