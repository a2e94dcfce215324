"""``mlcatalog graph rebuild`` and ``mlcatalog impact <urn>``: graph commands run on the database."""

from __future__ import annotations

import json

import click

from mlcatalog.settings import Settings

_DATABASE = click.option("--database", "database_url", default=None, envvar="MLCATALOG_DATABASE_URL")


@click.group()
def graph() -> None:
    """Relationship graph maintenance."""


@graph.command()
@_DATABASE
def rebuild(database_url: str | None) -> None:
    """Regenerate every relationship edge from the stored aspects, in one transaction."""
    from mlcatalog.registry import get_registry
    from mlcatalog.services.graph_rebuild import rebuild_graph
    from mlcatalog.store.sql import open_store

    store = open_store(Settings.from_env(database_url=database_url).database_url)
    try:
        report = rebuild_graph(store, get_registry())
    finally:
        store.close()
    click.echo(
        f"rebuilt the graph from {report.aspects} aspects ({report.skipped} skipped): "
        f"{report.edges_before} edges before, {report.edges_after} after"
    )


@click.command()
@click.argument("urn")
@click.option("--max-hops", type=int, default=None, help="Stop after this many hops (default: the whole graph).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@_DATABASE
def impact(urn: str, max_hops: int | None, as_json: bool, database_url: str | None) -> None:
    """Live models and model groups trained directly or transitively on URN, and who owns them."""
    from mlcatalog.errors import CatalogError
    from mlcatalog.registry import get_registry
    from mlcatalog.services.lineage import LineageService
    from mlcatalog.store.sql import open_store

    store = open_store(Settings.from_env(database_url=database_url).database_url)
    try:
        found = LineageService(store, get_registry()).impact(urn, max_hops)
    except CatalogError as exc:
        raise click.UsageError(exc.message) from exc
    finally:
        store.close()
    rows = [
        {
            "urn": item.hit.urn,
            "type": item.hit.entity_type,
            "hops": item.hit.degree,
            "path": item.hit.path,
            "owners": [owner for owner, _kind in item.owners],
        }
        for item in found
    ]
    if as_json:
        click.echo(json.dumps({"source": urn, "total": len(rows), "impacted": rows}, indent=2))
        return
    if not rows:
        click.echo(f"No live models or model groups downstream of {urn}.")
        return
    click.echo(f"{'Hops':<5} {'Type':<13} {'Owners':<40} URN")
    for row in rows:
        click.echo(f"{row['hops']:<5} {row['type']:<13} {', '.join(row['owners']) or '-':<40} {row['urn']}")
