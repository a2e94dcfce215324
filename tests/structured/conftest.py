"""Fixtures for structured properties and forms: the CLI runner and property definitions from YAML."""

from __future__ import annotations

from tests.cli.conftest import datahub  # noqa: F401  (the real CLI against the session server)
