"""A small but varied catalog to move between backends: history, governance aspects, lineage-shaped
edges, several actors and run ids, non-ASCII text."""

from __future__ import annotations

from mlcatalog.registry import get_registry
from mlcatalog.services.ingest import IngestService
from mlcatalog.services.proposals import Proposal
from mlcatalog.store.base import Store

GROUP = "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,recommendations,PROD)"
JOB = "urn:li:dataJob:(urn:li:dataFlow:(airflow,train_recs,PROD),training_task)"
DATASET = "urn:li:dataset:(urn:li:dataPlatform:hive,clicks,PROD)"


def model(n: int) -> str:
    return f"urn:li:mlModel:(urn:li:dataPlatform:mlflow,recs-v{n},PROD)"


def populate(store: Store) -> None:
    ingest = IngestService(store, get_registry())
    run = {"runId": "nightly-7", "pipelineName": "mlflow-recipe"}
    for description in ("first draft", "Grouping of models for home-page recommendations", "Empfehlungen für die Startseite ✓"):
        ingest.ingest(
            [
                Proposal(
                    GROUP,
                    "mlModelGroupProperties",
                    value={"customProperties": {"framework": "pytorch"}, "description": description},
                )
            ],
            actor="urn:li:corpuser:alice",
        )
    ingest.ingest(
        [
            Proposal(
                GROUP, "ownership", value={"owners": [{"owner": "urn:li:corpuser:data_science", "type": "TECHNICAL_OWNER"}]}
            ),
            Proposal(GROUP, "globalTags", value={"tags": [{"tag": "urn:li:tag:production-ready"}]}),
            Proposal(GROUP, "domains", value={"domains": ["urn:li:domain:marketing"]}),
            Proposal(
                JOB,
                "dataJobInputOutput",
                value={"inputDatasets": [DATASET], "outputDatasets": [], "inputDatajobs": []},
                system_metadata=dict(run),
            ),
        ],
        actor="urn:li:corpuser:bob",
    )
    for n in range(1, 4):
        value = {
            "customProperties": {"auc": f"0.{80 + n}"},
            "groups": [GROUP],
            "trainingJobs": [JOB],
            "version": {"versionTag": str(n)},
        }
        ingest.ingest([Proposal(model(n), "mlModelProperties", value=value, system_metadata=dict(run))])
    ingest.ingest([Proposal(model(3), "mlModelProperties", value={"groups": [GROUP], "description": "retrained"})])
    ingest.ingest([Proposal(model(2), "status", value={"removed": True})])
