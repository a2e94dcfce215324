"""``mlcatalog webhooks …`` and ``mlcatalog events``: the change feed from the terminal, over HTTP."""

from __future__ import annotations

import json
from typing import Any

import click

from mlcatalog.cli_http import call, server_option


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
