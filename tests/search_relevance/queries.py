"""Labelled queries: (query, the model group a user means). Grouped by what they exercise."""

from __future__ import annotations

LABELLED: list[tuple[str, str]] = [
    # an exact name
    ("customer-churn-predictor", "customer-churn-predictor"),
    ("card-fraud-detector", "card-fraud-detector"),
    ("ctr-predictor", "ctr-predictor"),
    ("ltv-estimator", "ltv-estimator"),
    ("spam-filter", "spam-filter"),
    ("FraudNet", "FraudNet"),
    ("churn", "churn"),
    ("eta-predictor", "eta-predictor"),
    ("search ranker", "search-ranker"),
    ("face blurrer", "face-blurrer"),
    # words of a name
    ("churn predictor", "customer-churn-predictor"),
    ("fraud detector", "card-fraud-detector"),
    ("product recommender", "product-recommender"),
    ("demand forecaster", "demand-forecaster"),
    ("credit risk", "credit-risk-scorer"),
    ("ticket router", "support-ticket-router"),
    ("sentiment analyzer", "sentiment-analyzer"),
    ("price optimizer", "price-optimizer"),
    ("image tagger", "image-tagger"),
    ("speech transcriber", "speech-transcriber"),
    # words of a description
    ("subscribers cancel", "customer-churn-predictor"),
    ("credit card transactions real time", "card-fraud-detector"),
    ("probability of default", "credit-risk-scorer"),
    ("sponsored ads", "ctr-predictor"),
    ("call center audio", "speech-transcriber"),
    ("learning to rank", "search-ranker"),
    ("payment gateway latency", "anomaly-monitor"),
    ("scanned invoices receipts", "document-classifier"),
    ("toxic comments", "toxicity-classifier"),
    ("hotel rooms pricing", "price-optimizer"),
    # prefixes of words
    ("recommend", "product-recommender"),
    ("transl", "translation-engine"),
    ("forecast electricity", "energy-load-forecaster"),
    ("autocompl", "query-autocomplete"),
    ("toxic", "toxicity-classifier"),
    # a word that matches nothing must not empty the results
    ("churn predictor xyzzy", "customer-churn-predictor"),
    ("fraud detector for cards quickly", "card-fraud-detector"),
    ("warehouse reorder plan", "inventory-reorder-planner"),
    ("insurance claims triage severity", "insurance-claim-triage"),
    ("named entities contracts", "ner-extractor"),
    # quoted phrases
    ('"next best offer"', "next-best-action"),
    ('"delivery time"', "eta-predictor"),
    ('"street images"', "face-blurrer"),
    # tags, custom properties, split camel case
    ("gdpr", "face-blurrer"),
    ("legal", "ner-extractor"),
    ("fraud net", "FraudNet"),
    ("graph neural network merchants", "FraudNet"),
    ("English German", "translation-engine"),
]
