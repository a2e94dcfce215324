"""A small but varied catalog to move between backends: history, governance aspects, lineage-shaped
edges, several actors and run ids (so ingestion-run records), non-ASCII text, timeseries points
and promotion rules (one removed, so ids have a gap)."""

from __future__ import annotations

from mlcatalog.registry import get_registry
from mlcatalog.services.ingest import IngestService
from mlcatalog.services.proposals import Proposal
from mlcatalog.services.rules import RuleService
from mlcatalog.store.sql.store import SqlStore

GROUP = "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,recommendations,PROD)"
JOB = "urn:li:dataJob:(urn:li:dataFlow:(airflow,train_recs,PROD),training_task)"
DATASET = "urn:li:dataset:(urn:li:dataPlatform:hive,clicks,PROD)"
RUN = "urn:li:dataProcessInstance:train-recs-2026-11-01"


def model(n: int) -> str:
    return f"urn:li:mlModel:(urn:li:dataPlatform:mlflow,recs-v{n},PROD)"


def populate(store: SqlStore) -> None:
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
    profile = {"timestampMillis": 1_764_000_000_000, "rowCount": 1200, "columnCount": 4}
    partitioned = {**profile, "rowCount": 300, "partitionSpec": {"type": "PARTITION", "partition": "ds=2026-11-01 ✓"}}
    ingest.ingest([Proposal(DATASET, "datasetProfile", value=profile), Proposal(DATASET, "datasetProfile", value=partitioned)])
    event = {"timestampMillis": 1_764_000_100_000, "status": "COMPLETE", "result": {"type": "SUCCESS", "nativeResultType": "x"}}
    ingest.ingest([Proposal(RUN, "dataProcessInstanceRunEvent", value=event, system_metadata=dict(run))])
    rules = RuleService(store)
    first = rules.add({"name": "draft rule", "appliesTo": {"deprecation": True}, "conditions": [{"groupNotDeprecated": True}]})
    rules.add({"name": "champion needs an owner", "appliesTo": {"aliases": ["champion"]},
               "conditions": [{"hasOwnerOfType": "TECHNICAL_OWNER"}]})  # fmt: skip
    rules.remove(first["id"])
