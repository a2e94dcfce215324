"""``mlcatalog search …``: maintenance of the search index."""

from __future__ import annotations

import time

import click

from mlcatalog.settings import Settings


@click.group("search")
def search_group() -> None:
    """Search index maintenance."""


@search_group.command()
@click.option("--database", "database_url", default=None, envvar="MLCATALOG_DATABASE_URL")
def rebuild(database_url: str | None) -> None:
    """Regenerate the search index from the stored aspects (safe while the server runs)."""
    from mlcatalog.registry import get_registry
    from mlcatalog.services.search_index import SearchIndex
    from mlcatalog.store.sql import open_store

    settings = Settings.from_env(database_url=database_url)
    store = open_store(settings.database_url)
    started = time.monotonic()
    try:
        index = SearchIndex(get_registry())
        hidden = frozenset(store.history.removed_urns("urn:li:structuredProperty:"))  # soft-deleted definitions
        written = store.rebuild_search(lambda urn, aspects: index.document(urn, aspects, hidden))
    finally:
        store.close()
    click.echo(f"search index rebuilt: {written} entities in {time.monotonic() - started:.1f}s")
