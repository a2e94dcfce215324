"""``mlcatalog ingest``: DataHub's ingestion sources pointed at an mlcatalog server, in one command.

Each subcommand builds a DataHub recipe (printable with ``--print-recipe`` and runnable as is with
``datahub ingest -c``), runs it with a live progress line and ends with a summary table.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click
import yaml

SERVER_ENV = ("MLCATALOG_SERVER", "DATAHUB_GMS_URL")


def _default_server() -> str:
    return next((os.environ[name] for name in SERVER_ENV if os.environ.get(name)), "http://127.0.0.1:8080")


def _common(func: Any) -> Any:
    options = [
        click.option("--server", default=_default_server, show_default="$MLCATALOG_SERVER or http://127.0.0.1:8080"),
        click.option("--token", envvar="DATAHUB_GMS_TOKEN", default=None, help="Bearer token for the server."),
        click.option("--pipeline-name", default=None, help="Stateful-ingestion key; default derived from the source."),
        click.option(
            "--stateful/--no-stateful", default=True, show_default=True, help="Soft-delete what vanished since the last run."
        ),
        click.option("--progress/--no-progress", default=True, show_default=True),
        click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout."),
        click.option("--print-recipe", is_flag=True, help="Print the DataHub recipe instead of running it."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _execute(recipe_dict: dict[str, Any], options: dict[str, Any], name: str | None = None) -> None:
    from rich.console import Console

    from mlcatalog.ingest import runner
    from mlcatalog.ingest.progress import render_summary

    if options["print_recipe"]:
        click.echo(yaml.safe_dump(recipe_dict, sort_keys=False))
        return
    console = Console(stderr=True)
    try:
        summary = runner.run(recipe_dict, console=console, show_progress=options["progress"])
    except runner.SetupError as exc:
        raise click.ClickException(str(exc)) from exc
    name = name or str(recipe_dict["source"]["type"]).rsplit(".", 1)[-1]
    render_summary(console, summary, f"{name} → {recipe_dict['sink']['config'].get('server', '')}")
    if options["as_json"]:
        click.echo(json.dumps(summary.as_dict(), indent=2))
    if summary.failures:
        sys.exit(1)


def _recipe(source_type: str, config: dict[str, Any], default_pipeline: str, options: dict[str, Any]) -> dict[str, Any]:
    from mlcatalog.ingest import runner

    name = (options["pipeline_name"] or default_pipeline) if options["stateful"] else None
    return runner.recipe(source_type, config, options["server"], options["token"], name)


@click.group()
def ingest() -> None:
    """Pull metadata from ML platforms into mlcatalog (DataHub's ingestion sources, no DataHub needed)."""


@ingest.command()
@click.option("--tracking-uri", required=True, envvar="MLFLOW_TRACKING_URI", help="MLflow tracking server URI.")
@click.option("--registry-uri", default=None, help="Model registry URI when it differs from the tracking URI.")
@click.option("--env", default="PROD", show_default=True, help="DataHub environment (fabric) of the URNs.")
@_common
def mlflow(tracking_uri: str, registry_uri: str | None, env: str, **options: Any) -> None:
    """Registered models, versions, runs, experiments and training datasets from MLflow."""
    from mlcatalog.ingest import mlflow as glue

    config = glue.source_config(tracking_uri, registry_uri, env)
    _execute(_recipe(glue.SOURCE_TYPE, config, glue.pipeline_name(tracking_uri), options), options, "MLflow")


@ingest.command()
@click.option("--region", required=True, envvar="AWS_REGION", help="AWS region.")
@click.option("--endpoint-url", default=None, help="SageMaker API endpoint (an emulator or VPC endpoint).")
@click.option("--env", default="PROD", show_default=True)
@click.option("--skip-jobs", multiple=True, help="Job types not to list (e.g. labeling); repeatable.")
@_common
def sagemaker(region: str, endpoint_url: str | None, env: str, skip_jobs: tuple[str, ...], **options: Any) -> None:
    """Model package groups, models, training jobs and their datasets from Amazon SageMaker."""
    from mlcatalog.ingest import sagemaker as glue

    glue.use_endpoint(endpoint_url)
    config: dict[str, Any] = {"aws_region": region, "env": env, "extract_feature_groups": False}
    if skip_jobs:
        config["extract_jobs"] = {job: "skip" for job in skip_jobs}
    _execute(_recipe(glue.SOURCE_TYPE, config, f"mlcatalog-sagemaker-{region}", options), options, "SageMaker")


@ingest.command("recipe")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--progress/--no-progress", default=True, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
def run_recipe(path: Path, progress: bool, as_json: bool) -> None:
    """Run any DataHub recipe file with mlcatalog's progress display and summary."""
    recipe_dict = yaml.safe_load(path.read_text())
    _execute(recipe_dict, {"print_recipe": False, "progress": progress, "as_json": as_json})
