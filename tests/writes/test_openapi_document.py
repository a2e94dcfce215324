"""The OpenAPI document at /openapi.json describes every surface, and no input schemathesis generates yields a 5xx."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import requests


def test_document_describes_writes_reads_and_history(server) -> None:  # type: ignore[no-untyped-def]
    document = requests.get(f"{server.url}/openapi.json", timeout=30).json()
    paths = document["paths"]
    for path in (
        "/aspects",
        "/aspects/{urn}",
        "/entities",
        "/entitiesV2/{urn}",
        "/openapi/v3/entity/{entity_type}",
        "/openapi/v3/entity/{entity_type}/batchGet",
        "/openapi/v3/entity/{entity_type}/{rest}",
        "/openapi/v2/timeline/v1/{urn}",
        "/openapi/v1/trace/write/{trace_id}",
        "/runs",
    ):
        assert path in paths, path
    ingest = paths["/aspects"]["post"]
    actions = next(p for p in ingest["parameters"] if p["name"] == "action")["schema"]["enum"]
    assert {"ingestProposal", "ingestProposalBatch", "getCount"} <= set(actions)
    assert "proposals" in ingest["requestBody"]["content"]["application/json"]["schema"]["properties"]
    write = paths["/openapi/v3/entity/{entity_type}"]["post"]
    assert {p["name"] for p in write["parameters"]} >= {"async", "If-Version-Match", "If-Unmodified-Since"}
    entity_types = next(p for p in write["parameters"] if p["name"] == "entity_type")["schema"]["enum"]
    assert "mlModelGroup" in entity_types


def test_schemathesis_finds_no_server_error(make_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # A server of its own that delivers no webhooks, and no fuzzing of webhooks or the endless event
    # stream: the fuzzer would invent URLs and the server would send to them; tests reach 127.0.0.1 only.
    server = make_server(env={"MLCATALOG_DELIVER_WEBHOOKS": "false"})
    st = shutil.which("st", path=str(Path(sys.executable).parent)) or "st"
    result = subprocess.run(
        [
            st,
            "run",
            f"{server.url}/openapi.json",
            "--exclude-path-regex",
            "^/openapi/v1/(webhooks|events/stream)",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "10",
            "--generation-deterministic",
            "--phases",
            "examples,coverage,fuzzing",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=540,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
