"""The services each request reaches, held on the app's state (no global objects)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from mlcatalog.registry.entities import EntityRegistry
from mlcatalog.services.entities import EntityService
from mlcatalog.services.feed import FeedService
from mlcatalog.services.health import HealthService
from mlcatalog.services.ingest import IngestService
from mlcatalog.services.lineage import LineageService
from mlcatalog.services.proposals import SYSTEM_ACTOR
from mlcatalog.services.references import ReferenceService
from mlcatalog.services.rules import RuleService
from mlcatalog.services.runs import RunService
from mlcatalog.services.search import SearchService
from mlcatalog.services.timeline import TimelineService
from mlcatalog.services.timeseries import TimeseriesService
from mlcatalog.services.timetravel import TimeTravelService
from mlcatalog.services.tokens import TokenService


@dataclass(frozen=True)
class Services:
    registry: EntityRegistry
    entities: EntityService
    ingest: IngestService
    health: HealthService
    lineage: LineageService
    feed: FeedService
    timetravel: TimeTravelService
    rules: RuleService
    search: SearchService
    timeline: TimelineService
    runs: RunService
    references: ReferenceService
    tokens: TokenService
    timeseries: TimeseriesService


def services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def actor(request: Request) -> str:
    """Who is writing: the token's user when authentication is on (set by api/auth.py)."""
    return getattr(request.state, "actor", SYSTEM_ACTOR)
