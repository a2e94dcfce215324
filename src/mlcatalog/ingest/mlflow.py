"""MLflow → mlcatalog: DataHub's MLflow source, plus three things it misses that mlcatalog fills.

1. **Aliases.** The source reads versions with ``search_model_versions``, which MLflow answers
   without aliases, so ``versionProperties.aliases`` came out empty. The registered model carries the
   alias → version map; it is copied onto each version before the source builds its aspects.
2. **Where training data lives.** The source links a run to an ``mlflow`` dataset reference and gives
   that reference an upstream named after the MLflow dataset *name* (``s3,<name>``). Here the upstream
   points at the dataset's real location from its ``source`` (``s3://bucket/key`` → ``s3,bucket/key``),
   so lineage reaches the table or files a model was trained on.
3. **Training data on the model.** Each model version gets ``mlModelTrainingData`` naming the datasets
   its run consumed, so the model page lists them without walking through the run.

Everything else (groups, versions, runs, experiments, stale-entity removal) is the stock source.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.ingestion.api.common import PipelineContext
from datahub.ingestion.api.workunit import MetadataWorkUnit
from datahub.ingestion.source.mlflow import MLflowConfig, MLflowSource
from datahub.metadata.schema_classes import BaseDataClass, TrainingDataClass, UpstreamLineageClass
from datahub.metadata.urns import DatasetUrn

SOURCE_TYPE = "mlcatalog.ingest.mlflow.MLCatalogMLflowSource"
_LOCATION_KEYS = ("uri", "url", "path", "location")
_SCHEMES = {"s3": "s3", "s3a": "s3", "gs": "gcs", "gcs": "gcs", "abfss": "abs", "wasbs": "abs", "hdfs": "hdfs"}


def dataset_location(source_type: str, source: str) -> tuple[str, str] | None:
    """(DataHub platform, dataset name) of an MLflow dataset's ``source`` JSON, when it names a place."""
    try:
        spec = json.loads(source)
    except (TypeError, json.JSONDecodeError):
        return None
    location = next((spec[k] for k in _LOCATION_KEYS if isinstance(spec, dict) and isinstance(spec.get(k), str)), None)
    if not location or "://" not in location:
        return None
    scheme, rest = location.split("://", 1)
    platform = _SCHEMES.get(scheme.lower()) or _SCHEMES.get(source_type.lower())
    if platform is None or not rest.strip("/"):
        return None
    return platform, rest.strip("/")


class MLCatalogMLflowSource(MLflowSource):
    """The stock source with aliases, dataset locations and model training data filled in."""

    def __init__(self, ctx: PipelineContext, config: MLflowConfig) -> None:
        super().__init__(ctx, config)
        self._trained_on: dict[str, list[str]] = {}  # model urn -> dataset urns

    @classmethod
    def create(cls, config_dict: dict[str, Any], ctx: PipelineContext) -> MLCatalogMLflowSource:
        return cls(ctx, MLflowConfig.model_validate(config_dict))

    def get_workunits_internal(self) -> Iterable[MetadataWorkUnit]:
        yield from super().get_workunits_internal()
        for model_urn, datasets in sorted(self._trained_on.items()):
            training = TrainingDataClass(trainingData=[BaseDataClass(dataset=urn) for urn in datasets])
            yield MetadataChangeProposalWrapper(entityUrn=model_urn, aspect=training).as_workunit()

    def _get_mlflow_model_versions(self, registered_model: Any) -> Iterable[Any]:
        by_version: dict[str, list[str]] = {}
        for alias, version in (getattr(registered_model, "aliases", None) or {}).items():
            by_version.setdefault(str(version), []).append(alias)
        for model_version in super()._get_mlflow_model_versions(registered_model):
            if not model_version.aliases:
                model_version.aliases = sorted(by_version.get(str(model_version.version), []))
            yield model_version

    def _get_mlflow_run(self, model_version: Any) -> Any:
        run = super()._get_mlflow_run(model_version)
        if run is not None and run.inputs and run.inputs.dataset_inputs:
            datasets = [str(DatasetUrn(platform=self.platform, name=i.dataset.name)) for i in run.inputs.dataset_inputs]
            self._trained_on[self._make_ml_model_urn(model_version)] = sorted(set(datasets))
        return run

    def _get_dataset_input_workunits(self, run: Any) -> Iterable[MetadataWorkUnit]:
        locations = {}
        for dataset_input in run.inputs.dataset_inputs:
            dataset = dataset_input.dataset
            place = dataset_location(dataset.source_type, dataset.source)
            if place is not None:
                locations[str(DatasetUrn(platform=self.platform, name=dataset.name))] = str(DatasetUrn(*place))
        for wu in super()._get_dataset_input_workunits(run):
            metadata = wu.metadata
            target = locations.get(getattr(metadata, "entityUrn", ""))
            if target and isinstance(getattr(metadata, "aspect", None), UpstreamLineageClass):
                for upstream in metadata.aspect.upstreams:  # type: ignore[union-attr]
                    upstream.dataset = target
            yield wu


def pipeline_name(tracking_uri: str) -> str:
    """A stable pipeline name per tracking server, so re-runs find their previous checkpoint."""
    return f"mlcatalog-mlflow-{hashlib.sha1(tracking_uri.encode()).hexdigest()[:12]}"


def source_config(tracking_uri: str, registry_uri: str | None = None, env: str = "PROD") -> dict[str, Any]:
    config: dict[str, Any] = {"tracking_uri": tracking_uri, "env": env}
    if registry_uri:
        config["registry_uri"] = registry_uri
    return config
