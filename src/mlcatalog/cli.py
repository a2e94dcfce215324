"""The ``mlcatalog`` command; ``serve`` is the default."""

from __future__ import annotations

import click
import uvicorn
from click_default_group import DefaultGroup
from sqlalchemy.engine import make_url

from mlcatalog import __version__, cli_transfer
from mlcatalog.cli_feed import events, webhooks
from mlcatalog.cli_forms import forms
from mlcatalog.cli_graph import graph, impact
from mlcatalog.cli_ingest import ingest
from mlcatalog.cli_rules import rules
from mlcatalog.cli_search import search_group
from mlcatalog.cli_tokens import token
from mlcatalog.cli_versions import aliases, get_as_of
from mlcatalog.settings import Settings, is_loopback


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
@click.option(
    "--auth/--no-auth",
    default=None,
    help="Require bearer tokens (MLCATALOG_AUTH); on by default when listening beyond loopback.",
)
def serve(host: str | None, port: int | None, database_url: str | None, log_level: str, auth: bool | None) -> None:
    """Start the server."""
    from mlcatalog.app import create_app

    settings = Settings.from_env(host=host, port=port, database_url=database_url, auth=auth)
    shown = make_url(settings.database_url).render_as_string(hide_password=True)  # never print a password
    click.echo(f"mlcatalog {__version__} on http://{settings.host}:{settings.port} using {shown}")
    click.echo(f"authentication {'on' if settings.auth_enabled else 'off'}")
    if not settings.auth_enabled and not is_loopback(settings.host):
        click.echo(
            f"WARNING: authentication is off while listening on {settings.host}: anyone who can reach it can write", err=True
        )
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


main.add_command(token)
cli_transfer.register(main)
main.add_command(webhooks)
main.add_command(events)
main.add_command(aliases)
main.add_command(get_as_of)
main.add_command(rules)
main.add_command(forms)
main.add_command(graph)
main.add_command(impact)
main.add_command(search_group)
main.add_command(ingest)
