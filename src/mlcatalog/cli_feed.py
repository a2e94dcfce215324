"""``mlcatalog webhooks …`` and ``mlcatalog events``: the change feed from the terminal, over HTTP."""

from __future__ import annotations

import json
import os
from typing import Any

import click
import requests

DEFAULT_SERVER = "http://127.0.0.1:8080"
server_option = click.option(
    "--server",
    default=lambda: os.environ.get("DATAHUB_GMS_URL", DEFAULT_SERVER),
    show_default="$DATAHUB_GMS_URL or http://127.0.0.1:8080",
    help="mlcatalog server URL.",
)


def call(method: str, server: str, path: str, **kwargs: Any) -> Any:
    """One API call with the DataHub token the SDK would send; API errors become click errors."""
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


@click.group()
def webhooks() -> None:
    """Deliver every committed change to an HTTP endpoint, signed with HMAC-SHA256."""


@webhooks.command("add")
@click.argument("url")
@click.option("--secret", required=True, help="Shared secret for the X-MLCatalog-Signature header.")
@click.option("--entity-type", "entity_types", multiple=True, help="Only these entity types (repeatable).")
@click.option("--aspect", "aspects", multiple=True, help="Only these aspects (repeatable).")
@click.option("--change-type", "change_types", multiple=True, help="Only these change types (repeatable).")
@click.option("--from-sequence", type=int, default=None, help="Replay events after this sequence (default: new only).")
@server_option
def add(
    url: str,
    secret: str,
    entity_types: tuple[str, ...],
    aspects: tuple[str, ...],
    change_types: tuple[str, ...],
    from_sequence: int | None,
    server: str,
) -> None:
    body: dict[str, Any] = {"url": url, "secret": secret, "fromSequence": from_sequence}
    for key, values in (("entityTypes", entity_types), ("aspects", aspects), ("changeTypes", change_types)):
        if values:
            body[key] = list(values)
    created = call("POST", server, "/openapi/v1/webhooks", json=body)
    click.echo(f"webhook {created['id']} delivers to {created['url']}")


@webhooks.command("list")
@server_option
def list_webhooks(server: str) -> None:
    for hook in call("GET", server, "/openapi/v1/webhooks"):
        click.echo(
            f"{hook['id']}\t{hook['url']}\tdelivered up to {hook['lastDeliveredSequence']}"
            f"\tfailed attempts {hook['failedAttempts']}"
        )


@webhooks.command("remove")
@click.argument("webhook_id", type=int)
@server_option
def remove(webhook_id: int, server: str) -> None:
    call("DELETE", server, f"/openapi/v1/webhooks/{webhook_id}")
    click.echo(f"webhook {webhook_id} removed")


@webhooks.command("deliveries")
@click.argument("webhook_id", type=int)
@server_option
def deliveries(webhook_id: int, server: str) -> None:
    for item in call("GET", server, f"/openapi/v1/webhooks/{webhook_id}/deliveries"):
        outcome = "ok" if item["succeeded"] else f"failed ({item['statusCode'] or item['error']})"
        click.echo(f"seq {item['sequence']}\tattempt {item['attempt']}\t{outcome}")


@click.command()
@click.option("--after", type=int, default=0, show_default=True)
@click.option("--limit", type=int, default=100, show_default=True)
@server_option
def events(after: int, limit: int, server: str) -> None:
    """Print committed changes after a sequence number as JSON lines."""
    for item in call("GET", server, "/openapi/v1/events", params={"after": after, "limit": limit})["events"]:
        click.echo(json.dumps(item))
