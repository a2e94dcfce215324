"""The `datahub` CLI and ingestion recipes send tokens from DATAHUB_GMS_TOKEN, ~/.datahubenv and the sink config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import requests
import yaml

from tests.compat.helpers import encoded, unique
from tests.support.tokens import AuthServer

DATAHUB = str(Path(sys.executable).parent / "datahub")


def _datahub(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DATAHUB_GMS")}
    full = {**clean, "DATAHUB_TELEMETRY_ENABLED": "false", "DATAHUB_SKIP_CONFIG": "", **env}
    return subprocess.run([DATAHUB, *args], capture_output=True, text=True, env=full, cwd=cwd, timeout=120)


def _group_urn(name: str) -> str:
    return f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{name},PROD)"


def _aspects(secured: AuthServer, urn: str) -> dict:
    reply = requests.get(f"{secured.url}/entitiesV2/{encoded(urn)}", headers=secured.headers("reader"))
    return reply.json()["aspects"]


def test_cli_put_and_get_with_env_token(secured: AuthServer, tmp_path: Path) -> None:
    urn = _group_urn(unique("cli"))
    (tmp_path / "props.json").write_text(json.dumps({"name": "From the CLI", "customProperties": {}}))
    env = {"DATAHUB_GMS_URL": secured.url, "DATAHUB_GMS_TOKEN": secured.tokens["editor"], "HOME": str(tmp_path)}

    put = _datahub("put", "--urn", urn, "-a", "mlModelGroupProperties", "-d", "props.json", env=env, cwd=tmp_path)
    assert put.returncode == 0, put.stdout + put.stderr
    got = _datahub("get", "--urn", urn, "-a", "mlModelGroupProperties", env=env, cwd=tmp_path)
    assert got.returncode == 0, got.stderr
    assert "From the CLI" in got.stdout
    assert _aspects(secured, urn)["mlModelGroupProperties"]["created"]["actor"] == "urn:li:corpuser:editor-bot"

    anonymous = {**env, "DATAHUB_GMS_TOKEN": ""}
    refused = _datahub("get", "--urn", urn, "-a", "mlModelGroupProperties", env=anonymous, cwd=tmp_path)
    assert "From the CLI" not in refused.stdout
    assert "401" in refused.stdout + refused.stderr or "authentication" in (refused.stdout + refused.stderr).lower()


def test_cli_reads_the_token_from_datahubenv(secured: AuthServer, tmp_path: Path) -> None:
    urn = _group_urn(unique("datahubenv"))
    (tmp_path / ".datahubenv").write_text(yaml.safe_dump({"gms": {"server": secured.url, "token": secured.tokens["reader"]}}))
    (tmp_path / "props.json").write_text(json.dumps({"name": "nope", "customProperties": {}}))
    env = {"HOME": str(tmp_path)}

    exists = _datahub("exists", "--urn", urn, env=env, cwd=tmp_path)
    assert exists.returncode == 0, exists.stdout + exists.stderr
    assert "false" in exists.stdout.lower()
    put = _datahub("put", "--urn", urn, "-a", "mlModelGroupProperties", "-d", "props.json", env=env, cwd=tmp_path)
    assert put.returncode != 0
    assert "forbidden" in put.stdout + put.stderr
    assert "mlModelGroupProperties" not in _aspects(secured, urn)


def _recipe(tmp_path: Path, secured: AuthServer, role: str, urn: str) -> Path:
    mcps = [
        {
            "entityType": "mlModelGroup",
            "entityUrn": urn,
            "changeType": "UPSERT",
            "aspectName": "mlModelGroupProperties",
            "aspect": {"json": {"name": "From a recipe", "customProperties": {}}},
        }
    ]
    (tmp_path / "mcps.json").write_text(json.dumps(mcps))
    recipe = {
        "pipeline_name": unique("auth-recipe"),
        "source": {"type": "file", "config": {"path": str(tmp_path / "mcps.json")}},
        "sink": {"type": "datahub-rest", "config": {"server": secured.url, "token": secured.tokens[role]}},
    }
    path = tmp_path / f"recipe-{role}.yml"
    path.write_text(yaml.safe_dump(recipe))
    return path


def test_recipe_sink_token_is_used_for_ingestion(secured: AuthServer, tmp_path: Path) -> None:
    urn = _group_urn(unique("recipe"))
    env = {"HOME": str(tmp_path), "DATAHUB_GMS_URL": secured.url, "DATAHUB_GMS_TOKEN": secured.tokens["reader"]}

    refused = _datahub("ingest", "-c", str(_recipe(tmp_path, secured, "reader", urn)), env=env, cwd=tmp_path)
    assert refused.returncode != 0
    assert "mlModelGroupProperties" not in _aspects(secured, urn)

    ran = _datahub("ingest", "-c", str(_recipe(tmp_path, secured, "editor", urn)), env=env, cwd=tmp_path)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    stored = _aspects(secured, urn)["mlModelGroupProperties"]
    assert stored["value"]["name"] == "From a recipe"
    assert stored["created"]["actor"] == "urn:li:corpuser:editor-bot"
