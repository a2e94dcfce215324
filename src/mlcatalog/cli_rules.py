"""``mlcatalog rules …``: promotion rules that guard alias moves and deprecation changes."""

from __future__ import annotations

import json
from typing import Any

import click

from mlcatalog.cli_http import call, server_option


@click.group()
def rules() -> None:
    """Refuse alias moves (champion, ...) or deprecation changes unless conditions hold."""


@rules.command("add")
@click.option("--name", required=True)
@click.option("--alias", "aliases", multiple=True, help="Guard moves of this alias onto a version (repeatable).")
@click.option("--deprecation", is_flag=True, help="Guard deprecating and undeprecating.")
@click.option("--require-owner-type", default=None, help="Require an owner of this type, e.g. TECHNICAL_OWNER.")
@click.option("--require-property", default=None, help="Require this structured property URN to be set.")
@click.option("--require-training-dataset", is_flag=True, help="Require training lineage to reach a dataset.")
@click.option("--require-group-not-deprecated", is_flag=True)
@click.option("--require-other-owner", is_flag=True, help="Refuse when the actor is the only owner.")
@server_option
def add(
    name: str,
    aliases: tuple[str, ...],
    deprecation: bool,
    require_owner_type: str | None,
    require_property: str | None,
    require_training_dataset: bool,
    require_group_not_deprecated: bool,
    require_other_owner: bool,
    server: str,
) -> None:
    conditions: list[dict[str, Any]] = []
    if require_owner_type:
        conditions.append({"hasOwnerOfType": require_owner_type})
    if require_property:
        conditions.append({"structuredPropertySet": require_property})
    for flag, key in (
        (require_training_dataset, "trainedOnDataset"),
        (require_group_not_deprecated, "groupNotDeprecated"),
        (require_other_owner, "actorNotOnlyOwner"),
    ):
        if flag:
            conditions.append({key: True})
    body = {"name": name, "appliesTo": {"aliases": list(aliases), "deprecation": deprecation}, "conditions": conditions}
    rule = call("POST", server, "/openapi/v1/promotion-rules", json=body)
    click.echo(f"rule {rule['id']} ({rule['name']}) added")


@rules.command("list")
@server_option
def list_rules(server: str) -> None:
    for rule in call("GET", server, "/openapi/v1/promotion-rules"):
        click.echo(f"{rule['id']}\t{rule['name']}\t{json.dumps(rule['appliesTo'])}\t{json.dumps(rule['conditions'])}")


@rules.command("remove")
@click.argument("rule_id", type=int)
@server_option
def remove(rule_id: int, server: str) -> None:
    call("DELETE", server, f"/openapi/v1/promotion-rules/{rule_id}")
    click.echo(f"rule {rule_id} removed")
