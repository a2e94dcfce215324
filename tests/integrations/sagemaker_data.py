"""A small SageMaker account on moto: model package groups with versions, training jobs, models."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import boto3

ROLE = "arn:aws:iam::123456789012:role/sagemaker-role"
IMAGE = "123456789012.dkr.ecr.us-west-2.amazonaws.com/xgboost:1.7"
REGION = "us-west-2"


@dataclass
class SageMakerWorld:
    groups: list[str] = field(default_factory=list)
    jobs: list[str] = field(default_factory=list)
    models: dict[str, str] = field(default_factory=dict)  # model name -> package group
    datasets: dict[str, str] = field(default_factory=dict)  # job -> s3 training input


def client(endpoint_url: str) -> Any:
    return boto3.client(
        "sagemaker",
        region_name=REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _training_job(sm: Any, name: str, data: str) -> str:
    sm.create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        RoleArn=ROLE,
        InputDataConfig=[{"ChannelName": "train", "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": data}}}],
        OutputDataConfig={"S3OutputPath": f"s3://ml-models/{name}"},
        ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        HyperParameters={"eta": "0.2", "max_depth": "5"},
    )
    return str(sm.describe_training_job(TrainingJobName=name)["ModelArtifacts"]["S3ModelArtifacts"])


def build(endpoint_url: str) -> SageMakerWorld:
    sm = client(endpoint_url)
    world = SageMakerWorld()
    plan = {"churn-package-group": ["churn-train-a", "churn-train-b"], "fraud-package-group": ["fraud-train-a"]}
    for group, jobs in plan.items():
        sm.create_model_package_group(ModelPackageGroupName=group, ModelPackageGroupDescription=f"{group} for the demo")
        world.groups.append(group)
        for job in jobs:
            data = f"s3://ml-data/{job}/"
            artifacts = _training_job(sm, job, data)
            world.jobs.append(job)
            world.datasets[job] = data
            model = f"{job}-model"
            sm.create_model(ModelName=model, PrimaryContainer={"Image": IMAGE, "ModelDataUrl": artifacts}, ExecutionRoleArn=ROLE)
            world.models[model] = group
            sm.create_model_package(
                ModelPackageGroupName=group,
                ModelPackageDescription=f"{model} package",
                InferenceSpecification={
                    "Containers": [{"Image": IMAGE, "ModelDataUrl": artifacts}],
                    "SupportedContentTypes": ["text/csv"],
                    "SupportedResponseMIMETypes": ["text/csv"],
                },
                ModelApprovalStatus="Approved",
            )
    return world
