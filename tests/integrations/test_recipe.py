"""``mlcatalog ingest recipe``: any DataHub recipe, run with mlcatalog's progress and summary."""

from __future__ import annotations

from pathlib import Path

import datahub.metadata.schema_classes as models
import yaml
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.ingestion.sink.file import write_metadata_file

from tests.compat.helpers import unique
from tests.integrations import catalog_reads as read
from tests.integrations.conftest import run_cli
from tests.support.server import ServerProcess


def test_file_source_recipe_lands_and_is_summarised(server: ServerProcess, tmp_path: Path) -> None:
    group = f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{unique('recipe-group')},PROD)"
    properties = models.MLModelGroupPropertiesClass(description="from a file")
    write_metadata_file(tmp_path / "mcps.json", [MetadataChangeProposalWrapper(entityUrn=group, aspect=properties)])
    recipe = {
        "source": {"type": "file", "config": {"path": str(tmp_path / "mcps.json")}},
        "sink": {"type": "datahub-rest", "config": {"server": server.url}},
    }
    (tmp_path / "recipe.yml").write_text(yaml.safe_dump(recipe))

    summary, terminal = run_cli(["recipe", str(tmp_path / "recipe.yml")])

    assert summary["entities"] == {"mlModelGroup": 1}
    assert summary["failures"] == []
    assert "entities: 1" in terminal
    assert read.aspects(server.url, group)["mlModelGroupProperties"]["description"] == "from a file"
