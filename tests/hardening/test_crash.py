"""SIGKILL in the middle of a large batch ingest: acknowledged writes survive, no batch is half applied."""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.compat.helpers import encoded, unique

BATCH = 300  # proposals per batch; each also materialises a key aspect
MAX_BATCHES = 200  # the writer stops by itself


def _proposals(batch_id: str) -> list[dict]:
    return [
        {
            "entityType": "mlModelGroup",
            "entityUrn": f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{batch_id}-{i},PROD)",
            "changeType": "UPSERT",
            "aspectName": "mlModelGroupProperties",
            "aspect": {"value": json.dumps({"name": f"{batch_id} #{i}", "customProperties": {"i": str(i)}})},
        }
        for i in range(BATCH)
    ]


def _counts(database_url: str, batch_id: str) -> tuple[int, int]:
    """(latest aspects, change-log rows) written for one batch."""
    engine = create_engine(database_url)
    pattern = f"%,{batch_id}-%"
    try:
        with engine.connect() as conn:
            aspects = conn.execute(
                text("SELECT count(*) FROM metadata_aspect_v2 WHERE urn LIKE :p AND aspect = 'mlModelGroupProperties'"),
                {"p": pattern},
            ).scalar()
            changes = conn.execute(text("SELECT count(*) FROM metadata_change_log WHERE urn LIKE :p"), {"p": pattern}).scalar()
    finally:
        engine.dispose()
    return int(aspects or 0), int(changes or 0)


def test_sigkill_mid_batch_keeps_every_acknowledged_write(make_server, backend: str) -> None:  # type: ignore[no-untyped-def]
    server = make_server()
    attempted: list[str] = []
    acknowledged: list[str] = []

    def write_until_killed() -> None:
        with requests.Session() as session:
            for _ in range(MAX_BATCHES):
                batch_id = unique("crash")
                attempted.append(batch_id)
                try:
                    reply = session.post(
                        f"{server.url}/aspects?action=ingestProposalBatch", json={"proposals": _proposals(batch_id)}, timeout=120
                    )
                except requests.RequestException:
                    return
                if reply.status_code != 200:
                    return
                acknowledged.append(batch_id)

    writer = threading.Thread(target=write_until_killed)
    writer.start()
    deadline = time.monotonic() + 120
    while len(acknowledged) < 3 and writer.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)  # the next batch is on its way in
    server.kill()
    writer.join(60)
    assert len(acknowledged) >= 3
    assert len(attempted) > len(acknowledged), "the kill should interrupt a batch in flight"

    restarted = make_server(server.database_url)
    for batch_id in attempted:
        aspects, changes = _counts(server.database_url, batch_id)
        if batch_id in acknowledged:
            assert (aspects, changes) == (BATCH, 2 * BATCH), batch_id
        else:
            assert (aspects, changes) in {(0, 0), (BATCH, 2 * BATCH)}, f"batch {batch_id} half applied: {aspects}, {changes}"
    last = f"urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,{acknowledged[-1]}-{BATCH - 1},PROD)"
    reply = requests.get(f"{restarted.url}/aspects/{encoded(last)}", params={"aspect": "mlModelGroupProperties"})
    assert reply.status_code == 200

    if backend == "sqlite":
        with sqlite3.connect(make_url(server.database_url).database) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
