"""One ML chain per backend, built once with the official SDK against the session server."""

from __future__ import annotations

import pytest
import requests
from datahub.sdk import DataHubClient

from tests.lineage.chain import Chain, build_chain


@pytest.fixture(scope="module")
def chain(server) -> Chain:  # type: ignore[no-untyped-def]
    return build_chain(DataHubClient(server=server.url))


def graphql(server, query: str, variables: dict | None = None) -> dict:  # type: ignore[no-untyped-def]
    reply = requests.post(f"{server.url}/api/graphql", json={"query": query, "variables": variables or {}})
    assert reply.status_code == 200
    return reply.json()
