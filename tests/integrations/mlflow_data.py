"""A small but complete MLflow world: experiments, runs with params/metrics/datasets, registered models
with several versions, descriptions, tags and champion/challenger aliases."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from mlflow.entities import Dataset, DatasetInput, InputTag
from mlflow.tracking import MlflowClient

SCHEMA = json.dumps({"mlflow_colspec": [{"name": "tenure", "type": "long"}, {"name": "churned", "type": "boolean"}]})


@dataclass
class MlflowWorld:
    client: MlflowClient
    experiment: str
    models: dict[str, list[str]] = field(default_factory=dict)  # registered model -> version numbers
    runs: dict[str, str] = field(default_factory=dict)  # "<model>/<version>" -> run id
    datasets: dict[str, str] = field(default_factory=dict)  # run id -> dataset name


def _training_run(client: MlflowClient, experiment_id: str, name: str, lr: float, auc: float, dataset: str) -> str:
    run = client.create_run(experiment_id, run_name=name, tags={"team": "growth"})
    run_id = run.info.run_id
    client.log_param(run_id, "learning_rate", lr)
    client.log_param(run_id, "max_depth", 6)
    client.log_metric(run_id, "auc", auc)
    client.log_metric(run_id, "accuracy", round(auc - 0.05, 4))
    source = json.dumps({"uri": f"s3://ml-data/{dataset}.parquet"})
    data = Dataset(name=dataset, digest=f"d-{dataset}", source_type="s3", source=source, schema=SCHEMA)
    client.log_inputs(run_id, [DatasetInput(data, [InputTag("mlflow.data.context", "training")])])
    client.set_terminated(run_id, "FINISHED")
    return run_id


def build(tracking_uri: str) -> MlflowWorld:
    client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    experiment_id = client.create_experiment("churn-experiments", tags={"mlflow.note.content": "Churn model training"})
    world = MlflowWorld(client, "churn-experiments")
    plan = {
        "churn-classifier": [(0.1, 0.81, "churn-train-2024"), (0.05, 0.86, "churn-train-2025"), (0.02, 0.88, "churn-train-2025")],
        "fraud-detector": [(0.3, 0.91, "fraud-transactions"), (0.2, 0.93, "fraud-transactions")],
    }
    for model, runs in plan.items():
        client.create_registered_model(model, tags={"owner_team": "risk"}, description=f"{model} for the demo")
        world.models[model] = []
        for index, (lr, auc, dataset) in enumerate(runs, start=1):
            run_id = _training_run(client, experiment_id, f"{model}-run-{index}", lr, auc, dataset)
            version = client.create_model_version(
                model, f"runs:/{run_id}/model", run_id=run_id, description=f"{model} v{index}", tags={"stage_note": f"n{index}"}
            )
            world.models[model].append(str(version.version))
            world.runs[f"{model}/{version.version}"] = run_id
            world.datasets[run_id] = dataset
    client.set_registered_model_alias("churn-classifier", "champion", "2")
    client.set_registered_model_alias("churn-classifier", "challenger", "3")
    client.set_registered_model_alias("fraud-detector", "champion", "2")
    return world
