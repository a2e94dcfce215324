"""What a long ingest shows in the terminal: a live bar while work units flow, then a summary table.

DataHub's pipeline prints its report as a JSON dump every so often; this replaces that with a rich
progress display fed by counting the work units as they pass (no change to the pipeline itself).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from datahub.ingestion.api.workunit import MetadataWorkUnit
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table


@dataclass
class IngestSummary:
    """Counts a user checks after an ingest: what arrived, what was removed, what went wrong."""

    entities: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    aspects: Counter[str] = field(default_factory=Counter)
    soft_deleted: list[str] = field(default_factory=list)
    records_written: int = 0
    warnings: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def entity_counts(self) -> dict[str, int]:
        return {kind: len(urns) for kind, urns in sorted(self.entities.items())}

    @property
    def aspect_count(self) -> int:
        return sum(self.aspects.values())

    def observe(self, wu: MetadataWorkUnit) -> None:
        for urn, aspect_name, aspect in _unpack(wu):
            self.entities[urn.split(":")[2]].add(urn)
            self.aspects[aspect_name] += 1
            if aspect_name == "status" and _is_removal(aspect):
                self.soft_deleted.append(urn)

    def as_dict(self) -> dict[str, Any]:
        return {
            "entities": self.entity_counts,
            "aspects": self.aspect_count,
            "aspects_by_name": dict(sorted(self.aspects.items())),
            "soft_deleted": sorted(self.soft_deleted),
            "records_written": self.records_written,
            "warnings": self.warnings,
            "failures": self.failures,
        }


def _unpack(wu: MetadataWorkUnit) -> list[tuple[str, str, Any]]:
    """(urn, aspect name, aspect) of each aspect a work unit carries: one for an MCP, several for an MCE."""
    metadata = wu.metadata
    snapshot = getattr(metadata, "proposedSnapshot", None)
    if snapshot is not None:
        return [(snapshot.urn, aspect.get_aspect_name(), aspect) for aspect in snapshot.aspects]
    urn, aspect_name = getattr(metadata, "entityUrn", None), getattr(metadata, "aspectName", None)
    return [(urn, aspect_name, getattr(metadata, "aspect", None))] if urn and aspect_name else []


def _is_removal(aspect: Any) -> bool:
    removed = getattr(aspect, "removed", None)
    if removed is not None:
        return bool(removed)
    value = getattr(aspect, "value", None)  # a PATCH: [{"op":"add","path":"/removed","value":true}]
    return isinstance(value, bytes | str) and '"removed"' in str(value) and "true" in str(value)


class LiveProgress:
    """A rich progress line counting work units and entities; silent when ``enabled`` is False."""

    def __init__(self, console: Console, label: str, enabled: bool = True) -> None:
        self.console = console
        self.enabled = enabled
        self.summary = IngestSummary()
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed} work units · {task.fields[entities]} entities"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
            disable=not enabled,
        )
        self._task = self._progress.add_task(label, total=None, entities=0)

    def track(self, workunits: Iterable[MetadataWorkUnit]) -> Iterator[MetadataWorkUnit]:
        with self._progress:
            for wu in workunits:
                self.summary.observe(wu)
                entities = sum(len(urns) for urns in self.summary.entities.values())
                self._progress.update(self._task, advance=1, entities=entities)
                yield wu
            self._progress.update(self._task, total=self._progress.tasks[0].completed)


def render_summary(console: Console, summary: IngestSummary, title: str) -> None:
    table = Table(title=title, show_header=True)
    table.add_column("entity type")
    table.add_column("entities", justify="right")
    for kind, count in summary.entity_counts.items():
        table.add_row(kind, str(count))
    console.print(table)
    console.print(
        f"entities: {sum(summary.entity_counts.values())} · aspects: {summary.aspect_count} · "
        f"records sent: {summary.records_written} · "
        f"soft-deleted: {len(summary.soft_deleted)} · warnings: {len(summary.warnings)} · "
        f"failures: {len(summary.failures)}"
    )
    for urn in summary.soft_deleted:
        console.print(f"  [yellow]soft-deleted[/] {urn}")
    for text in summary.warnings:
        console.print(f"  [yellow]warning[/] {text}")
    for text in summary.failures:
        console.print(f"  [red]failure[/] {text}")
