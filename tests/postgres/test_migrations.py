"""`mlcatalog db upgrade` and startup migrations on both backends."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import requests
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from mlcatalog.store.sql.database import MIGRATIONS
from tests.compat.helpers import encoded
from tests.postgres.http import aspect, ingest_batch, mcp
from tests.postgres.schema import code_heads
from tests.support.databases import temporary_database
from tests.support.server import ServerProcess

GROUP = "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,legacy-group,PROD)"
MODEL = "urn:li:mlModel:(urn:li:dataPlatform:mlflow,legacy-model,PROD)"


def _alembic(url: str, target: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(url)
    with engine.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, target)
        conn.commit()
    engine.dispose()


def _revisions(url: str) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    engine.dispose()
    return found


def _seed_revision_0001(url: str) -> None:
    """Rows as a server at revision 0001 wrote them: a group with history, a member model, an edge."""
    when = datetime(2026, 1, 2, 3, 4, 5)
    rows = [
        (GROUP, "mlModelGroupKey", 0, '{"platform":"urn:li:dataPlatform:mlflow","name":"legacy-group","origin":"PROD"}'),
        (GROUP, "mlModelGroupProperties", 0, '{"customProperties":{},"description":"second"}'),
        (GROUP, "mlModelGroupProperties", 1, '{"customProperties":{},"description":"first"}'),
        (MODEL, "mlModelKey", 0, '{"platform":"urn:li:dataPlatform:mlflow","name":"legacy-model","origin":"PROD"}'),
        (MODEL, "mlModelProperties", 0, f'{{"customProperties":{{}},"groups":["{GROUP}"]}}'),
    ]
    engine = create_engine(url)
    with engine.begin() as conn:
        for urn, name, version, metadata in rows:
            conn.execute(
                text(
                    "INSERT INTO metadata_aspect_v2 (urn, aspect, version, metadata, systemmetadata, createdon, createdby)"
                    " VALUES (:urn, :aspect, :version, :metadata, '{\"runId\":\"legacy\"}', :createdon, 'urn:li:corpuser:old')"
                ),
                {"urn": urn, "aspect": name, "version": version, "metadata": metadata, "createdon": when},
            )
        conn.execute(
            text(
                "INSERT INTO metadata_edge (source_urn, aspect, relationship, destination_urn, is_lineage, is_upstream)"
                " VALUES (:source, 'mlModelProperties', 'MemberOf', :destination, false, true)"
            ),
            {"source": MODEL, "destination": GROUP},
        )
    engine.dispose()


def _db_upgrade(url: str) -> subprocess.CompletedProcess[str]:
    command_line = [sys.executable, "-m", "mlcatalog", "db", "upgrade", "--database", url]
    return subprocess.run(command_line, capture_output=True, text=True, timeout=120, check=False)


def test_db_upgrade_migrates_a_revision_0001_catalog_in_place(
    backend: str, tmp_path: Path, make_server: Callable[..., ServerProcess]
) -> None:
    with temporary_database(backend, tmp_path) as url:
        _alembic(url, "0001")
        _seed_revision_0001(url)

        upgraded = _db_upgrade(url)
        assert upgraded.returncode == 0, upgraded.stderr
        assert "up to date" in upgraded.stdout
        assert _revisions(url) == code_heads()
        assert _db_upgrade(url).returncode == 0 and _revisions(url) == code_heads()  # again: nothing to do

        proc = make_server(url)
        assert aspect(proc.url, GROUP, "mlModelGroupProperties") == {"customProperties": {}, "description": "second"}
        assert aspect(proc.url, GROUP, "mlModelGroupProperties", 1) == {"customProperties": {}, "description": "first"}
        related = requests.get(
            f"{proc.url}/relationships", params={"urn": GROUP, "direction": "INCOMING", "types": "MemberOf"}, timeout=30
        ).json()
        assert [r["entity"] for r in related["relationships"]] == [MODEL]
        change = mcp(GROUP, "mlModelGroupProperties", {"customProperties": {}, "description": "third"}, "mlModelGroup")
        assert ingest_batch(requests.Session(), proc.url, [change]).status_code == 200
        assert aspect(proc.url, GROUP, "mlModelGroupProperties", 2) == {"customProperties": {}, "description": "second"}
        entity = requests.get(f"{proc.url}/entitiesV2/{encoded(GROUP)}", timeout=30).json()
        assert entity["aspects"]["mlModelGroupProperties"]["value"]["description"] == "third"


_MIGRATE_AFTER_BARRIER = """
import sys, time
from pathlib import Path
from mlcatalog.store.sql import open_store
Path(sys.argv[2]).touch()
while not Path(sys.argv[3]).exists():
    time.sleep(0.01)
open_store(sys.argv[1]).close()
"""


def test_processes_starting_together_on_an_empty_database_all_migrate(backend: str, tmp_path: Path) -> None:
    """Four processes released at the same instant: each must come up, none may trip over another's tables."""
    go = tmp_path / "go"
    with temporary_database(backend, tmp_path) as url:
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", _MIGRATE_AFTER_BARRIER, url, str(tmp_path / f"ready-{n}"), str(go)],
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(4)
        ]
        deadline = time.monotonic() + 120
        while not all((tmp_path / f"ready-{n}").exists() for n in range(4)) and time.monotonic() < deadline:
            time.sleep(0.05)
        go.touch()
        failures = [p.communicate(timeout=120)[1] for p in processes if p.wait(timeout=120) != 0]
        assert failures == []
        assert _revisions(url) == code_heads()
