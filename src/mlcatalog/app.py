"""create_app(settings): middleware, routers and the lifespan that opens the store. Wiring only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from mlcatalog import __version__, ui
from mlcatalog.api import (
    auth,
    errors,
    events,
    graphql,
    health,
    limits,
    openapi_doc,
    openapi_entities,
    openapi_relationships,
    openapi_v3,
    restli,
    rules,
    runs,
    timeline,
    timetravel,
    trace,
)
from mlcatalog.api import tokens as token_api
from mlcatalog.api.deps import Services
from mlcatalog.registry import get_registry
from mlcatalog.runtime import tune_gc
from mlcatalog.services.entities import EntityService
from mlcatalog.services.feed import FeedService, WebhookDeliverer
from mlcatalog.services.health import HealthService
from mlcatalog.services.ingest import IngestService
from mlcatalog.services.lineage import LineageService
from mlcatalog.services.references import ReferenceService
from mlcatalog.services.rules import RuleService
from mlcatalog.services.runs import RunService
from mlcatalog.services.search import SearchService
from mlcatalog.services.timeline import TimelineService
from mlcatalog.services.timeseries import TimeseriesService
from mlcatalog.services.timetravel import TimeTravelService
from mlcatalog.services.tokens import TokenService
from mlcatalog.settings import Settings
from mlcatalog.store.sql import open_store
from mlcatalog.store.sql.tokens import SqlTokenStore


def build_services(settings: Settings) -> Services:
    """Open the store and wire every service over it (one of each per process, no globals)."""
    registry = get_registry().with_max_urn_length(settings.limits.max_urn_length)
    store = open_store(settings.database_url, statement_timeout_ms=settings.limits.statement_timeout_ms, pool=settings.pool)
    entities = EntityService(store, registry, settings.limits)
    ingest = IngestService(store, registry, max_versions=settings.retention_max_versions, limits=settings.limits)
    return Services(
        registry=registry,
        entities=entities,
        ingest=ingest,
        health=HealthService(store, store.db.url.get_backend_name()),
        lineage=LineageService(store, registry),
        feed=FeedService(store, registry),
        timetravel=TimeTravelService(store, registry, entities),
        rules=RuleService(store),
        search=SearchService(store, registry),
        timeline=TimelineService(store, registry),
        runs=RunService(store, registry, ingest),
        references=ReferenceService(store, registry, ingest),
        tokens=TokenService(SqlTokenStore(store.db)),
        timeseries=TimeseriesService(store, registry),
        inline_reads=store.db.can_read_inline,
    )


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = app.state.services = build_services(settings)
        tune_gc()  # after the registry is loaded: it stays out of every collection
        graphql.warm_up()  # after start-up: /config answers without waiting for the schema
        deliverer = WebhookDeliverer(services.feed) if settings.deliver_webhooks else None
        if deliverer:
            deliverer.start()
        try:
            yield
        finally:
            if deliverer:
                deliverer.stop()
            services.ingest.store.close()

    app = FastAPI(title="mlcatalog", version=__version__, lifespan=lifespan)
    errors.install(app)
    openapi_doc.install(app)
    auth.install(app, settings.auth_enabled)
    limits.install(app, settings.limits)  # outside auth: refuses oversized bodies before anything reads them
    app.include_router(restli.router)
    app.include_router(openapi_v3.router)
    app.include_router(health.router)
    app.include_router(graphql.router)
    app.include_router(openapi_relationships.router)
    app.include_router(events.router)
    app.include_router(timetravel.router)
    app.include_router(rules.router)
    app.include_router(timeline.router)
    app.include_router(runs.router)
    app.include_router(trace.router)
    app.include_router(openapi_entities.router)
    app.include_router(token_api.router)
    ui.install(app, settings.auth_enabled)
    return app
