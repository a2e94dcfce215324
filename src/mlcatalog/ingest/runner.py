"""Run one DataHub ingestion recipe against an mlcatalog server, with progress and a summary.

The recipe is DataHub's own (``source`` + ``datahub-rest`` sink + ``pipeline_name``), so whatever
``mlcatalog ingest`` does, ``datahub ingest -c recipe.yml`` does too.
"""

from __future__ import annotations

import logging
from typing import Any

from datahub.ingestion.run.pipeline import Pipeline
from rich.console import Console

from mlcatalog.ingest.progress import IngestSummary, LiveProgress

DEFAULT_SERVER = "http://127.0.0.1:8080"


class SetupError(Exception):
    """The pipeline could not start: the server is unreachable or the source config is wrong."""


def recipe(
    source_type: str,
    source_config: dict[str, Any],
    server: str = DEFAULT_SERVER,
    token: str | None = None,
    pipeline_name: str | None = None,
) -> dict[str, Any]:
    """A recipe for ``source_type`` writing to ``server``; stateful when a pipeline name is given."""
    sink: dict[str, Any] = {"server": server}
    if token:
        sink["token"] = token
    config = dict(source_config)
    result: dict[str, Any] = {"source": {"type": source_type, "config": config}, "sink": {"type": "datahub-rest", "config": sink}}
    if pipeline_name:
        result["pipeline_name"] = pipeline_name
        config.setdefault("stateful_ingestion", {"enabled": True, "remove_stale_metadata": True})
    return result


def run(recipe_dict: dict[str, Any], console: Console | None = None, show_progress: bool = True) -> IngestSummary:
    """Run the recipe; returns the summary (failures are in it, not raised)."""
    console = console or Console(stderr=True)
    logging.getLogger("datahub").setLevel(logging.WARNING)
    try:
        pipeline = Pipeline.create(recipe_dict, no_progress=True, report_to="datahub")
    except Exception as exc:  # DataHub raises config, connection and pydantic errors alike here
        server = recipe_dict.get("sink", {}).get("config", {}).get("server", DEFAULT_SERVER)
        raise SetupError(f"could not start the ingestion into {server}: {exc}") from exc
    label = f"ingesting from {str(recipe_dict['source']['type']).rsplit('.', 1)[-1]}"
    live = LiveProgress(console, label, enabled=show_progress)
    source_workunits = pipeline.source.get_workunits
    pipeline.source.get_workunits = lambda: live.track(source_workunits())  # type: ignore[method-assign]
    pipeline.run()
    summary = live.summary
    source_report, sink_report = pipeline.source.get_report(), pipeline.sink.get_report()
    summary.records_written = sink_report.total_records_written
    summary.warnings = [_describe(w) for w in source_report.warnings] + [_describe(w) for w in sink_report.warnings]
    summary.failures = [_describe(f) for f in source_report.failures] + [_describe(f) for f in sink_report.failures]
    return summary


def _describe(entry: Any) -> str:
    title = getattr(entry, "title", None)
    message = getattr(entry, "message", None)
    context = getattr(entry, "context", None)
    if title or message:
        detail = f" ({', '.join(str(c) for c in list(context)[:3])})" if context else ""
        return f"{title or ''}: {message or ''}{detail}".strip(": ")
    return str(entry)[:500]
