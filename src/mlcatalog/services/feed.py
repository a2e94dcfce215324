"""The change feed: committed changes as DataHub MetadataChangeLog events, pages, and signed webhooks.

Every committed change already has a row in ``metadata_change_log`` (written in the change's own
transaction), so the feed needs no broker: readers page by sequence number, and each webhook keeps a
cursor that advances only after its receiver acknowledged an event — at-least-once, in order, and
resumable after a restart. A lease lets exactly one server process deliver a given webhook.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from mlcatalog.errors import InvalidInput, NotFound
from mlcatalog.registry.entities import EntityRegistry
from mlcatalog.services.proposals import CHANGE_TYPES, SYSTEM_ACTOR
from mlcatalog.store.base import ChangeRecord
from mlcatalog.store.sql.feed import FeedStore, Webhook
from mlcatalog.store.sql.store import SqlStore

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-MLCatalog-Signature"
SEQUENCE_HEADER = "X-MLCatalog-Sequence"
MAX_PAGE = 1000
MAX_BACKOFF_MS = 60_000


def change_event(seq: int, change: ChangeRecord) -> dict[str, Any]:
    """A change-log row in DataHub's MetadataChangeLog shape, with its sequence number."""
    event: dict[str, Any] = {
        "entityType": change.entity_type,
        "entityUrn": change.urn,
        "changeType": change.change_type,
        "aspectName": change.aspect,
        "created": {"time": change.created_on, "actor": change.actor},
    }
    if change.value is not None:
        event["aspect"] = {"value": json.dumps(change.value), "contentType": "application/json"}
    if change.previous_value is not None:
        event["previousAspectValue"] = {"value": json.dumps(change.previous_value), "contentType": "application/json"}
    if change.system_metadata is not None:
        event["systemMetadata"] = change.system_metadata
    return {"sequence": seq, "event": event}


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class FeedService:
    def __init__(self, store: SqlStore, registry: EntityRegistry) -> None:
        self.store = store
        self.registry = registry
        self.webhook_store = FeedStore(store.db)

    def events(self, after: int, limit: int) -> dict[str, Any]:
        if after < 0 or not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"after/limit: after must be >= 0 and limit between 1 and {MAX_PAGE}", field="limit")
        events = [change_event(seq, change) for seq, change in self.store.changes(after, limit)]
        next_after = events[-1]["sequence"] if events else after
        return {"events": events, "nextAfter": next_after, "latestSequence": self.store.latest_sequence()}

    def add_webhook(self, body: Any, actor: str = SYSTEM_ACTOR) -> Webhook:
        if not isinstance(body, dict):
            raise InvalidInput("body: expected an object with url and secret", field="body")
        url, secret = body.get("url"), body.get("secret")
        if not isinstance(url, str) or urlparse(url).scheme not in {"http", "https"} or not urlparse(url).netloc:
            raise InvalidInput("url: an http(s) URL is required", field="url")
        if not isinstance(secret, str) or len(secret) < 8:
            raise InvalidInput("secret: a shared secret of at least 8 characters is required", field="secret")
        filters = {
            "entity_types": self._names(body, "entityTypes", set(self.registry.entities)),
            "aspects": self._names(body, "aspects", set(self.registry.aspects)),
            "change_types": self._names(body, "changeTypes", set(CHANGE_TYPES)),
        }
        start = body.get("fromSequence")
        if start is None:
            start = self.store.latest_sequence()
        if not isinstance(start, int) or start < 0:
            raise InvalidInput("fromSequence: a sequence number >= 0 is required", field="fromSequence")
        return self.webhook_store.add_webhook(url, secret, filters, int(time.time() * 1000), actor, start)

    @staticmethod
    def _names(body: dict[str, Any], key: str, known: set[str]) -> list[str] | None:
        value = body.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InvalidInput(f"{key}: expected a list of names", field=key)
        unknown = sorted(set(value) - known)
        if unknown:
            raise InvalidInput(f"{key}: unknown {', '.join(unknown)}", field=key)
        return value

    def webhooks(self) -> list[Webhook]:
        return self.webhook_store.webhooks()

    def remove_webhook(self, webhook_id: int) -> None:
        if not self.webhook_store.remove_webhook(webhook_id):
            raise NotFound(f"webhook {webhook_id} not found")

    def deliveries(self, webhook_id: int) -> list[dict[str, Any]]:
        if self.webhook_store.webhook(webhook_id) is None:
            raise NotFound(f"webhook {webhook_id} not found")
        return self.webhook_store.deliveries(webhook_id)


class WebhookDeliverer:
    """A background thread that pushes new events to every webhook, in order, with retries."""

    def __init__(self, feed: FeedService, poll_seconds: float = 0.5, lease_ms: int = 15_000, timeout: float = 5.0) -> None:
        self.feed = feed
        self.owner = uuid.uuid4().hex
        self.poll_seconds = poll_seconds
        self.lease_ms = lease_ms
        self.timeout = timeout
        self._session: requests.Session | None = None  # made in the thread: importing requests costs start-up time
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhook-deliverer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # keep delivering after a database hiccup; the cursor is durable
                log.exception("webhook delivery round failed")
            self._stop.wait(self.poll_seconds)

    def run_once(self) -> None:
        for hook in self.feed.webhook_store.webhooks():
            now = int(time.time() * 1000)
            if hook.next_attempt_on > now:
                continue
            leased = self.feed.webhook_store.lease(hook.id, self.owner, now, self.lease_ms)
            if leased is not None:
                self._deliver(leased)

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            import requests

            self._session = requests.Session()
        return self._session

    def _deliver(self, hook: Webhook) -> None:
        import requests

        attempts = hook.attempts
        for seq, change in self.feed.store.changes(hook.last_seq, 100):
            if self._stop.is_set():
                return
            if not hook.wants(change.entity_type, change.aspect, change.change_type):
                self.feed.webhook_store.skip_to(hook.id, seq)
                continue
            body = json.dumps(change_event(seq, change)).encode()
            headers = {
                "Content-Type": "application/json",
                SIGNATURE_HEADER: sign(hook.secret, body),
                SEQUENCE_HEADER: str(seq),
                "X-MLCatalog-Webhook": str(hook.id),
            }
            status, error = None, None
            try:
                reply = self.session.post(hook.url, data=body, headers=headers, timeout=self.timeout)
                status = reply.status_code
                error = None if 200 <= status < 300 else reply.text[:500]
            except requests.RequestException as exc:
                error = str(exc)[:500]
            attempts += 1
            now = int(time.time() * 1000)
            if error is None:
                self.feed.webhook_store.record(hook.id, seq, attempts, now, status, None, True, advance_to=seq)
                attempts = 0
                continue
            backoff = min(500 * 2 ** (attempts - 1), MAX_BACKOFF_MS)
            self.feed.webhook_store.record(hook.id, seq, attempts, now, status, error, False, next_attempt_on=now + backoff)
            return
