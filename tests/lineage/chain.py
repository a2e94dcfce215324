"""An ML lineage chain written with the official SDK, fresh URNs per call.

raw ──► prep job ──► features ──► train job ──► model_a ──┐
 ▲                      │                                  ├─MemberOf─► group ──UsedBy─► score job ──► scores
 │                      └──► run (inputs) ──TrainedBy── model_b ─┘                                      │
 └──────────────────────────────── prep job also reads scores (a cycle) ◄──────────────────────────────┘
model_b also names `extra` in its training data; model_a is deployed to `deployment`;
`retired` (trained by train job, in group) is soft-deleted; `old` (trained by train job) is deprecated.
"""

from __future__ import annotations

from dataclasses import dataclass

from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.metadata import schema_classes as models
from datahub.metadata.urns import CorpUserUrn, DataJobUrn, DatasetUrn, MlModelGroupUrn, MlModelUrn
from datahub.sdk import DataFlow, DataJob, Dataset, MLModel, MLModelGroup

from tests.compat.helpers import unique


@dataclass(frozen=True)
class Chain:
    raw: str
    features: str
    extra: str
    scores: str
    prep: str
    train: str
    score: str
    run: str
    model_a: str
    model_b: str
    retired: str
    old: str
    group: str
    deployment: str


def build_chain(client) -> Chain:  # type: ignore[no-untyped-def]
    tag = unique("ln")
    raw, features, extra, scores = (DatasetUrn("hive", f"{tag}.{n}") for n in ("raw", "features", "extra", "scores"))
    for urn in (raw, features, extra, scores):
        client.entities.upsert(Dataset(platform="hive", name=urn.name, description=f"dataset {urn.name}"))
    flow = DataFlow(platform="airflow", name=f"{tag}-dag")
    client.entities.upsert(flow)
    prep = DataJob(name="prep", flow=flow, inlets=[raw, scores], outlets=[features])
    train = DataJob(name="train", flow=flow, inlets=[features], description="trains models")
    score = DataJob(name="score", flow=flow, outlets=[scores])
    for job in (prep, train, score):
        client.entities.upsert(job)
    run = f"urn:li:dataProcessInstance:{tag}-run"
    graph = client._graph
    graph.emit_mcp(
        MetadataChangeProposalWrapper(
            entityUrn=run, aspect=models.DataProcessInstancePropertiesClass(name=f"{tag}-run", created=_stamp())
        )
    )
    graph.emit_mcp(
        MetadataChangeProposalWrapper(entityUrn=run, aspect=models.DataProcessInstanceInputClass(inputs=[str(features)]))
    )
    group = MlModelGroupUrn("mlflow", f"{tag}-group")
    client.entities.upsert(MLModelGroup(id=group.name, platform="mlflow", downstream_jobs=[str(score.urn)]))
    deployment = f"urn:li:mlModelDeployment:(urn:li:dataPlatform:sagemaker,{tag}-endpoint,PROD)"
    graph.emit_mcp(
        MetadataChangeProposalWrapper(entityUrn=deployment, aspect=models.MLModelDeploymentPropertiesClass(description="e"))
    )
    model_a = _model(client, f"{tag}-a", group, [str(train.urn)], owners=[CorpUserUrn("alice")], deployments=[deployment])
    model_b = _model(client, f"{tag}-b", group, [run], owners=[CorpUserUrn("bob")])
    graph.emit_mcp(
        MetadataChangeProposalWrapper(
            entityUrn=str(model_b),
            aspect=models.TrainingDataClass(trainingData=[models.BaseDataClass(dataset=str(extra))]),
        )
    )
    retired = _model(client, f"{tag}-retired", group, [str(train.urn)])
    client.entities.delete(retired)
    old = _model(client, f"{tag}-old", None, [str(train.urn)])
    graph.emit_mcp(
        MetadataChangeProposalWrapper(
            entityUrn=str(old), aspect=models.DeprecationClass(deprecated=True, note="", actor="urn:li:corpuser:x")
        )
    )
    return Chain(
        *(str(u) for u in (raw, features, extra, scores, prep.urn, train.urn, score.urn)),
        run,
        *(str(u) for u in (model_a, model_b, retired, old, group)),
        deployment,
    )


def _model(client, name: str, group: MlModelGroupUrn | None, jobs: list[str], owners=None, deployments=()) -> MlModelUrn:  # type: ignore[no-untyped-def]
    model = MLModel(id=name, platform="mlflow", name=name, training_jobs=jobs, owners=owners)
    for deployment in deployments:
        model.add_deployment(deployment)
    if group is not None:
        model.set_model_group(group)
    client.entities.upsert(model)
    return model.urn


def _stamp() -> models.AuditStampClass:
    return models.AuditStampClass(time=1_700_000_000_000, actor="urn:li:corpuser:ci")


def job_urn(value: str) -> DataJobUrn:
    return DataJobUrn.from_string(value)
