"""SageMaker → mlcatalog against moto in server mode on 127.0.0.1 (an emulated AWS account, no AWS)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.integrations import catalog_reads as read
from tests.integrations.conftest import AWS_ENV, run_cli
from tests.integrations.sagemaker_data import REGION, SageMakerWorld, build
from tests.support.processes import moto_server
from tests.support.server import ServerProcess

GROUP = "urn:li:mlModelGroup:(urn:li:dataPlatform:sagemaker,{},PROD)"
MODEL = "urn:li:mlModel:(urn:li:dataPlatform:sagemaker,{},PROD)"
JOB = "urn:li:dataJob:(urn:li:dataFlow:(sagemaker,training:{0},PROD),arn:aws:sagemaker:us-west-2:123456789012:training-job/{0})"


@dataclass
class Ingested:
    world: SageMakerWorld
    summary: dict[str, Any]
    catalog: str
    args: list[str]


@pytest.fixture(scope="module")
def ingested(catalog: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ingested]:
    moto = moto_server(tmp_path_factory.mktemp("moto")).start()
    try:
        world = build(moto.url)
        # moto does not implement ListLabelingJobs, so that one job type is skipped.
        args = ["sagemaker", "--region", REGION, "--endpoint-url", moto.url, "--skip-jobs", "labeling"]
        args += ["--server", catalog.url, "--no-progress"]
        summary, _ = run_cli(args, AWS_ENV)
        yield Ingested(world, summary, catalog.url, args)
    finally:
        moto.stop()


def test_package_groups_and_models_arrive(ingested: Ingested) -> None:
    assert ingested.summary["entities"]["mlModelGroup"] == 2
    assert ingested.summary["entities"]["mlModel"] == 3
    assert ingested.summary["entities"]["dataJob"] == 3
    assert ingested.summary["failures"] == []
    group = read.aspects(ingested.catalog, GROUP.format("churn-package-group"))
    assert group["mlModelGroupProperties"]["description"] == "churn-package-group for the demo"


def test_models_are_members_of_their_package_group_with_versions(ingested: Ingested) -> None:
    members = read.related(ingested.catalog, GROUP.format("churn-package-group"), "MemberOf", "INCOMING")
    assert members == [MODEL.format("churn-train-a-model"), MODEL.format("churn-train-b-model")]
    versions = [read.aspects(ingested.catalog, model)["versionProperties"]["version"]["versionTag"] for model in members]
    assert versions == ["1", "2"]


def test_model_lineage_runs_through_the_training_job_to_s3(ingested: Ingested) -> None:
    model = MODEL.format("fraud-train-a-model")
    assert read.related(ingested.catalog, model, "TrainedBy") == [JOB.format("fraud-train-a")]
    inputs = read.related(ingested.catalog, JOB.format("fraud-train-a"), "Consumes")
    assert inputs == ["urn:li:dataset:(urn:li:dataPlatform:s3,ml-data/fraud-train-a,PROD)"]
    job = read.aspects(ingested.catalog, JOB.format("fraud-train-a"))
    assert job["dataJobInfo"]["customProperties"]["HyperParameters"] is not None


def test_second_run_changes_nothing(ingested: Ingested) -> None:
    kinds = ["mlModelGroup", "mlModel", "dataJob"]
    before = read.snapshot(ingested.catalog, kinds)
    summary, _ = run_cli(ingested.args, AWS_ENV)
    assert summary["soft_deleted"] == [] and summary["failures"] == []
    after = read.snapshot(ingested.catalog, kinds)
    bookkeeping = [urn for urn in after if "dataFlow:(datahub," in urn]  # the checkpoint's own job
    for urn in bookkeeping:
        after.pop(urn), before.pop(urn)
    changed = {urn: (before.get(urn), value) for urn, value in after.items() if before.get(urn) != value}
    assert changed == {}
