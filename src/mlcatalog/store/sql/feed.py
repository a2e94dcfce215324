"""Webhook registrations, delivery cursors with leases, and the delivery log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select, update

from mlcatalog.store.sql import tables
from mlcatalog.store.sql.codec import dumps, loads
from mlcatalog.store.sql.database import Database

_W = tables.webhooks
_D = tables.webhook_deliveries


@dataclass(frozen=True)
class Webhook:
    id: int
    url: str
    secret: str
    entity_types: list[str] | None
    aspects: list[str] | None
    change_types: list[str] | None
    created_on: int
    created_by: str
    last_seq: int
    attempts: int
    next_attempt_on: int

    def wants(self, entity_type: str, aspect: str, change_type: str) -> bool:
        return all(
            allowed is None or value in allowed
            for allowed, value in ((self.entity_types, entity_type), (self.aspects, aspect), (self.change_types, change_type))
        )

    def public(self) -> dict[str, Any]:
        """Everything but the secret."""
        return {
            "id": self.id,
            "url": self.url,
            "entityTypes": self.entity_types,
            "aspects": self.aspects,
            "changeTypes": self.change_types,
            "createdOn": self.created_on,
            "createdBy": self.created_by,
            "lastDeliveredSequence": self.last_seq,
            "failedAttempts": self.attempts,
        }


def _webhook(row: Any) -> Webhook:
    return Webhook(
        row.id,
        row.url,
        row.secret,
        loads(row.entity_types),
        loads(row.aspects),
        loads(row.change_types),
        row.created_on,
        row.created_by,
        row.last_seq,
        row.attempts,
        row.next_attempt_on,
    )


class FeedStore:
    def __init__(self, database: Database) -> None:
        self.db = database

    def add_webhook(
        self, url: str, secret: str, filters: dict[str, list[str] | None], now_ms: int, actor: str, start_after: int
    ) -> Webhook:
        values = {
            "url": url,
            "secret": secret,
            "entity_types": dumps(filters.get("entity_types")),
            "aspects": dumps(filters.get("aspects")),
            "change_types": dumps(filters.get("change_types")),
            "created_on": now_ms,
            "created_by": actor,
            "last_seq": start_after,
            "attempts": 0,
            "next_attempt_on": 0,
            "lease_until": 0,
        }
        with self.db.write() as conn:
            new_id = conn.execute(insert(_W).values(**values).returning(_W.c.id)).scalar_one()
            row = conn.execute(select(_W).where(_W.c.id == new_id)).one()
        return _webhook(row)

    def webhooks(self) -> list[Webhook]:
        with self.db.read() as conn:
            return [_webhook(row) for row in conn.execute(select(_W).order_by(_W.c.id))]

    def webhook(self, webhook_id: int) -> Webhook | None:
        with self.db.read() as conn:
            row = conn.execute(select(_W).where(_W.c.id == webhook_id)).first()
        return None if row is None else _webhook(row)

    def remove_webhook(self, webhook_id: int) -> bool:
        with self.db.write() as conn:
            conn.execute(delete(_D).where(_D.c.webhook_id == webhook_id))
            return conn.execute(delete(_W).where(_W.c.id == webhook_id)).rowcount > 0

    def lease(self, webhook_id: int, owner: str, now_ms: int, lease_ms: int) -> Webhook | None:
        """Take (or renew) the right to deliver this webhook, so one process delivers it at a time."""
        free = or_(_W.c.lease_until < now_ms, _W.c.lease_owner == owner)
        with self.db.write() as conn:
            taken = conn.execute(
                update(_W).where(and_(_W.c.id == webhook_id, free)).values(lease_owner=owner, lease_until=now_ms + lease_ms)
            ).rowcount
            row = conn.execute(select(_W).where(_W.c.id == webhook_id)).first() if taken else None
        return None if row is None else _webhook(row)

    def record(
        self,
        webhook_id: int,
        seq: int,
        attempt: int,
        now_ms: int,
        status_code: int | None,
        error: str | None,
        succeeded: bool,
        next_attempt_on: int = 0,
        advance_to: int | None = None,
    ) -> None:
        """Log one delivery attempt and move the webhook's cursor/backoff in the same transaction."""
        with self.db.write() as conn:
            conn.execute(
                insert(_D).values(
                    webhook_id=webhook_id,
                    seq=seq,
                    attempt=attempt,
                    delivered_on=now_ms,
                    status_code=status_code,
                    error=error,
                    succeeded=succeeded,
                )
            )
            values: dict[str, Any] = {"attempts": 0 if succeeded else attempt, "next_attempt_on": next_attempt_on}
            if advance_to is not None:
                values["last_seq"] = advance_to
            conn.execute(update(_W).where(_W.c.id == webhook_id).values(**values))

    def skip_to(self, webhook_id: int, seq: int) -> None:
        """Move past events the webhook's filters do not want."""
        with self.db.write() as conn:
            conn.execute(update(_W).where(_W.c.id == webhook_id, _W.c.last_seq < seq).values(last_seq=seq))

    def deliveries(self, webhook_id: int, limit: int = 100) -> list[dict[str, Any]]:
        query = select(_D).where(_D.c.webhook_id == webhook_id).order_by(_D.c.id.desc()).limit(limit)
        with self.db.read() as conn:
            rows = conn.execute(query).all()
        return [
            {
                "sequence": r.seq,
                "attempt": r.attempt,
                "deliveredOn": r.delivered_on,
                "statusCode": r.status_code,
                "error": r.error,
                "succeeded": r.succeeded,
            }
            for r in rows
        ]
