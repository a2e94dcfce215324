"""Three server processes on one database, as behind a load balancer (both backends).

What a user of any one server must see: the writes made through every other, at once, and no
lost update when writers on different servers change the same aspect together.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.compat.helpers import encoded, unique
from tests.postgres.http import aspect, ingest_batch, mcp
from tests.support.databases import temporary_database
from tests.support.server import ServerProcess

MODEL = "urn:li:mlModel:(urn:li:dataPlatform:mlflow,{},PROD)"
GROUP = "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{},PROD)"
SMALL_POOL = {"MLCATALOG_DB_POOL_SIZE": "4", "MLCATALOG_DB_MAX_OVERFLOW": "4"}  # the test PostgreSQL is shared


@pytest.fixture(scope="module")
def servers(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServerProcess]]:
    """Three servers on one fresh database for this module's tests (each uses its own URNs).
    Started together, so they also race to migrate the empty database."""
    directory = tmp_path_factory.mktemp(f"three-{backend}")
    with temporary_database(backend, directory) as url:
        processes = [ServerProcess(url, directory / f"server-{n}.log", env=SMALL_POOL) for n in range(3)]
        try:
            with ThreadPoolExecutor(3) as pool:
                list(pool.map(ServerProcess.start, processes))
            yield processes
        finally:
            for process in processes:
                process.stop()


def test_a_write_through_one_server_is_read_through_the_others_at_once(servers: list[ServerProcess]) -> None:
    session = requests.Session()
    for writer in servers:
        group, model = GROUP.format(unique("g")), MODEL.format(unique("m"))
        reply = ingest_batch(
            session,
            writer.url,
            [
                mcp(group, "mlModelGroupProperties", {"description": f"via {writer.port}"}, "mlModelGroup"),
                mcp(model, "mlModelProperties", {"description": "member", "groups": [group]}),
            ],
        )
        assert reply.status_code == 200, reply.text
        for reader in servers:
            assert aspect(reader.url, group, "mlModelGroupProperties") == {"description": f"via {writer.port}"}
            related = session.get(
                f"{reader.url}/relationships", params={"urn": group, "direction": "INCOMING", "types": "MemberOf"}
            ).json()
            assert [r["entity"] for r in related["relationships"]] == [model]


def test_changes_and_deletes_are_not_served_stale_by_any_server(servers: list[ServerProcess]) -> None:
    session, urn = requests.Session(), MODEL.format(unique("stale"))
    for round_, writer in enumerate(servers * 2):
        assert ingest_batch(session, writer.url, [mcp(urn, "mlModelProperties", {"description": f"r{round_}"})]).ok
        for reader in servers:  # each server has read the previous value; none may still answer with it
            assert aspect(reader.url, urn, "mlModelProperties") == {"description": f"r{round_}"}
    reply = session.post(f"{servers[2].url}/entities", params={"action": "delete"}, json={"urn": urn})
    assert reply.status_code == 200
    for reader in servers:
        assert aspect(reader.url, urn, "mlModelProperties") is None
        entity = session.get(f"{reader.url}/entitiesV2/{encoded(urn)}").json()
        assert "mlModelProperties" not in entity["aspects"]


def test_conflicting_writes_through_three_servers_lose_no_update(servers: list[ServerProcess]) -> None:
    """12 writers (4 per server) change one new aspect 4 times each: 48 versions, contiguous, all kept."""
    urn, errors = MODEL.format(unique("race")), []
    start = threading.Barrier(12)

    def writer(worker: int) -> None:
        session, server = requests.Session(), servers[worker % 3]
        start.wait()
        for n in range(4):
            reply = ingest_batch(session, server.url, [mcp(urn, "mlModelProperties", {"description": f"w{worker}-{n}"})])
            if reply.status_code != 200:
                errors.append(reply.text)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    history = [aspect(servers[v % 3].url, urn, "mlModelProperties", v) for v in range(49)]
    assert history[48] is None and None not in history[:48]  # v0 latest + v1..v47, no gap, nothing past
    assert {value["description"] for value in history if value} == {f"w{w}-{n}" for w in range(12) for n in range(4)}


def test_batches_over_the_same_entities_in_opposite_orders_all_succeed(servers: list[ServerProcess]) -> None:
    urns = [MODEL.format(unique(f"order{k}")) for k in range(3)]
    orders = [urns, urns[::-1], [urns[1], urns[2], urns[0]]]

    def writer(worker: int) -> list[int]:
        session, server, order = requests.Session(), servers[worker % 3], orders[worker % 3]
        statuses = []
        for n in range(3):
            batch = [mcp(urn, "mlModelProperties", {"description": f"w{worker}-{n}"}) for urn in order]
            statuses.append(ingest_batch(session, server.url, batch).status_code)
        return statuses

    with ThreadPoolExecutor(6) as pool:
        assert [s for statuses in pool.map(writer, range(6)) for s in statuses] == [200] * 18
    for urn in urns:
        assert aspect(servers[0].url, urn, "mlModelProperties", 17) is not None
        assert aspect(servers[1].url, urn, "mlModelProperties", 18) is None
