"""rest.li search actions, the ``datahub search`` CLI, and ``mlcatalog search rebuild``."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import requests

from tests.compat.helpers import unique
from tests.search.helpers import graphql, model_group


def _client(server):  # type: ignore[no-untyped-def]
    from datahub.sdk import DataHubClient

    return DataHubClient(server=server.url)


def test_restli_search_and_autocomplete(server) -> None:  # type: ignore[no-untyped-def]
    w = unique("rl").replace("-", "")
    urn = model_group(_client(server), f"{w}-marketing", "for the marketing team")
    body = {"input": w, "entity": "mlModelGroup", "start": 0, "count": 5}
    value = requests.post(f"{server.url}/entities?action=search", json=body, timeout=30).json()["value"]
    assert value["numEntities"] == 1 and value["entities"] == [{"entity": urn, "matchedFields": []}]
    filtered = {
        **body,
        "input": "*",
        "filter": {"or": [{"and": [{"field": "name", "values": [f"{w}-marketing"], "condition": "EQUAL"}]}]},
    }
    value = requests.post(f"{server.url}/entities?action=search", json=filtered, timeout=30).json()["value"]
    assert [e["entity"] for e in value["entities"]] == [urn]
    auto = {"query": f"{w}-mar", "entity": "mlModelGroup", "limit": 3}
    value = requests.post(f"{server.url}/entities?action=autocomplete", json=auto, timeout=30).json()["value"]
    assert value["suggestions"] == [f"{w}-marketing"] and value["entities"] == [{"urn": urn}]


def test_restli_search_rejects_bad_filter_with_422(server) -> None:  # type: ignore[no-untyped-def]
    body = {"input": "*", "entity": "mlModelGroup", "filter": {"or": [{"and": [{"field": "tags", "condition": "SIMILAR"}]}]}}
    reply = requests.post(f"{server.url}/entities?action=search", json=body, timeout=30)
    assert reply.status_code == 422 and "condition" in reply.text
    reply = requests.post(f"{server.url}/entities?action=search", json={"input": "*", "entity": "noSuchType"}, timeout=30)
    assert reply.status_code == 422 and "noSuchType" in reply.text


def test_datahub_search_cli(server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    w = unique("cli").replace("-", "")
    urn = model_group(_client(server), f"{w}-recommender", "recommends products")
    env = {**os.environ, "DATAHUB_GMS_URL": server.url, "DATAHUB_TELEMETRY_ENABLED": "false", "HOME": str(tmp_path)}
    command = [os.path.join(os.path.dirname(sys.executable), "datahub"), "search", w, "--format", "json"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    assert output["total"] == 1
    assert [r["entity"]["urn"] for r in output["searchResults"]] == [urn]


def test_rebuild_regenerates_the_index_from_aspects(server, backend) -> None:  # type: ignore[no-untyped-def]
    w = unique("rb").replace("-", "")
    urn = model_group(_client(server), f"{w}-rebuilt", "indexed again")
    command = [sys.executable, "-m", "mlcatalog", "search", "rebuild", "--database", server.database_url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "search index rebuilt" in done.stdout
    query = "query q($q: String!) { searchAcrossEntities(input: {query: $q}) { total searchResults { entity { urn } } } }"
    assert graphql(server, query, {"q": w})["searchAcrossEntities"]["searchResults"] == [{"entity": {"urn": urn}}]
