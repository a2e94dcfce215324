"""Which role each kind of call needs, and that tokens never reach the logs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from mlcatalog.api.auth import is_mutation, required_role
from tests.support.tokens import create_token


@pytest.mark.parametrize(
    ("method", "path", "actions", "role"),
    [
        ("GET", "/entitiesV2/urn%3Ali%3Acorpuser%3Ax", [], "reader"),
        ("GET", "/relationships", [], "reader"),
        ("POST", "/entities", ["listUrns"], "reader"),
        ("POST", "/entities", ["search"], "reader"),
        ("POST", "/aspects", ["getTimeseriesAspectValues"], "reader"),
        ("POST", "/aspects", ["ingestProposalBatch"], "editor"),
        ("POST", "/aspects/", ["ingestProposal"], "editor"),
        ("POST", "/openapi/v3/entity/mlModelGroup", [], "editor"),
        ("PATCH", "/openapi/v3/entity/mlModelGroup", [], "editor"),
        ("POST", "/entities", ["ingest"], "editor"),
        ("POST", "/entities", ["someFutureAction"], "editor"),
        ("POST", "/entities", [], "editor"),
        ("POST", "/entities", ["delete"], "admin"),
        ("POST", "/entities", ["deleteReferences"], "admin"),
        ("POST", "/entities", ["search", "delete"], "admin"),
        ("DELETE", "/openapi/v3/entity/mlModelGroup/urn", [], "admin"),
        ("GET", "/mlcatalog/v1/tokens", [], "admin"),
        ("POST", "/mlcatalog/v1/tokens/", [], "admin"),
        ("GET", "/openapi/v1/webhooks", [], "admin"),
        ("POST", "/openapi/v1/webhooks", [], "admin"),
        ("GET", "/openapi/v1/events", [], "reader"),
        ("GET", "/openapi/v1/promotion-rules", [], "reader"),
        ("POST", "/openapi/v1/promotion-rules", [], "admin"),
        ("GET", "/openapi/v1/asof/urn", [], "reader"),
        ("POST", "/aspects", ["getCount"], "reader"),
        ("POST", "/runs", ["list"], "reader"),
        ("POST", "/runs", ["describe"], "reader"),
        ("POST", "/runs", ["rollback"], "admin"),
        ("POST", "/openapi/v3/entity/mlModel/batchGet", [], "reader"),
        ("GET", "/openapi/v3/entity/mlModel", [], "reader"),
        ("DELETE", "/openapi/v3/entity/mlModel/urn%3Ali%3AmlModel%3Ax", [], "admin"),
        ("POST", "/openapi/v1/trace/write/abc", [], "reader"),
    ],
)
def test_required_role(method: str, path: str, actions: list[str], role: str) -> None:
    assert required_role(method, path, actions) == role


def test_graphql_queries_read_and_mutations_write() -> None:
    query = json.dumps({"query": "query q { search(input: {}) { total } }"}).encode()
    mutation = json.dumps({"query": "query q { a } mutation m { createTag(input: {}) }", "operationName": "q"}).encode()
    assert not is_mutation(query)
    assert is_mutation(mutation)  # a document holding a mutation is a write, whichever operation is named
    assert is_mutation(b"not json")
    assert required_role("POST", "/api/graphql", [], graphql_mutation=False) == "reader"
    assert required_role("POST", "/api/graphql", [], graphql_mutation=True) == "editor"
    assert required_role("POST", "/api/v2/graphql", [], graphql_mutation=False) == "reader"


def test_tokens_never_reach_the_server_log(make_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = make_server(extra_args=["--auth", "--log-level", "debug"])
    token = create_token(server.database_url, "log-bot", "editor")
    wrong = "mlc_wrong-secret-that-must-not-be-logged"
    for header in (token, wrong):
        requests.get(
            f"{server.url}/relationships",
            params={"urn": "urn:li:corpuser:x", "direction": "INCOMING"},
            headers={"Authorization": f"Bearer {header}"},
        )
    requests.post(
        f"{server.url}/mlcatalog/v1/tokens", json={"user": "x", "role": "reader"}, headers={"Authorization": f"Bearer {token}"}
    )
    server.stop()
    log = server.log_path.read_text()
    assert "/relationships" in log  # the access log is on
    assert token not in log and wrong not in log and "mlc_" not in log
