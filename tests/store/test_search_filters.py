"""Search filters agree with a plain evaluation of the same documents, on both backends.

SQLite answers equality (negated too) with FTS5 tokens and everything else by probing each
candidate's field rows; PostgreSQL joins field sets. Either way the same filter must select the
same entities: this checks a matrix of conditions, negations, AND/OR groups, with and without text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from mlcatalog.registry import get_registry
from mlcatalog.services.ingest import IngestService
from mlcatalog.services.proposals import Proposal
from mlcatalog.services.search import SearchRequest, SearchService
from mlcatalog.store.sql import SqlStore


@dataclass
class Group:
    name: str
    platform: str
    tags: tuple[str, ...]
    owners: tuple[str, ...]
    team: str
    description: str
    removed: bool = False

    @property
    def urn(self) -> str:
        return f"urn:li:mlModelGroup:(urn:li:dataPlatform:{self.platform},{self.name},PROD)"

    def proposals(self) -> list[Proposal]:
        urn = self.urn
        props = {"name": self.name, "description": self.description, "customProperties": {"team": self.team}}
        found = [Proposal(urn, "mlModelGroupProperties", value=props)]
        if self.tags:
            found.append(Proposal(urn, "globalTags", value={"tags": [{"tag": f"urn:li:tag:{t}"} for t in self.tags]}))
        if self.owners:
            owners = [{"owner": f"urn:li:corpuser:{o}", "type": "TECHNICAL_OWNER"} for o in self.owners]
            found.append(Proposal(urn, "ownership", value={"owners": owners}))
        if self.removed:
            found.append(Proposal(urn, "status", value={"removed": True}))
        return found

    def values(self, field: str) -> list[str]:
        return {
            "platform": [f"urn:li:dataPlatform:{self.platform}"],
            "tags": [f"urn:li:tag:{t}" for t in self.tags],
            "owners": [f"urn:li:corpuser:{o}" for o in self.owners],
            "customProperties": [f"team={self.team}"],
            "description": [self.description],
        }[field]


GROUPS = [
    Group("churn-predictor", "mlflow", ("pii", "tier1"), ("alice",), "growth", "predicts customer churn weekly"),
    Group("fraud-scorer", "mlflow", ("tier1",), ("bob",), "risk", "scores card fraud in real time"),
    Group("ranker", "sagemaker", ("pii",), ("alice", "bob"), "search", "ranks search results for churn"),
    Group("forecaster", "sagemaker", (), (), "supply", "forecasts demand by region"),
    Group("embedder", "kubeflow", ("nlp",), ("carol",), "search", "text embeddings for churn signals"),
    Group("old-churn", "mlflow", ("pii",), ("alice",), "growth", "the churn model before 2024", removed=True),
]


def _matches(group: Group, criterion: dict[str, Any]) -> bool:
    values = [v.lower() for v in group.values(criterion["field"])]
    wanted = [v.lower() for v in criterion.get("values", [])]
    condition = criterion.get("condition", "EQUAL")
    if condition == "EXISTS":
        hit = bool(values)
    elif condition == "CONTAIN":
        hit = any(w in v for v in values for w in wanted)
    elif condition == "START_WITH":
        hit = any(v.startswith(w) for v in values for w in wanted)
    elif condition == "END_WITH":
        hit = any(v.endswith(w) for v in values for w in wanted)
    else:
        hit = any(v in wanted for v in values)
    return hit != bool(criterion.get("negated"))


def _expected(or_filters: list[dict[str, Any]], word: str | None, include_removed: bool) -> set[str]:
    found = set()
    for group in GROUPS:
        if group.removed and not include_removed:
            continue
        if word and word not in f"{group.name} {group.description}":
            continue
        if not or_filters or any(all(_matches(group, c) for c in g["and"]) for g in or_filters):
            found.add(group.urn)
    return found


def _c(field: str, *values: str, condition: str = "EQUAL", negated: bool = False) -> dict[str, Any]:
    return {"field": field, "condition": condition, "values": list(values), "negated": negated}


FILTERS = {
    "tag": [{"and": [_c("tags", "urn:li:tag:pii")]}],
    "not tag": [{"and": [_c("tags", "urn:li:tag:pii", negated=True)]}],
    "not either tag": [{"and": [_c("tags", "urn:li:tag:pii", "urn:li:tag:nlp", negated=True)]}],
    "platform and not owner": [
        {"and": [_c("platform", "urn:li:dataPlatform:mlflow"), _c("owners", "urn:li:corpuser:alice", negated=True)]}
    ],
    "two negations": [
        {"and": [_c("tags", "urn:li:tag:tier1", negated=True), _c("owners", "urn:li:corpuser:carol", negated=True)]}
    ],
    "or of groups with negation": [
        {"and": [_c("platform", "urn:li:dataPlatform:kubeflow")]},
        {"and": [_c("tags", "urn:li:tag:pii", negated=True), _c("platform", "urn:li:dataPlatform:sagemaker")]},
    ],
    "tag exists": [{"and": [_c("tags", condition="EXISTS")]}],
    "no owners": [{"and": [_c("owners", condition="EXISTS", negated=True)]}],
    "contain and equal": [
        {"and": [_c("customProperties", "search", condition="CONTAIN"), _c("tags", "urn:li:tag:pii", negated=True)]}
    ],
    "start with": [{"and": [_c("description", "scores", condition="START_WITH")]}],
    "end with or tag": [
        {"and": [_c("description", "weekly", condition="END_WITH")]},
        {"and": [_c("tags", "urn:li:tag:nlp")]},
    ],
    "not contain": [{"and": [_c("description", "churn", condition="CONTAIN", negated=True)]}],
}


@pytest.fixture
def service(store: SqlStore) -> SearchService:
    registry = get_registry()
    IngestService(store, registry).ingest([p for g in GROUPS for p in g.proposals()])
    return SearchService(store, registry)


@pytest.mark.parametrize("name", list(FILTERS))
@pytest.mark.parametrize("word", [None, "churn"])
@pytest.mark.parametrize("include_removed", [False, True])
def test_filter_selects_what_it_says(service: SearchService, name: str, word: str | None, include_removed: bool) -> None:
    or_filters = FILTERS[name]
    request = SearchRequest(
        query=word or "*", types=["MLMODEL_GROUP"], or_filters=or_filters, count=50, include_removed=include_removed
    )
    page = service.search(request)
    expected = _expected(or_filters, word, include_removed)
    assert {hit.urn for hit in page.hits} == expected
    assert page.total == len(expected)


def test_facet_counts_follow_a_negated_filter(service: SearchService) -> None:
    page = service.search(SearchRequest(or_filters=FILTERS["not tag"], facets=["platform", "owners"]))
    platforms = {f"urn:li:dataPlatform:{name}": 1 for name in ("mlflow", "sagemaker", "kubeflow")}
    assert dict(page.facets["platform"]) == platforms
    assert dict(page.facets["owners"]) == {"urn:li:corpuser:bob": 1, "urn:li:corpuser:carol": 1}
