"""The MLflow half that runs inside MLflow's own virtualenv (``.venv-mlflow``).

``python -m bench.systems.mlflow_client URL WORKLOAD.json SAMPLES`` stores the workload's groups
and versions through ``MlflowClient`` against a running ``mlflow server`` and prints its figures
as JSON. Only the standard library, mlflow and ``bench.workload``/``bench.measure`` are imported,
since this virtualenv has no acryl-datahub.

Mapping: a model group is a registered model (owners, tags, terms, domain and link as tags);
a version is a training run (hyperparameters as params, metrics, the feature dataset as a run
input: MLflow's training lineage) plus a model version from that run, with its aliases.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from bench.measure import latencies, percentiles
from bench.workload import Group, Workload


def _tags(owners: list[str], tags: list[str], extra: dict[str, str] | None = None) -> dict[str, str]:
    found = {"owners": ",".join(owners), "tags": ",".join(tags)}
    found.update(extra or {})
    return found


def store_group(client: Any, experiment_id: str, group: Group) -> None:
    from mlflow.entities import Dataset, DatasetInput, Metric, Param

    extra = {"terms": ",".join(group.terms), "domain": group.domain, "link": group.links[0][0], "framework": "xgboost"}
    client.create_registered_model(group.id, tags=_tags(group.owners, group.tags, extra), description=group.description)
    for version in group.versions:
        run = client.create_run(experiment_id, run_name=f"train-{group.id}-v{version.version}")
        run_id = run.info.run_id
        client.log_batch(
            run_id,
            metrics=[Metric(k, float(v), version.created_ms, 0) for k, v in version.metrics.items()],
            params=[Param(k, v) for k, v in version.hyper_params.items()],
        )
        dataset = Dataset(group.features_dataset, "bench", "hive", f"hive://{group.features_dataset}")
        client.log_inputs(run_id, [DatasetInput(dataset)])
        created = client.create_model_version(
            group.id,
            source=f"s3://bench-models/{group.id}/{version.version}",
            run_id=run_id,
            tags=_tags(version.owners, version.tags),
            description=version.description,
        )
        for alias in version.aliases:
            client.set_registered_model_alias(group.id, alias, created.version)


def run(url: str, workload: Workload, samples: int) -> dict[str, Any]:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=url, registry_uri=url)
    experiment_id = client.create_experiment("bench-training")
    started = time.perf_counter()
    for group in workload.groups:
        store_group(client, experiment_id, group)
    ingest_seconds = time.perf_counter() - started

    by_urn = {group.model_urn(v): (group.id, str(v.version)) for group in workload.groups for v in group.versions}
    models = [by_urn[urn] for urn in workload.sample(workload.models(), samples)]
    groups = workload.sample([group.id for group in workload.groups], samples)
    from bench.workload import SEARCH_TERMS

    terms = [SEARCH_TERMS[i % len(SEARCH_TERMS)] for i in range(samples)]
    figures: dict[str, Any] = {}
    figures.update(percentiles(latencies(lambda m: client.get_model_version(*m), models), "get entity", "get_model_version"))
    figures.update(
        percentiles(
            latencies(lambda t: client.search_registered_models(f"name LIKE '%{t}%'", max_results=10), terms),
            "search",
            "search_registered_models name LIKE",
        )
    )
    figures.update(
        percentiles(
            latencies(lambda g: client.search_model_versions(f"name='{g}'"), groups),
            "relationships",
            "search_model_versions of a model",
        )
    )
    return {"ingest_seconds": ingest_seconds, "figures": {k: v.to_json() for k, v in figures.items()}}


if __name__ == "__main__":
    server_url, workload_path, sample_count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(workload_path) as handle:
        loaded = Workload.from_json(json.load(handle))
    print(json.dumps(run(server_url, loaded, sample_count)))
