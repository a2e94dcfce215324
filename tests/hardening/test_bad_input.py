"""Hostile input found by fuzzing gets a 4xx naming the field, never a 5xx, on both backends."""

from __future__ import annotations

import json

import pytest
import requests

from tests.compat.helpers import encoded, unique
from tests.support.server import ServerProcess


def _ingest(urn: str, aspect: str, value: object, **extra: object) -> dict:
    proposal = {"entityUrn": urn, "aspectName": aspect, "changeType": "UPSERT", "aspect": {"value": json.dumps(value)}}
    return {"proposal": {**proposal, **extra}}


def _user() -> str:
    return f"urn:li:corpuser:{unique('hostile')}"


CASES = [
    ("post", "/entities?action=listUrns", {"entity": "mlModelGroup", "start": "x", "count": 1}, "start"),
    ("post", "/entities?action=listUrns", {"entity": "mlModelGroup", "start": 10**20, "count": 1}, "start"),
    ("post", "/entities?action=listUrns", {"entity": "mlModelGroup", "start": None}, "start"),
    ("post", "/entities?action=listUrns", {"entity": ["x"], "start": 0, "count": 1}, "entityType"),
    ("get", "/relationships?urn=urn:li:corpuser:x&direction=INCOMING&start=100000000000000000000", None, "start"),
    ("get", "/aspects/urn%3Ali%3Acorpuser%3Ax?aspect=corpUserKey&version=100000000000000000000", None, "version"),
    ("post", "/aspects?action=ingestProposal", _ingest("urn:li:corpuser:x", ["a"], {}), "aspectName"),  # type: ignore[arg-type]
    (
        "post",
        "/aspects?action=ingestProposal",
        _ingest("urn:li:corpuser:x", "globalTags", {"tags": []}, changeType=5),
        "changeType",
    ),
    ("post", "/aspects?action=ingestProposal", _ingest("urn:li:corpuser:x\x00", "globalTags", {"tags": []}), "NUL"),
    (
        "post",
        "/aspects?action=ingestProposal",
        _ingest("urn:li:corpuser:x", "globalTags", {"tags": [{"tag": "urn:li:tag:\x00"}]}),
        "NUL",
    ),
    (
        "post",
        "/aspects?action=ingestProposal",
        _ingest("urn:li:corpuser:x", "corpUserInfo", {"active": True, "title": "\ud800"}),
        "surrogate",
    ),
    (
        "post",
        "/aspects?action=ingestProposal",
        _ingest("urn:li:corpuser:x", "globalTags", {"tags": [{"tag": "urn:li:tag:" + "t" * 600}]}),
        "500",
    ),
]


@pytest.mark.parametrize(("method", "path", "body", "named"), CASES)
def test_hostile_input_is_a_named_4xx(server: ServerProcess, method: str, path: str, body: object, named: str) -> None:
    kwargs = {} if body is None else {"data": json.dumps(body), "headers": {"Content-Type": "application/json"}}
    reply = getattr(requests, method)(f"{server.url}{path}", **kwargs)
    assert 400 <= reply.status_code < 500, reply.text
    assert named in reply.json()["message"]


def test_refused_hostile_write_changes_nothing(server: ServerProcess) -> None:
    urn = _user()
    body = _ingest(urn, "globalTags", {"tags": [{"tag": "urn:li:tag:\x00"}]})
    assert requests.post(f"{server.url}/aspects?action=ingestProposal", data=json.dumps(body)).status_code == 422
    assert requests.get(f"{server.url}/aspects/{encoded(urn)}", params={"aspect": "corpUserKey"}).status_code == 404
