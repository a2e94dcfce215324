"""The one benchmark workload: ML model groups with versions, governance and training lineage.

``generate(n, seed)`` is deterministic and needs only the standard library, so the MLflow suite
(which runs in its own virtualenv) can read the same workload from JSON. ``group_mcps`` turns
a group into DataHub MCPs with the official SDK's entity classes, exactly as a user would.

Per group: one ``mlModelGroup`` (properties, owners, tags, terms, domain, links), 2-4 ``mlModel``
versions (version, aliases, hyperparameters, metrics, owners, tags), one training ``dataJob``
per version reading the group's feature ``dataset``, which is derived from a shared raw dataset.
Upstream lineage from a model is therefore 3 hops: model -> job -> features -> raw.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from typing import Any

WORDS = [
    "churn",
    "propensity",
    "ranking",
    "fraud",
    "detection",
    "forecast",
    "demand",
    "recommendation",
    "search",
    "relevance",
    "pricing",
    "credit",
    "risk",
    "anomaly",
    "embedding",
    "vision",
    "speech",
    "translation",
    "sentiment",
    "retention",
    "uplift",
    "inventory",
    "routing",
    "eta",
    "supply",
    "clickthrough",
    "conversion",
    "lifetime",
    "value",
    "segmentation",
    "ads",
    "bidding",
    "spam",
    "abuse",
    "moderation",
    "ocr",
    "summarization",
    "classifier",
    "regressor",
    "transformer",
    "gradient",
    "boosting",
    "forest",
    "linear",
    "neural",
    "sequence",
    "graph",
    "matching",
    "personalization",
    "homepage",
    "checkout",
    "payments",
    "logistics",
    "marketing",
    "support",
    "triage",
]
USERS = [f"urn:li:corpuser:{name}" for name in ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi")]
TAGS = [f"urn:li:tag:{name}" for name in ("production", "experimental", "pii", "gpu", "nightly", "critical", "legacy")]
TERMS = [f"urn:li:glossaryTerm:{name}" for name in ("Revenue", "Customer", "Risk", "Forecast", "Privacy", "Quality")]
DOMAINS = [f"urn:li:domain:{name}" for name in ("marketing", "finance", "growth", "platform", "risk", "ops")]
ALIASES = ("champion", "challenger", "staging", "shadow")
BASE_TIME_MS = 1_767_225_600_000  # 2026-01-01, fixed so MCPs are identical from run to run
SEARCH_TERMS = ("churn", "fraud", "forecast", "ranking", "embedding", "pricing", "anomaly", "retention")


@dataclass
class ModelVersion:
    version: int
    description: str
    aliases: list[str]
    hyper_params: dict[str, str]
    metrics: dict[str, str]
    owners: list[str]
    tags: list[str]
    created_ms: int


@dataclass
class Group:
    id: str
    name: str
    description: str
    owners: list[str]
    tags: list[str]
    terms: list[str]
    domain: str
    links: list[tuple[str, str]]
    raw_dataset: str
    created_ms: int
    versions: list[ModelVersion] = field(default_factory=list)

    @property
    def urn(self) -> str:
        return f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{self.id},PROD)"

    @property
    def features_dataset(self) -> str:
        return f"features.{self.id.replace('-', '_')}"

    def model_id(self, version: ModelVersion) -> str:
        return f"{self.id}-v{version.version}"

    def model_urn(self, version: ModelVersion) -> str:
        return f"urn:li:mlModel:(urn:li:dataPlatform:mlflow,{self.model_id(version)},PROD)"

    def job_urn(self, version: ModelVersion) -> str:
        return f"urn:li:dataJob:(urn:li:dataFlow:(airflow,train_{self.id},PROD),train_v{version.version})"


def dataset_urn(name: str, platform: str = "hive") -> str:
    return f"urn:li:dataset:(urn:li:dataPlatform:{platform},{name},PROD)"


@dataclass
class Workload:
    size: int
    seed: int
    groups: list[Group]

    def models(self) -> list[str]:
        return [group.model_urn(v) for group in self.groups for v in group.versions]

    def sample(self, items: list[str], count: int) -> list[str]:
        """A deterministic sample (with repeats if needed) for latency loops."""
        rng = random.Random(self.seed + 1)
        return [rng.choice(items) for _ in range(count)]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Workload:
        groups = []
        for raw in data["groups"]:
            versions = [ModelVersion(**v) for v in raw["versions"]]
            links = [tuple(link) for link in raw["links"]]
            groups.append(Group(**{**raw, "versions": versions, "links": links}))
        return cls(data["size"], data["seed"], groups)


def _words(rng: random.Random, count: int) -> list[str]:
    return rng.sample(WORDS, count)


def generate(size: int, seed: int = 42) -> Workload:
    rng = random.Random(seed)
    raw_pool = max(1, size // 10)
    groups = []
    for index in range(size):
        title = _words(rng, 3)
        group = Group(
            id=f"{'-'.join(title[:2])}-{index:06d}",
            name=" ".join(title),
            description=f"Models for {' '.join(_words(rng, 8))}.",
            owners=rng.sample(USERS, rng.randint(1, 2)),
            tags=rng.sample(TAGS, rng.randint(1, 3)),
            terms=rng.sample(TERMS, rng.randint(1, 2)),
            domain=rng.choice(DOMAINS),
            links=[(f"https://wiki.example.com/ml/{index}", "Model card")],
            raw_dataset=f"raw.events_{rng.randrange(raw_pool):05d}",
            created_ms=BASE_TIME_MS + index * 60_000,
        )
        for number in range(1, rng.randint(2, 4) + 1):
            group.versions.append(
                ModelVersion(
                    version=number,
                    description=f"Version {number}: {' '.join(_words(rng, 6))}.",
                    aliases=[ALIASES[number - 1]] if number <= len(ALIASES) else [],
                    hyper_params={
                        "learning_rate": f"{rng.choice((0.001, 0.01, 0.05, 0.1))}",
                        "max_depth": str(rng.randint(3, 12)),
                        "n_estimators": str(rng.choice((100, 200, 500))),
                    },
                    metrics={"auc": f"{rng.uniform(0.6, 0.99):.4f}", "logloss": f"{rng.uniform(0.05, 0.7):.4f}"},
                    owners=rng.sample(USERS, 1),
                    tags=rng.sample(TAGS, rng.randint(0, 2)),
                    created_ms=group.created_ms + number * 3_600_000,
                )
            )
        groups.append(group)
    return Workload(size, seed, groups)


def group_mcps(group: Group, first_use_of_raw: bool) -> list[Any]:
    """The MCPs that describe one group, built with the official SDK's entity classes."""
    from datahub.emitter.mcp import MetadataChangeProposalWrapper
    from datahub.metadata import schema_classes as models
    from datahub.sdk.dataset import Dataset
    from datahub.sdk.mlmodel import MLModel
    from datahub.sdk.mlmodelgroup import MLModelGroup

    mcps: list[Any] = []
    if first_use_of_raw:
        mcps += Dataset(platform="hive", name=group.raw_dataset, description="Raw events").as_mcps()
    features = Dataset(
        platform="hive",
        name=group.features_dataset,
        description=f"Features for {group.name}",
        upstreams=models.UpstreamLineageClass(
            upstreams=[models.UpstreamClass(dataset=dataset_urn(group.raw_dataset), type="TRANSFORMED")]
        ),
    )
    mcps += features.as_mcps()
    mcps += MLModelGroup(
        id=group.id,
        platform="mlflow",
        name=group.name,
        description=group.description,
        custom_properties={"framework": "xgboost"},
        owners=group.owners,
        tags=group.tags,
        terms=group.terms,
        domain=group.domain,
        links=group.links,
    ).as_mcps()
    for version in group.versions:
        job = group.job_urn(version)
        mcps += [
            MetadataChangeProposalWrapper(
                entityUrn=job,
                aspect=models.DataJobInfoClass(name=f"train v{version.version} of {group.name}", type="COMMAND"),
            ),
            MetadataChangeProposalWrapper(
                entityUrn=job,
                aspect=models.DataJobInputOutputClass(inputDatasets=[dataset_urn(group.features_dataset)], outputDatasets=[]),
            ),
        ]
        mcps += MLModel(
            id=group.model_id(version),
            platform="mlflow",
            version=str(version.version),
            aliases=version.aliases or None,
            name=f"{group.name} v{version.version}",
            description=version.description,
            training_metrics=version.metrics,
            hyper_params=version.hyper_params,
            model_group=group.urn,
            training_jobs=[job],
            owners=version.owners,
            tags=version.tags or None,
        ).as_mcps()
    return mcps


def all_mcps(workload: Workload) -> list[list[Any]]:
    """MCPs grouped per model group, in workload order."""
    seen_raw: set[str] = set()
    batches = []
    for group in workload.groups:
        batches.append(group_mcps(group, group.raw_dataset not in seen_raw))
        seen_raw.add(group.raw_dataset)
    return batches
