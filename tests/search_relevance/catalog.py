# ruff: noqa: E501  (one catalog entry per line reads best)
"""A realistic ML catalog for relevance tests: 30 well-known model groups, their model versions, and
generated look-alikes that compete for the same words (shared tasks, algorithms and teams)."""

from __future__ import annotations

import random
from collections.abc import Iterator

from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.metadata.schema_classes import (
    GlobalTagsClass,
    MLModelGroupPropertiesClass,
    MLModelPropertiesClass,
    OwnerClass,
    OwnershipClass,
    OwnershipTypeClass,
    TagAssociationClass,
)

# name, description, tags, custom properties
GROUPS: list[tuple[str, str, tuple[str, ...], dict[str, str]]] = [
    ("customer-churn-predictor", "Predicts which subscribers will cancel in the next 30 days from usage and billing history.", (), {"team": "retention"}),
    ("card-fraud-detector", "Flags fraudulent credit card transactions in real time at authorization.", ("pii",), {"team": "risk"}),
    ("product-recommender", "Two tower model recommending products on the home page carousel.", (), {"team": "personalization"}),
    ("demand-forecaster", "Forecasts weekly SKU demand per store for inventory planning.", (), {"team": "supply"}),
    ("credit-risk-scorer", "Scores loan applicants by their probability of default.", ("sox",), {"team": "lending"}),
    ("ctr-predictor", "Predicts click through rate for sponsored ads in the marketplace.", (), {"team": "ads"}),
    ("ltv-estimator", "Estimates customer lifetime value to allocate the marketing budget.", (), {"team": "growth"}),
    ("support-ticket-router", "Classifies support tickets and routes them to the right queue.", (), {"team": "care"}),
    ("sentiment-analyzer", "BERT model scoring the sentiment of product reviews.", ("nlp",), {"team": "insights"}),
    ("price-optimizer", "Optimizes dynamic pricing for hotel rooms every night.", (), {"team": "revenue"}),
    ("spam-filter", "Filters spam messages posted in the community forum.", ("nlp",), {"team": "trust"}),
    ("image-tagger", "ResNet model tagging catalog images with colour and material attributes.", ("vision",), {"team": "catalog"}),
    ("search-ranker", "Learning to rank model ordering the results of site search.", (), {"team": "search"}),
    ("anomaly-monitor", "Detects anomalies in payment gateway latency metrics.", (), {"team": "payments"}),
    ("speech-transcriber", "Transcribes call center audio recordings to text.", ("nlp",), {"team": "care"}),
    ("ner-extractor", "Extracts named entities such as people and organisations from legal contracts.", ("pii", "nlp"), {"team": "legal"}),
    ("lead-scorer", "Scores inbound sales leads by their propensity to convert.", (), {"team": "sales"}),
    ("next-best-action", "Chooses the next best offer to show each customer in the app.", (), {"team": "growth"}),
    ("eta-predictor", "Predicts the delivery time of arrival for every order.", (), {"team": "logistics"}),
    ("churn", "Legacy baseline kept for comparison with newer models.", (), {"team": "retention"}),
    ("fraud-rules-baseline", "Hand written rules that preceded the learned models.", (), {"team": "risk"}),
    ("FraudNet", "Graph neural network over merchants and cards.", (), {"team": "risk"}),
    ("document-classifier", "Classifies scanned documents into invoices, receipts and contracts.", (), {"team": "finance-ops"}),
    ("query-autocomplete", "Suggests query completions as users type in the search box.", (), {"team": "search"}),
    ("translation-engine", "Translates product listings between English and German.", ("nlp",), {"team": "catalog"}),
    ("energy-load-forecaster", "Forecasts electricity load for the data centres a day ahead.", (), {"team": "infra"}),
    ("toxicity-classifier", "Detects toxic comments in user generated content.", ("nlp",), {"team": "trust"}),
    ("face-blurrer", "Blurs faces in street images to protect privacy.", ("vision", "gdpr"), {"team": "maps"}),
    ("inventory-reorder-planner", "Plans reorder quantities for every warehouse.", (), {"team": "supply"}),
    ("insurance-claim-triage", "Triages insurance claims by severity and fraud risk.", (), {"team": "claims"}),
]  # fmt: skip

# Owners of some known groups; the same people also own generated look-alikes, so an owner alone is ambiguous.
OWNERS = {
    "customer-churn-predictor": "maria.garcia",
    "search-ranker": "kenji.tanaka",
    "translation-engine": "lena.schmidt",
    "credit-risk-scorer": "omar.haddad",
    "face-blurrer": "lena.schmidt",
}
TASKS = ["churn", "fraud", "forecast", "ranking", "recommendation", "classification", "pricing", "scoring", "detection"]
ALGORITHMS = ["xgboost", "lightgbm", "bert", "resnet", "transformer", "random forest", "logistic regression"]
TEAMS = ["retention", "risk", "growth", "search", "supply", "ads", "trust", "care", "catalog"]
CODENAMES = ["atlas", "borealis", "cobalt", "dynamo", "ember", "falcon", "granite", "helios", "iris", "juniper", "krypton",
             "lumen", "meridian", "nimbus", "onyx", "pulsar", "quasar", "rover", "sierra", "tundra"]  # fmt: skip


def group_urn(name: str) -> str:
    return f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{name},PROD)"


def _group(
    name: str, description: str, tags: tuple[str, ...], props: dict[str, str], owner: str | None = None
) -> Iterator[MetadataChangeProposalWrapper]:
    urn = group_urn(name)
    yield MetadataChangeProposalWrapper(
        entityUrn=urn, aspect=MLModelGroupPropertiesClass(name=name, description=description, customProperties=props)
    )
    if owner:
        owners = [OwnerClass(owner=f"urn:li:corpuser:{owner}", type=OwnershipTypeClass.TECHNICAL_OWNER)]
        yield MetadataChangeProposalWrapper(entityUrn=urn, aspect=OwnershipClass(owners=owners))
    if tags:
        tag_list = [TagAssociationClass(tag=f"urn:li:tag:{t}") for t in tags]
        yield MetadataChangeProposalWrapper(entityUrn=urn, aspect=GlobalTagsClass(tags=tag_list))


def _model(group: str, version: int, description: str) -> MetadataChangeProposalWrapper:
    name = f"{group}-v{version}"
    urn = f"urn:li:mlModel:(urn:li:dataPlatform:mlflow,{name},PROD)"
    aspect = MLModelPropertiesClass(name=name, description=description, groups=[group_urn(group)])
    return MetadataChangeProposalWrapper(entityUrn=urn, aspect=aspect)


def proposals(seed: int = 5) -> list[MetadataChangeProposalWrapper]:
    """Every write of the catalog: the known groups, two versions each, and 120 generated competitors."""
    rng = random.Random(seed)
    out: list[MetadataChangeProposalWrapper] = []
    for name, description, tags, props in GROUPS:
        out.extend(_group(name, description, tags, props, OWNERS.get(name)))
        for version in (1, 2):
            out.append(_model(name, version, f"Version {version} of {name}, retrained on fresh data."))
    for i in range(120):
        task, algo, team, code = rng.choice(TASKS), rng.choice(ALGORITHMS), rng.choice(TEAMS), rng.choice(CODENAMES)
        name = f"{code}-{task}-{algo.replace(' ', '-')}-{i}"
        description = f"{algo.capitalize()} {task} model built by the {team} team for the {code} project."
        owner = sorted(set(OWNERS.values()))[i % 4] if i % 3 == 0 else None
        out.extend(_group(name, description, (), {"team": team}, owner))
        out.append(_model(name, 1, f"First {task} model of {code}."))
    return out
