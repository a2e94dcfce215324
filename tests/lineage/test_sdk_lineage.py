"""The official SDK's lineage client and `datahub lineage` CLI over the ML chain (tests/lineage/chain.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.metadata import schema_classes as models
from datahub.sdk import DataHubClient
from datahub.sdk.search_filters import FilterDsl as F

from tests.compat.helpers import unique
from tests.lineage.chain import Chain


def hops(results) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {r.urn: r.hops for r in results}


def test_downstream_from_a_dataset_walks_runs_models_group_and_consumers(server, chain: Chain) -> None:  # type: ignore[no-untyped-def]
    client = DataHubClient(server=server.url)
    found = hops(client.lineage.get_lineage(source_urn=chain.raw, direction="downstream", max_hops=3))
    assert found[chain.prep] == 1 and found[chain.features] == 2
    assert found[chain.train] == 3 and found[chain.run] == 3  # the run's plain inputs are walked
    assert found[chain.model_a] == 4 and found[chain.model_b] == 4 and found[chain.old] == 4
    assert found[chain.group] == 5 and found[chain.deployment] == 5
    assert found[chain.score] == 6 and found[chain.scores] == 7
    assert chain.retired not in found  # soft-deleted
    assert chain.raw not in found  # the cycle back to the source is not a result


def test_hop_limit_stops_the_walk(server, chain: Chain) -> None:  # type: ignore[no-untyped-def]
    client = DataHubClient(server=server.url)
    found = hops(client.lineage.get_lineage(source_urn=chain.raw, direction="downstream", max_hops=2))
    assert found == {chain.prep: 1, chain.features: 2}


def test_upstream_of_a_group_reaches_models_jobs_runs_and_training_data(server, chain: Chain) -> None:  # type: ignore[no-untyped-def]
    client = DataHubClient(server=server.url)
    found = hops(client.lineage.get_lineage(source_urn=chain.group, direction="upstream", max_hops=2))
    assert found == {chain.model_a: 1, chain.model_b: 1, chain.train: 2, chain.run: 2, chain.extra: 2}


def test_model_and_job_walk_both_ways(server, chain: Chain) -> None:  # type: ignore[no-untyped-def]
    client = DataHubClient(server=server.url)
    down = hops(client.lineage.get_lineage(source_urn=chain.model_a, direction="downstream", max_hops=1))
    assert down == {chain.group: 1, chain.deployment: 1}
    job = client.lineage.get_lineage(source_urn=chain.train, direction="downstream", max_hops=1)
    assert hops(job) == {chain.model_a: 1, chain.old: 1}
    upstream = client.lineage.get_lineage(source_urn=chain.train, direction="upstream", max_hops=1)
    assert [(r.urn, r.type, r.platform) for r in upstream] == [(chain.features, "DATASET", "hive")]


def test_filters_by_entity_type_and_platform(server, chain: Chain) -> None:  # type: ignore[no-untyped-def]
    client = DataHubClient(server=server.url)
    models = client.lineage.get_lineage(source_urn=chain.raw, direction="downstream", max_hops=3, filter=F.entity_type("mlModel"))
    assert {r.urn for r in models} == {chain.model_a, chain.model_b, chain.old}
    hive = client.lineage.get_lineage(source_urn=chain.raw, direction="downstream", max_hops=3, filter=F.platform("hive"))
    assert {r.urn for r in hive} == {chain.features, chain.scores}


def test_datahub_lineage_cli(server, chain: Chain) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "DATAHUB_GMS_URL": server.url, "DATAHUB_TELEMETRY_ENABLED": "false"}
    command = [sys.executable, "-m", "datahub", "lineage", "--urn", chain.group, "--direction", "upstream", "--hops", "1"]
    out = subprocess.run([*command, "--format", "json"], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout[out.stdout.index("{") :])
    assert {r["urn"] for r in payload["results"]} == {chain.model_a, chain.model_b}
    assert {r["type"] for r in payload["results"]} == {"MLMODEL"}


def test_feature_and_run_output_hops(server) -> None:  # type: ignore[no-untyped-def]
    """dataset -> mlFeature (sources) -> model (mlFeatures); run -> model through Edge-typed outputEdges."""
    client = DataHubClient(server=server.url)
    graph = client._graph
    tag = unique("feat")
    source = f"urn:li:dataset:(urn:li:dataPlatform:hive,{tag}.events,PROD)"
    feature = f"urn:li:mlFeature:({tag},clicks)"
    model = f"urn:li:mlModel:(urn:li:dataPlatform:mlflow,{tag}-m,PROD)"
    run = f"urn:li:dataProcessInstance:{tag}-run"
    aspects = [
        (source, models.DatasetPropertiesClass(name="events")),
        (feature, models.MLFeaturePropertiesClass(sources=[source])),
        (model, models.MLModelPropertiesClass(mlFeatures=[feature])),
        (run, models.DataProcessInstanceOutputClass(outputs=[], outputEdges=[models.EdgeClass(destinationUrn=model)])),
    ]
    for urn, aspect in aspects:
        graph.emit_mcp(MetadataChangeProposalWrapper(entityUrn=urn, aspect=aspect))
    upstream = hops(client.lineage.get_lineage(source_urn=model, direction="upstream", max_hops=2))
    assert upstream == {feature: 1, run: 1, source: 2}
    downstream = hops(client.lineage.get_lineage(source_urn=source, direction="downstream", max_hops=2))
    assert downstream == {feature: 1, model: 2}
    assert hops(client.lineage.get_lineage(source_urn=run, direction="downstream")) == {model: 1}
