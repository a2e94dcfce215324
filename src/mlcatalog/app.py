"""create_app(settings): middleware, routers and the lifespan that opens the store. Wiring only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from mlcatalog import __version__, ui
from mlcatalog.api import errors, graphql, openapi_v3, restli
from mlcatalog.api.deps import Services
from mlcatalog.registry import get_registry
from mlcatalog.services.entities import EntityService
from mlcatalog.services.ingest import IngestService
from mlcatalog.settings import Settings
from mlcatalog.store.sql import open_store


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        registry = get_registry()
        store = open_store(settings.database_url)
        app.state.services = Services(
            registry=registry,
            entities=EntityService(store, registry),
            ingest=IngestService(store, registry),
        )
        try:
            yield
        finally:
            store.close()

    app = FastAPI(title="mlcatalog", version=__version__, lifespan=lifespan)
    errors.install(app)
    app.include_router(restli.router)
    app.include_router(openapi_v3.router)
    app.include_router(graphql.router)
    ui.install(app)
    return app
