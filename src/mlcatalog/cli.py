"""The ``mlcatalog`` command; ``serve`` is the default."""

from __future__ import annotations

import click
import uvicorn
from click_default_group import DefaultGroup

from mlcatalog import __version__
from mlcatalog.cli_feed import events, webhooks
from mlcatalog.cli_graph import graph, impact
from mlcatalog.cli_rules import rules
from mlcatalog.cli_versions import aliases, get_as_of
from mlcatalog.settings import Settings


@click.group(cls=DefaultGroup, default="serve", default_if_no_args=True)
@click.version_option(__version__, prog_name="mlcatalog")
def main() -> None:
    """A DataHub-compatible metadata catalog for ML model groups and models."""


@main.command()
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port to listen on (default 8080).")
@click.option(
    "--database",
    "database_url",
    default=None,
    envvar="MLCATALOG_DATABASE_URL",
    help="SQLAlchemy URL; default a SQLite file under ~/.mlcatalog.",
)
@click.option("--log-level", default="info", show_default=True)
def serve(host: str | None, port: int | None, database_url: str | None, log_level: str) -> None:
    """Start the server."""
    from mlcatalog.app import create_app

    settings = Settings.from_env(host=host, port=port, database_url=database_url)
    click.echo(f"mlcatalog {__version__} on http://{settings.host}:{settings.port} using {settings.database_url}")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level=log_level)


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command()
@click.option("--database", "database_url", default=None, envvar="MLCATALOG_DATABASE_URL")
def upgrade(database_url: str | None) -> None:
    """Create the schema or migrate it to the newest revision."""
    from mlcatalog.store.sql import open_store

    settings = Settings.from_env(database_url=database_url)
    open_store(settings.database_url).close()
    click.echo(f"database at {settings.database_url} is up to date")


main.add_command(webhooks)
main.add_command(events)
main.add_command(aliases)
main.add_command(get_as_of)
main.add_command(rules)
main.add_command(graph)
main.add_command(impact)

from mlcatalog.cli_search import search_group  # noqa: E402

main.add_command(search_group)
