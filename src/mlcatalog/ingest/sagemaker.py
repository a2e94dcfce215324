"""SageMaker → mlcatalog: DataHub's SageMaker source, plus what it misses.

The stock source learns which model package group a model belongs to only from SageMaker's lineage
tracking entities (contexts and associations). Accounts (and emulators) without them end with groups
and models but no ``MemberOf`` edge. Here a model joins the group whose model package serves the same
artifact (``ModelDataUrl``) or image, and gets ``versionProperties`` carrying the package version.

The stock source also copies boto3's ``ResponseMetadata`` (request id, HTTP date) into custom
properties, so every run rewrote every entity; it is dropped, and a re-run changes nothing.

``aws_endpoint_url`` is not applied to the SageMaker client by the source (it is for S3/DynamoDB),
so the command sets boto3's own ``AWS_ENDPOINT_URL_SAGEMAKER`` instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from datahub.emitter import mce_builder as builder
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.ingestion.api.common import PipelineContext
from datahub.ingestion.api.workunit import MetadataWorkUnit
from datahub.ingestion.source.aws.sagemaker import SagemakerSource
from datahub.ingestion.source.aws.sagemaker_processors.common import SagemakerSourceConfig
from datahub.metadata.schema_classes import (
    BrowsePathsClass,
    MLModelPropertiesClass,
    MLModelSnapshotClass,
    VersionPropertiesClass,
    VersionTagClass,
)
from datahub.metadata.urns import VersionSetUrn

SOURCE_TYPE = "mlcatalog.ingest.sagemaker.MLCatalogSagemakerSource"


@dataclass(frozen=True)
class PackageVersion:
    group: str
    version: int


def use_endpoint(endpoint_url: str | None) -> None:
    """Point boto3's SageMaker client at an emulator or VPC endpoint (boto3 reads this variable)."""
    if endpoint_url:
        os.environ["AWS_ENDPOINT_URL_SAGEMAKER"] = endpoint_url


class MLCatalogSagemakerSource(SagemakerSource):
    """The stock source with model → model package group membership and package versions."""

    def __init__(self, config: SagemakerSourceConfig, ctx: PipelineContext) -> None:
        super().__init__(config, ctx)
        self._membership: dict[str, PackageVersion] = {}

    @classmethod
    def create(cls, config_dict: dict[str, Any], ctx: PipelineContext) -> MLCatalogSagemakerSource:
        return cls(SagemakerSourceConfig.model_validate(config_dict), ctx)

    def get_workunits_internal(self) -> Iterable[MetadataWorkUnit]:
        if self.source_config.extract_models:
            self._membership = self._packages_by_model()
        for wu in super().get_workunits_internal():
            _drop_response_metadata(wu)
            yield wu
            extra = self._fill_membership(wu)
            if extra is not None:
                yield extra

    def _packages_by_model(self) -> dict[str, PackageVersion]:
        """Model name → the package (group, version) serving the same artifact or image."""
        client = self.sagemaker_client
        served: dict[str, PackageVersion] = {}
        for page in client.get_paginator("list_model_package_groups").paginate():
            for group in page["ModelPackageGroupSummaryList"]:
                name = group["ModelPackageGroupName"]
                for listing in client.get_paginator("list_model_packages").paginate(ModelPackageGroupName=name):
                    for package in listing["ModelPackageSummaryList"]:
                        details = client.describe_model_package(ModelPackageName=package["ModelPackageArn"])
                        version = PackageVersion(name, int(package.get("ModelPackageVersion") or 0))
                        for container in details.get("InferenceSpecification", {}).get("Containers", []):
                            for key in (container.get("ModelDataUrl"), container.get("Image")):
                                if key:
                                    served.setdefault(key, version)
        by_model: dict[str, PackageVersion] = {}
        for page in client.get_paginator("list_models").paginate():
            for model in page["Models"]:
                details = client.describe_model(ModelName=model["ModelName"])
                container = details.get("PrimaryContainer") or next(iter(details.get("Containers") or []), {})
                match = served.get(container.get("ModelDataUrl", "")) or served.get(container.get("Image", ""))
                if match is not None:
                    by_model[model["ModelName"]] = match
        return by_model

    def _fill_membership(self, wu: MetadataWorkUnit) -> MetadataWorkUnit | None:
        snapshot = getattr(wu.metadata, "proposedSnapshot", None)
        if not isinstance(snapshot, MLModelSnapshotClass):
            return None
        model_urn = snapshot.urn
        name = model_urn.split(",")[1]
        package = self._membership.get(name)
        if package is None:
            return None
        group_urn = builder.make_ml_model_group_urn("sagemaker", package.group, self.env)
        for aspect in snapshot.aspects:
            if isinstance(aspect, MLModelPropertiesClass) and group_urn not in (aspect.groups or []):
                aspect.groups = sorted([*(aspect.groups or []), group_urn])
            if isinstance(aspect, BrowsePathsClass) and aspect.paths == ["/sagemaker"]:
                aspect.paths = [f"/sagemaker/{package.group}"]
        version_set = VersionSetUrn(
            id=builder.datahub_guid({"platform": "sagemaker", "name": package.group}), entity_type="mlModel"
        )
        properties = VersionPropertiesClass(
            versionSet=str(version_set),
            version=VersionTagClass(versionTag=str(package.version)),
            sortId=str(package.version).zfill(10),
        )
        return MetadataChangeProposalWrapper(entityUrn=model_urn, aspect=properties).as_workunit()


def _drop_response_metadata(wu: MetadataWorkUnit) -> None:
    snapshot = getattr(wu.metadata, "proposedSnapshot", None)
    carried = snapshot.aspects if snapshot is not None else [getattr(wu.metadata, "aspect", None)]
    for aspect in carried:
        properties = getattr(aspect, "customProperties", None)
        if isinstance(properties, dict):
            properties.pop("ResponseMetadata", None)
