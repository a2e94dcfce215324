"""The change feed: events in MetadataChangeLog shape, SSE, and signed, ordered, at-least-once webhooks."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import requests
from datahub.metadata.urns import MlModelGroupUrn, TagUrn
from datahub.sdk import DataHubClient
from datahub.sdk.mlmodelgroup import MLModelGroup

from tests.compat.helpers import unique
from tests.feed.receiver import Receiver

SECRET = "s3cret-for-tests"


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_events_page_in_metadata_change_log_shape(server, restli_client) -> None:  # type: ignore[no-untyped-def]
    after = requests.get(f"{server.url}/openapi/v1/events", params={"limit": 1}).json()["latestSequence"]
    name = unique("feed-group")
    restli_client.entities.upsert(MLModelGroup(id=name, platform="mlflow", description="first"))

    page = requests.get(f"{server.url}/openapi/v1/events", params={"after": after}).json()
    mine = [e for e in page["events"] if name in e["event"]["entityUrn"]]
    assert [e["event"]["aspectName"] for e in mine] == ["mlModelGroupKey", "dataPlatformInstance", "mlModelGroupProperties"]
    props = mine[-1]["event"]
    assert props["changeType"] == "UPSERT" and props["entityType"] == "mlModelGroup"
    assert json.loads(props["aspect"]["value"])["description"] == "first"
    assert props["created"]["actor"].startswith("urn:li:corpuser:")
    assert [e["sequence"] for e in page["events"]] == sorted(e["sequence"] for e in page["events"])


def test_server_sent_events_stream_new_changes(server, restli_client) -> None:  # type: ignore[no-untyped-def]
    latest = requests.get(f"{server.url}/openapi/v1/events", params={"limit": 1}).json()["latestSequence"]
    name = unique("sse-group")
    restli_client.entities.upsert(MLModelGroup(id=name, platform="mlflow", description="streamed"))
    with requests.get(
        f"{server.url}/openapi/v1/events/stream", headers={"Last-Event-ID": str(latest)}, stream=True, timeout=30
    ) as reply:
        assert reply.headers["content-type"].startswith("text/event-stream")
        for line in reply.iter_lines(decode_unicode=True):
            if line.startswith("data: ") and name in line and "mlModelGroupProperties" in line:
                break
        else:
            raise AssertionError("no event for the write arrived")


def test_webhook_is_signed_ordered_and_survives_failure_and_restart(make_server) -> None:  # type: ignore[no-untyped-def]
    with Receiver(SECRET) as receiver:
        server = make_server()
        reply = requests.post(
            f"{server.url}/openapi/v1/webhooks",
            json={
                "url": receiver.url,
                "secret": SECRET,
                "entityTypes": ["mlModelGroup"],
                "aspects": ["globalTags"],
            },
        )
        assert reply.status_code == 201, reply.text
        hook_id = reply.json()["id"]

        name = unique("hooked")
        client = DataHubClient(server=server.url)
        client.entities.upsert(MLModelGroup(id=name, platform="mlflow"))
        urn = MlModelGroupUrn(platform="mlflow", name=name)

        def tag(value: str) -> None:
            group = client.entities.get(urn)
            group.add_tag(TagUrn(value))
            client.entities.update(group)

        tag("one")
        wait_for(lambda: len(receiver.received) == 1)

        receiver.failing = True
        tag("two")
        wait_for(
            lambda: any(not d["succeeded"] for d in requests.get(f"{server.url}/openapi/v1/webhooks/{hook_id}/deliveries").json())
        )
        server.stop()  # the event is not acknowledged yet; it must survive the restart

        receiver.failing = False
        server = make_server(server.database_url)
        DataHubClient(server=server.url)  # same database, new process
        tag_client = DataHubClient(server=server.url)
        group = tag_client.entities.get(urn)
        group.add_tag(TagUrn("three"))
        tag_client.entities.update(group)
        wait_for(lambda: len(receiver.received) >= 3)

    tags = [[t["tag"] for t in json.loads(item["event"]["aspect"]["value"])["tags"]] for item in receiver.received]
    assert tags == [
        ["urn:li:tag:one"],
        ["urn:li:tag:one", "urn:li:tag:two"],
        ["urn:li:tag:one", "urn:li:tag:two", "urn:li:tag:three"],
    ]
    sequences = [item["sequence"] for item in receiver.received]
    assert sequences == sorted(sequences)
    assert receiver.bad_signatures == 0
    assert {item["event"]["aspectName"] for item in receiver.received} == {"globalTags"}


def test_bad_webhook_registrations_are_refused(server) -> None:  # type: ignore[no-untyped-def]
    for body, field in [
        ({"url": "ftp://x", "secret": SECRET}, "url"),
        ({"url": "http://127.0.0.1:9/h", "secret": "short"}, "secret"),
        ({"url": "http://127.0.0.1:9/h", "secret": SECRET, "entityTypes": ["spaceship"]}, "entityTypes"),
        ({"url": "http://127.0.0.1:9/h", "secret": SECRET, "changeTypes": "UPSERT"}, "changeTypes"),
    ]:
        reply = requests.post(f"{server.url}/openapi/v1/webhooks", json=body)
        assert reply.status_code == 422 and reply.json()["message"].startswith(field), reply.text
    assert requests.delete(f"{server.url}/openapi/v1/webhooks/999999").status_code == 404


def test_cli_manages_webhooks(server) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    def cli(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "mlcatalog", *args, "--server", server.url], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    created = cli("webhooks", "add", "http://127.0.0.1:9/cli-hook", "--secret", SECRET, "--entity-type", "mlModel")
    hook_id = created.split()[1]
    assert f"{hook_id}\thttp://127.0.0.1:9/cli-hook" in cli("webhooks", "list")
    assert "removed" in cli("webhooks", "remove", hook_id)
    assert "cli-hook" not in cli("webhooks", "list")
