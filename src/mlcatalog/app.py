"""create_app(settings): middleware, routers and the lifespan that opens the store. Wiring only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from mlcatalog import __version__
from mlcatalog.api import errors, openapi_doc, openapi_entities, openapi_v3, restli, runs, timeline, trace
from mlcatalog.api.deps import Services
from mlcatalog.registry import get_registry
from mlcatalog.services.entities import EntityService
from mlcatalog.services.ingest import IngestService
from mlcatalog.services.references import ReferenceService
from mlcatalog.services.runs import RunService
from mlcatalog.services.timeline import TimelineService
from mlcatalog.settings import Settings
from mlcatalog.store.sql import open_store


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        registry = get_registry()
        store = open_store(settings.database_url)
        ingest = IngestService(store, registry, max_versions=settings.retention_max_versions)
        app.state.services = Services(
            registry=registry,
            entities=EntityService(store, registry),
            ingest=ingest,
            timeline=TimelineService(store, registry),
            runs=RunService(store, registry, ingest),
            references=ReferenceService(store, registry, ingest),
        )
        try:
            yield
        finally:
            store.close()

    app = FastAPI(title="mlcatalog", version=__version__, lifespan=lifespan)
    errors.install(app)
    openapi_doc.install(app)
    app.include_router(restli.router)
    app.include_router(openapi_v3.router)
    app.include_router(timeline.router)
    app.include_router(runs.router)
    app.include_router(trace.router)
    app.include_router(openapi_entities.router)
    return app
