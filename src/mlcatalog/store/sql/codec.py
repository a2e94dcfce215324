"""Row <-> record conversion: JSON text columns and DataHub's datetime ``createdon``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row

from mlcatalog.store.base import AspectRecord, ChangeRecord


def dumps(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def ms_to_datetime(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).replace(tzinfo=None)


def datetime_to_ms(value: datetime) -> int:
    return int(value.replace(tzinfo=UTC).timestamp() * 1000)


def aspect_row(record: AspectRecord) -> dict[str, Any]:
    return {
        "urn": record.urn,
        "aspect": record.aspect,
        "version": record.version,
        "metadata": dumps(record.value),
        "systemmetadata": dumps(record.system_metadata),
        "createdon": ms_to_datetime(record.created_on),
        "createdby": record.created_by,
    }


def aspect_record(row: Row[Any]) -> AspectRecord:
    return AspectRecord(
        urn=row.urn,
        aspect=row.aspect,
        version=row.version,
        value=loads(row.metadata),
        system_metadata=loads(row.systemmetadata),
        created_on=datetime_to_ms(row.createdon),
        created_by=row.createdby,
    )


def change_record(row: Row[Any]) -> ChangeRecord:
    return ChangeRecord(
        urn=row.urn,
        entity_type=row.entity_type,
        aspect=row.aspect,
        change_type=row.change_type,
        version=row.version,
        created_on=row.created_on,
        actor=row.actor,
        value=loads(row.metadata),
        previous_value=loads(row.previous_metadata),
        system_metadata=loads(row.systemmetadata),
    )
