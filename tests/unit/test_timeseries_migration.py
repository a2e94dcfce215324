"""Revision 0008 moves timeseries aspects that older databases kept as versions into metadata_timeseries."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import insert, select

from mlcatalog.store.sql import tables
from mlcatalog.store.sql.database import MIGRATIONS, Database
from mlcatalog.store.sql.store import SqlStore
from tests.support.databases import temporary_database

JOB = "urn:li:dataJob:(urn:li:dataFlow:(datahub,p,prod),stale_entity_removal)"


def _upgrade_to(database: Database, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        conn.commit()


def test_versioned_timeseries_rows_become_points(backend: str, tmp_path: Path) -> None:
    checkpoint = {"timestampMillis": 1700, "pipelineName": "p", "platformInstanceId": "", "config": "", "runId": "r"}
    with temporary_database(backend, tmp_path) as url:
        database = Database(url)
        try:
            _upgrade_to(database, "0001")
            row = {
                "urn": JOB,
                "version": 0,
                "systemmetadata": None,
                "createdby": "urn:li:corpuser:datahub",
                "createdon": datetime(2026, 1, 1),
            }
            with database.write() as conn:
                conn.execute(
                    insert(tables.aspects),
                    [
                        {**row, "aspect": "datahubIngestionCheckpoint", "metadata": json.dumps(checkpoint)},
                        {**row, "aspect": "status", "metadata": json.dumps({"removed": True})},
                    ],
                )
            database.migrate()
            store = SqlStore(database)
            [point] = store.timeseries(JOB, "datahubIngestionCheckpoint", None, None, 0, 10)
            assert (point.timestamp_ms, point.value["runId"], point.entity_type) == (1700, "r", "dataJob")
            with database.read() as conn:
                left = conn.execute(select(tables.aspects.c.aspect).where(tables.aspects.c.urn == JOB)).scalars().all()
            assert left == ["status"]
        finally:
            database.close()
