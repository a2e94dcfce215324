"""``mlcatalog export FILE`` and ``mlcatalog import FILE``: a whole catalog from one backend to another."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click
from sqlalchemy.engine import make_url

from mlcatalog.settings import Settings

if TYPE_CHECKING:
    from mlcatalog.services.transfer import TransferSummary

_DATABASE = click.option(
    "--database",
    "database_url",
    default=None,
    envvar="MLCATALOG_DATABASE_URL",
    help="SQLAlchemy URL; default a SQLite file under ~/.mlcatalog.",
)


def _counts(summary: TransferSummary) -> str:
    tables = summary.tables
    return (
        f"{summary.rows} aspect rows of {summary.entities} entities, {tables.get('timeseries', 0)} timeseries points, "
        f"{tables.get('ingestionRunAspect', 0)} ingestion-run records, {tables.get('promotionRule', 0)} promotion rules"
    )


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_DATABASE
def export_command(file: Path, database_url: str | None) -> None:
    """Write the whole catalog to FILE (.gz compresses): every aspect version with systemMetadata, createdon
    and createdby, timeseries points, ingestion-run records and promotion rules. Indexes are rebuilt by
    import; the change log, access tokens and webhooks are not exported."""
    from mlcatalog.services.transfer import export_catalog, open_text
    from mlcatalog.store.sql import open_store

    settings = Settings.from_env(database_url=database_url)
    store = open_store(settings.database_url)
    partial = file.with_name(f".{file.stem}.partial{file.suffix}")  # never leave a half-written FILE behind
    try:
        with open_text(partial, "w") as out:
            summary = export_catalog(store, out, store.db.url.get_backend_name())
        os.replace(partial, file)
    finally:
        store.close()
        partial.unlink(missing_ok=True)
    click.echo(f"exported {_counts(summary)} from {_shown(settings.database_url)}")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_DATABASE
def import_command(file: Path, database_url: str | None) -> None:
    """Load FILE (written by `mlcatalog export`) into an empty catalog and rebuild its indexes."""
    from mlcatalog.errors import CatalogError
    from mlcatalog.registry import get_registry
    from mlcatalog.services.transfer import Importer, open_text
    from mlcatalog.store.sql import open_store

    settings = Settings.from_env(database_url=database_url)
    store = open_store(settings.database_url)

    def lines():  # type: ignore[no-untyped-def]
        with open_text(file, "r") as handle:
            yield from handle

    try:
        summary = Importer(store, get_registry()).load(lines, lambda rows: click.echo(f"  {rows} rows", err=True))
    except CatalogError as exc:
        raise click.ClickException(f"{file}: {exc.message} (nothing was imported)") from exc
    finally:
        store.close()
    click.echo(f"imported {_counts(summary)} into {_shown(settings.database_url)}")


def register(main: click.Group) -> None:
    main.add_command(export_command)
    main.add_command(import_command)
