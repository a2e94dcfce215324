"""Alias moves are history: who held champion when, and any entity as it stood at a time."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
import requests
from datahub.metadata.urns import MlModelGroupUrn
from datahub.sdk.mlmodel import MLModel
from datahub.sdk.mlmodelgroup import MLModelGroup

from tests.compat.helpers import encoded, unique


def _now_ms() -> int:
    time.sleep(0.02)  # keep the phases of the story in distinct milliseconds
    stamp = int(time.time() * 1000)
    time.sleep(0.02)
    return stamp


@pytest.fixture
def story(restli_client):  # type: ignore[no-untyped-def]
    """v1 is champion and v2 challenger at t1; at t2 champion has moved to v2."""
    client = restli_client
    name = unique("aliased")
    client.entities.upsert(MLModelGroup(id=name, platform="mlflow"))
    group = MlModelGroupUrn(platform="mlflow", name=name)
    models = {}
    for version, alias in (("1", "champion"), ("2", "challenger")):
        model = MLModel(id=f"{name}-v{version}", platform="mlflow", version=version, aliases=[alias])
        model.set_model_group(group)
        client.entities.upsert(model)
        models[version] = model.urn
    t1 = _now_ms()
    v1 = client.entities.get(models["1"])
    v1.remove_version_alias("champion")
    client.entities.update(v1)
    v2 = client.entities.get(models["2"])
    v2.add_version_alias("champion")
    client.entities.update(v2)
    t2 = _now_ms()
    return group, models, t1, t2


def test_aliases_at_a_time(server, story) -> None:  # type: ignore[no-untyped-def]
    group, models, t1, t2 = story
    url = f"{server.url}/openapi/v1/aliases/{encoded(str(group))}"
    then = requests.get(url, params={"at": t1}).json()["aliases"]
    assert {alias: h["model"] for alias, h in then.items()} == {"champion": str(models["1"]), "challenger": str(models["2"])}
    assert then["champion"]["version"] == "1"
    iso = datetime.fromtimestamp(t2 / 1000, tz=UTC).isoformat().replace("+00:00", "Z")
    now = requests.get(url, params={"at": iso}).json()["aliases"]
    assert {alias: h["model"] for alias, h in now.items()} == {"champion": str(models["2"]), "challenger": str(models["2"])}


def test_alias_history_lists_every_move_with_actor(server, story) -> None:  # type: ignore[no-untyped-def]
    group, models, _, _ = story
    moves = requests.get(f"{server.url}/openapi/v1/alias-history/{encoded(str(group))}").json()["moves"]
    assert [(m["alias"], m["model"], m["previousModel"]) for m in moves] == [
        ("champion", str(models["1"]), None),
        ("challenger", str(models["2"]), None),
        ("champion", None, str(models["1"])),
        ("champion", str(models["2"]), None),
    ]
    assert all(m["actor"].startswith("urn:li:corpuser:") and m["time"] > 0 for m in moves)


def test_entity_as_of_a_time(server, story) -> None:  # type: ignore[no-untyped-def]
    _, models, t1, t2 = story
    url = f"{server.url}/openapi/v1/asof/{encoded(str(models['1']))}"
    then = requests.get(url, params={"at": t1}).json()
    assert then["exists"] and then["aspects"]["versionProperties"]["value"]["aliases"] == [{"versionTag": "champion"}]
    assert requests.get(url, params={"at": t2}).json()["aspects"]["versionProperties"]["value"]["aliases"] == []
    before = requests.get(url, params={"at": 1}).json()
    assert not before["exists"] and list(before["aspects"]) == ["mlModelKey"]
    assert requests.get(url, params={"at": "yesterday"}).status_code == 422


def test_graphql_and_cli_answer_the_same(server, story) -> None:  # type: ignore[no-untyped-def]
    group, models, t1, _ = story
    query = """query q($urn: String!, $t: Long!, $m: String!) {
      aliasesAt(urn: $urn, time: $t) { alias version model { urn } }
      entityAsOf(urn: $m, time: $t) { urn ... on MLModel { name } }
    }"""
    data = requests.post(
        f"{server.url}/api/graphql", json={"query": query, "variables": {"urn": str(group), "t": t1, "m": str(models["1"])}}
    ).json()["data"]
    assert data["aliasesAt"] == [
        {"alias": "challenger", "version": "2", "model": {"urn": str(models["2"])}},
        {"alias": "champion", "version": "1", "model": {"urn": str(models["1"])}},
    ]
    assert data["entityAsOf"]["urn"] == str(models["1"])

    done = subprocess.run(
        [sys.executable, "-m", "mlcatalog", "aliases", str(group), "--at", str(t1), "--server", server.url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert f"champion\t{models['1']}\tversion 1" in done.stdout
