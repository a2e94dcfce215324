"""The lean ML-shaped entities of ``bench.postgres``: one "unit" per trained model.

Unit ``m`` is a feature dataset, the training job that reads it and the model it trains; every
tenth unit also brings the model group the next ten models belong to. Each entity carries its
properties and a few governance aspects (owners, tags); lineage runs model -> training job ->
dataset -> an upstream dataset (``m // 2``), so every model has a 3-hop upstream walk. The server
adds each entity's key aspect on its first write. Units are numbered so any chunk of them can be
built alone, in any process, in any order.
"""

from __future__ import annotations

import json
from typing import Any

MODELS_PER_GROUP = 10
TEAMS = ["ranking", "search", "ads", "fraud", "forecasting"]


def group_urn(g: int) -> str:
    return f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,bench-group-{g},PROD)"


def model_urn(m: int) -> str:
    return f"urn:li:mlModel:(urn:li:dataPlatform:mlflow,bench-model-{m},PROD)"


def job_urn(m: int) -> str:
    return f"urn:li:dataJob:(urn:li:dataFlow:(airflow,train_{m % 50},PROD),train-{m})"


def dataset_urn(m: int) -> str:
    return f"urn:li:dataset:(urn:li:dataPlatform:hive,features.table_{m},PROD)"


def _mcp(urn: str, aspect: str, value: dict[str, Any], run_id: str, now_ms: int) -> dict[str, Any]:
    return {
        "entityType": urn.split(":", 3)[2],
        "entityUrn": urn,
        "changeType": "UPSERT",
        "aspectName": aspect,
        "aspect": {"value": json.dumps(value, separators=(",", ":")), "contentType": "application/json"},
        "systemMetadata": {"runId": run_id, "lastObserved": now_ms},
    }


def _owners(m: int) -> dict[str, Any]:
    return {"owners": [{"owner": f"urn:li:corpGroup:{TEAMS[m % len(TEAMS)]}", "type": "TECHNICAL_OWNER"}]}


def unit_aspects(m: int) -> list[tuple[str, str, dict[str, Any]]]:
    """(urn, aspect, value) of unit ``m``, upstream entities first."""
    g, team = m // MODELS_PER_GROUP, TEAMS[m % len(TEAMS)]
    items: list[tuple[str, str, dict[str, Any]]] = []
    if m % MODELS_PER_GROUP == 0:
        items += [
            (group_urn(g), "mlModelGroupProperties", {"description": f"{team} models, group {g}, retrained nightly"}),
            (group_urn(g), "ownership", _owners(m)),
        ]
    dataset = dataset_urn(m)
    upstream = {"upstreams": [{"dataset": dataset_urn(m // 2), "type": "TRANSFORMED",
                               "auditStamp": {"time": 0, "actor": "urn:li:corpuser:etl"}}]}  # fmt: skip
    items += [
        (dataset, "datasetProperties", {"name": f"table_{m}", "description": f"{team} click features, slice {m}"}),
        (dataset, "upstreamLineage", upstream),
        (job_urn(m), "dataJobInfo", {"name": f"train-{m}", "type": {"string": "COMMAND"}, "customProperties": {}}),
        (job_urn(m), "dataJobInputOutput", {"inputDatasets": [dataset], "outputDatasets": []}),
        (
            model_urn(m),
            "mlModelProperties",
            {
                "description": f"{team} ranking model {m} for home page recommendations",
                "customProperties": {"framework": "pytorch", "auc": f"0.{700 + m % 300}"},
                "groups": [group_urn(g)],
                "trainingJobs": [job_urn(m)],
            },
        ),
        (model_urn(m), "ownership", _owners(m)),
        (model_urn(m), "globalTags", {"tags": [{"tag": f"urn:li:tag:tier-{m % 3}"}]}),
    ]
    return items


def unit_proposals(m: int, run_id: str, now_ms: int) -> list[dict[str, Any]]:
    """Unit ``m`` as rest.li ``ingestProposalBatch`` proposals."""
    return [_mcp(urn, aspect, value, run_id, now_ms) for urn, aspect, value in unit_aspects(m)]


def entities_in(units: int) -> int:
    """Entities of units ``0..units-1``: three each plus a group per ten."""
    return 3 * units + (units + MODELS_PER_GROUP - 1) // MODELS_PER_GROUP


def aspects_in(units: int) -> int:
    """Aspects written (not counting the key aspects the server adds)."""
    return 7 * units + 2 * ((units + MODELS_PER_GROUP - 1) // MODELS_PER_GROUP)


def units_for(entities: int) -> int:
    """The fewest units holding at least ``entities`` entities."""
    units = max(1, entities * MODELS_PER_GROUP // (3 * MODELS_PER_GROUP + 1))
    while entities_in(units) < entities:
        units += 1
    return units


def search_words(m: int) -> str:
    """A query that matches model ``m``'s description among many."""
    return f"{TEAMS[m % len(TEAMS)]} ranking model {m}"
