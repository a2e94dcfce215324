"""``mlcatalog token``: create, list and revoke access tokens, directly on the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from mlcatalog.errors import CatalogError
from mlcatalog.services.tokens import ROLES, TokenService, format_ms, parse_duration
from mlcatalog.settings import Settings

_DATABASE = click.option(
    "--database",
    "database_url",
    default=None,
    envvar="MLCATALOG_DATABASE_URL",
    help="SQLAlchemy URL of the catalog; default the SQLite file under ~/.mlcatalog.",
)


@contextmanager
def _tokens(database_url: str | None) -> Iterator[TokenService]:
    from mlcatalog.store.sql import open_store
    from mlcatalog.store.sql.tokens import SqlTokenStore

    store = open_store(Settings.from_env(database_url=database_url).database_url)
    try:
        yield TokenService(SqlTokenStore(store.db))
    except CatalogError as exc:
        raise click.ClickException(exc.message) from exc
    finally:
        store.close()


@click.group()
def token() -> None:
    """Access tokens for `Authorization: Bearer <token>` (DATAHUB_GMS_TOKEN)."""


@token.command("create")
@click.option("--user", required=True, help="The user the token acts as (urn:li:corpuser:<user>).")
@click.option("--role", required=True, type=click.Choice(ROLES), help="reader, editor or admin.")
@click.option("--expires", default=None, help="Lifetime such as 30d, 12h or 2w (default: never expires).")
@_DATABASE
def create(user: str, role: str, expires: str | None, database_url: str | None) -> None:
    """Issue a token. It is printed once, alone on the last line, and only its hash is stored."""
    with _tokens(database_url) as tokens:
        lifetime = parse_duration(expires) if expires else None
        issued = tokens.create(user, role, lifetime, created_by="urn:li:corpuser:__mlcatalog_cli")
    record = issued.record
    click.echo(f"token {record.id} for urn:li:corpuser:{record.user}, role {record.role}, expires {format_ms(record.expires_on)}")
    click.echo("Store it now: it cannot be shown again.")
    click.echo(issued.token)


@token.command("list")
@_DATABASE
def list_tokens(database_url: str | None) -> None:
    """Every token with its user, role and status (never the secret)."""
    with _tokens(database_url) as tokens:
        found = tokens.list()
    click.echo(f"{'ID':<14}{'USER':<24}{'ROLE':<8}{'STATUS':<9}{'CREATED':<22}EXPIRES")
    for record, status in found:
        created = format_ms(record.created_on)
        click.echo(f"{record.id:<14}{record.user:<24}{record.role:<8}{status:<9}{created:<22}{format_ms(record.expires_on)}")


@token.command("revoke")
@click.argument("token_id")
@_DATABASE
def revoke(token_id: str, database_url: str | None) -> None:
    """Revoke a token by its id; every server refuses it from the next request on."""
    with _tokens(database_url) as tokens:
        record = tokens.revoke(token_id)
    click.echo(f"token {record.id} of urn:li:corpuser:{record.user} revoked at {format_ms(record.revoked_on)}")
