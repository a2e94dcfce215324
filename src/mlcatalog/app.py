"""create_app(settings): middleware, routers and the lifespan that opens the store. Wiring only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from mlcatalog import __version__
from mlcatalog.api import auth, errors, limits, openapi_v3, restli, tokens
from mlcatalog.api.deps import Services
from mlcatalog.registry import get_registry
from mlcatalog.services.entities import EntityService
from mlcatalog.services.ingest import IngestService
from mlcatalog.services.tokens import TokenService
from mlcatalog.settings import Settings
from mlcatalog.store.sql import open_store
from mlcatalog.store.sql.tokens import SqlTokenStore


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        registry = get_registry().with_max_urn_length(settings.limits.max_urn_length)
        store = open_store(settings.database_url, statement_timeout_ms=settings.limits.statement_timeout_ms)
        app.state.services = Services(
            registry=registry,
            entities=EntityService(store, registry, settings.limits),
            ingest=IngestService(store, registry, limits=settings.limits),
            tokens=TokenService(SqlTokenStore(store.db)),
        )
        try:
            yield
        finally:
            store.close()

    app = FastAPI(title="mlcatalog", version=__version__, lifespan=lifespan)
    errors.install(app)
    auth.install(app, settings.auth_enabled)
    limits.install(app, settings.limits)  # outermost: refuses oversized bodies before anything reads them
    app.include_router(restli.router)
    app.include_router(openapi_v3.router)
    app.include_router(tokens.router)
    return app
