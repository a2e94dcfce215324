"""``mlcatalog aliases`` and ``mlcatalog get --at``: version aliases and entities across time."""

from __future__ import annotations

import json

import click

from mlcatalog.cli_http import call, encoded, server_option


@click.command()
@click.argument("group_urn")
@click.option("--at", "at", default=None, help="A time (ISO 8601 like 2026-03-12T00:00Z, or epoch ms); default now.")
@click.option("--history", is_flag=True, help="List every alias move instead.")
@server_option
def aliases(group_urn: str, at: str | None, history: bool, server: str) -> None:
    """Which version of a model group held each alias (champion, challenger, ...) at a time."""
    if history:
        for move in call("GET", server, f"/openapi/v1/alias-history/{encoded(group_urn)}")["moves"]:
            target = move["model"] or "(removed)"
            click.echo(f"{move['time']}\t{move['alias']}\t{target}\tversion {move['version']}\tby {move['actor']}")
        return
    params = {"at": at} if at else {}
    held = call("GET", server, f"/openapi/v1/aliases/{encoded(group_urn)}", params=params)["aliases"]
    for alias, holder in sorted(held.items()):
        click.echo(f"{alias}\t{holder['model']}\tversion {holder['version']}")


@click.command("get")
@click.argument("urn")
@click.option("--at", "at", required=True, help="A time (ISO 8601 or epoch ms).")
@server_option
def get_as_of(urn: str, at: str, server: str) -> None:
    """Print an entity's aspects as they stood at a time, as JSON."""
    reply = call("GET", server, f"/openapi/v1/asof/{encoded(urn)}", params={"at": at})
    click.echo(json.dumps({name: aspect["value"] for name, aspect in reply["aspects"].items()}, indent=2))
