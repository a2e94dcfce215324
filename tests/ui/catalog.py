"""A small, realistic ML catalog written through the official SDK, for the browser tests and screenshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import datahub.metadata.schema_classes as models
from datahub.metadata.urns import GlossaryTermUrn, MlModelGroupUrn, TagUrn
from datahub.sdk import DataHubClient
from datahub.sdk.dataflow import DataFlow
from datahub.sdk.datajob import DataJob
from datahub.sdk.dataset import Dataset
from datahub.sdk.mlmodel import MLModel
from datahub.sdk.mlmodelgroup import MLModelGroup

RECS_DESCRIPTION = """Ranks items for the **home page** carousel.

- Two-tower retrieval, then a gradient-boosted re-ranker
- Retrained nightly on the last 30 days of clicks

See the [model card](https://wiki.example.com/ml/recs-card) before promoting a version."""

OTHER_GROUPS = [
    # id, platform, env, name, description, tags, terms, domain, owner
    (
        "fraud-detection",
        "sagemaker",
        "PROD",
        "Fraud Detection",
        "Scores card transactions for fraud in real time.",
        ["production-ready", "tabular"],
        ["Fraud"],
        "risk",
        "maria",
    ),
    (
        "churn-prediction",
        "mlflow",
        "PROD",
        "Customer Churn Prediction",
        "Predicts which subscribers will cancel next month.",
        ["tabular"],
        ["Churn"],
        "marketing",
        "ahmed",
    ),
    (
        "search-ranking",
        "mlflow",
        "DEV",
        "Search Ranking",
        "Learning-to-rank model for product search results.",
        ["experimental", "nlp"],
        [],
        "marketing",
        "data_science_team",
    ),
    (
        "image-moderation",
        "sagemaker",
        "PROD",
        "Image Moderation",
        "Flags unsafe user-uploaded images.",
        ["computer-vision"],
        ["Safety"],
        "trust",
        "li",
    ),
    (
        "demand-forecast",
        "mlflow",
        "QA",
        "Demand Forecasting",
        "Weekly demand per store and product line.",
        ["time-series"],
        [],
        "supply-chain",
        "maria",
    ),
]


@dataclass(frozen=True)
class Catalog:
    group: str  # the recommendation group the journey follows
    deprecated_group: str
    models: list[str]
    training_job: str
    scoring_job: str
    clicks: str


def build(client: DataHubClient) -> Catalog:
    when = lambda day: datetime(2026, 11, day, 9, 30, tzinfo=UTC)  # noqa: E731
    clicks = Dataset(platform="snowflake", name="analytics.events.clicks", description="Every click on the site, one row each.")
    profiles = Dataset(platform="snowflake", name="analytics.users.profiles", description="One row per user.")
    ranked = Dataset(platform="snowflake", name="serving.recs.home_ranked", description="Ranked items served on the home page.")
    flow = DataFlow(platform="airflow", name="train_recommendations")
    train = DataJob(
        name="training_task", flow=flow, inlets=[clicks.urn, profiles.urn], description="Nightly training of the recommender."
    )
    score = DataJob(name="batch_scoring", flow=flow, outlets=[ranked.urn], description="Scores the catalog for every user.")
    for entity in (clicks, profiles, ranked, flow, train, score):
        client.entities.upsert(entity)

    group = MLModelGroup(
        id="recommendation-models",
        platform="mlflow",
        name="Recommendation Models",
        description=RECS_DESCRIPTION,
        custom_properties={"framework": "pytorch", "serving": "triton"},
        owners=[("urn:li:corpuser:data_science_team", "TECHNICAL_OWNER"), ("urn:li:corpuser:priya", "BUSINESS_OWNER")],
        tags=[TagUrn("production-ready")],
        terms=[GlossaryTermUrn("Recommendation")],
        domain="urn:li:domain:marketing",
        links=[("https://wiki.example.com/ml/recommendation-models", "Model architecture")],
        training_jobs=[str(train.urn)],
        downstream_jobs=[str(score.urn)],
    )
    client.entities.upsert(group)
    versions = [("1", [], 3, 0.781), ("2", ["challenger"], 12, 0.802), ("3", ["champion"], 20, 0.815)]
    model_urns = []
    for version, aliases, day, auc in versions:
        model = MLModel(
            id=f"recommendation-model-v{version}",
            platform="mlflow",
            version=version,
            aliases=aliases,
            name=f"recommendation-model v{version}",
            description=f"Version {version} of the home page recommender.",
            training_metrics={"auc": str(auc), "ndcg_at_10": str(round(auc - 0.31, 3)), "loss": str(round(1 - auc, 3))},
            hyper_params={"learning_rate": "0.001", "embedding_dim": "128", "epochs": str(5 + int(version))},
            created=when(day),
            model_group=group.urn,
            training_jobs=[str(train.urn)],
            owners=["urn:li:corpuser:data_science_team"],
        )
        client.entities.upsert(model)
        model_urns.append(str(model.urn))

    for gid, platform, env, name, description, tags, terms, domain, owner in OTHER_GROUPS:
        client.entities.upsert(
            MLModelGroup(
                id=gid,
                platform=platform,
                env=env,
                name=name,
                description=description,
                tags=[TagUrn(t) for t in tags],
                terms=[GlossaryTermUrn(t) for t in terms],
                domain=f"urn:li:domain:{domain}",
                owners=[f"urn:li:corpuser:{owner}"],
            )
        )
    legacy = MLModelGroup(
        id="legacy-recommendation-models",
        platform="mlflow",
        name="Legacy Recommendation Models",
        description="Matrix-factorisation recommender, kept for comparison.",
        tags=[TagUrn("legacy")],
        domain="urn:li:domain:marketing",
        owners=["urn:li:corpuser:data_science_team"],
    )
    legacy._set_aspect(
        models.DeprecationClass(
            deprecated=True,
            note="Replaced by **Recommendation Models**.",
            decommissionTime=int(when(30).timestamp() * 1000),
            actor="urn:li:corpuser:priya",
        )
    )
    client.entities.upsert(legacy)
    return Catalog(
        group=str(group.urn),
        deprecated_group=str(MlModelGroupUrn(platform="mlflow", name="legacy-recommendation-models")),
        models=model_urns,
        training_job=str(train.urn),
        scoring_job=str(score.urn),
        clicks=str(clicks.urn),
    )
