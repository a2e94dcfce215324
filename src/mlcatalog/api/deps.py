"""The services each request reaches, held on the app's state (no global objects)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

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
    inline_reads: Callable[[], bool] = bool  # whether a point read may run on the event loop now


def services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


P = ParamSpec("P")
T = TypeVar("T")


async def point_read(request: Request, read: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """A primary-key read (an aspect, an entity's latest aspects). On SQLite it takes tens of
    microseconds, less than handing it to a worker thread and back costs (and that hand-off waits
    for the scheduler twice on a busy machine), so it runs on the event loop; over a network
    database it goes to the thread pool like every other call."""
    if services(request).inline_reads():
        return read(*args, **kwargs)
    return await run_in_threadpool(read, *args, **kwargs)


def actor(request: Request) -> str:
    """Who is writing: the token's user when authentication is on (set by api/auth.py)."""
    return getattr(request.state, "actor", SYSTEM_ACTOR)
