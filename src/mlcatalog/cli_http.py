"""HTTP plumbing for CLI commands that talk to a running server, with the token the SDK would send."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

import click

DEFAULT_SERVER = "http://127.0.0.1:8080"
server_option = click.option(
    "--server",
    default=lambda: os.environ.get("DATAHUB_GMS_URL", DEFAULT_SERVER),
    show_default="$DATAHUB_GMS_URL or http://127.0.0.1:8080",
    help="mlcatalog server URL.",
)


def call(method: str, server: str, path: str, **kwargs: Any) -> Any:
    """One API call with the DataHub token the SDK would send; API errors become click errors."""
    import requests  # here, not at import: ``mlcatalog serve`` starts faster without it

    token = os.environ.get("DATAHUB_GMS_TOKEN")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    reply = requests.request(method, f"{server.rstrip('/')}{path}", headers=headers, timeout=30, **kwargs)
    if reply.status_code >= 400:
        try:
            message = reply.json().get("message", reply.text)
        except ValueError:
            message = reply.text
        raise click.ClickException(f"{reply.status_code}: {message}")
    return None if reply.status_code == 204 else reply.json()


def encoded(urn: str) -> str:
    return quote(urn, safe="")
