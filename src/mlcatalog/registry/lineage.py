"""ML hops DataHub's schemas allow but its server does not walk, and how mlcatalog walks them.

DataHub marks a relationship as lineage with ``isLineage`` (and its direction with ``isUpstream``).
Several ML references carry no such mark, or a wrong direction, so DataHub's lineage stops at the
model. mlcatalog adjusts those annotations here, in one visible table, and adds relationships for
ML references that have no annotation at all (the training-data aspects).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LineageOverride:
    is_lineage: bool
    is_upstream: bool


# (aspect, path) -> how the edge is walked. Paths use "*" for every array element / map value.
LINEAGE_OVERRIDES: dict[tuple[str, tuple[str, ...]], LineageOverride] = {
    # A model is upstream of where it is deployed.
    ("mlModelProperties", ("deployments", "*")): LineageOverride(is_lineage=True, is_upstream=False),
    # A run's plain inputs/outputs (the edge-typed fields are already lineage in DataHub).
    ("dataProcessInstanceInput", ("inputs", "*")): LineageOverride(is_lineage=True, is_upstream=True),
    ("dataProcessInstanceOutput", ("outputs", "*")): LineageOverride(is_lineage=True, is_upstream=False),
    # DataHub annotates a process's outputs as upstream "Consumes"; outputs are downstream.
    ("dataProcessInfo", ("outputs", "*")): LineageOverride(is_lineage=True, is_upstream=False),
    # The runs that triggered this run are upstream of it.
    ("dataProcessInstanceRelationships", ("upstreamInstances", "*")): LineageOverride(is_lineage=True, is_upstream=True),
}


@dataclass(frozen=True)
class ExtraRelationship:
    """A relationship mlcatalog derives where DataHub's schema has no annotation."""

    aspect: str
    path: tuple[str, ...]
    name: str
    entity_types: tuple[str, ...]
    is_lineage: bool
    is_upstream: bool = True


EXTRA_RELATIONSHIPS: tuple[ExtraRelationship, ...] = (
    ExtraRelationship("mlModelTrainingData", ("trainingData", "*", "dataset"), "TrainedOn", ("dataset",), is_lineage=True),
    ExtraRelationship("mlModelEvaluationData", ("evaluationData", "*", "dataset"), "EvaluatedOn", ("dataset",), is_lineage=False),
)
