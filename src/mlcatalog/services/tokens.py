"""Access tokens: issue (shown once), authenticate, list and revoke.

Tokens are 256 random bits, so a plain SHA-256 is enough to keep them safe at rest (a slow
password hash buys nothing against a secret that cannot be guessed) and keeps the lookup that
every request makes cheap. Nothing is cached: each request reads the store, so a revocation
holds from the next request on, in every server process.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mlcatalog.errors import InvalidInput, NotFound, Unauthenticated
from mlcatalog.store.tokens import TokenRecord, TokenStore

ROLES = ("reader", "editor", "admin")
TOKEN_PREFIX = "mlc_"
_USER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")
_DURATION = re.compile(r"^(\d+)\s*([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class Principal:
    """Who a request acts as."""

    user: str
    role: str
    token_id: str

    @property
    def actor(self) -> str:
        return f"urn:li:corpuser:{self.user}"

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class IssuedToken:
    token: str  # the only time the secret exists outside the client
    record: TokenRecord


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_duration(text: str) -> timedelta:
    """``30d``, ``12h``, ``2w``, ``90m``, ``45s``."""
    match = _DURATION.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise InvalidInput(f"expires: expected a duration such as 30d, 12h or 2w, got {text!r}", field="expires")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def format_ms(ms: int | None) -> str:
    if ms is None:
        return "never"
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_of(record: TokenRecord, now_ms: int) -> str:
    if record.revoked_on is not None:
        return "revoked"
    if record.expires_on is not None and record.expires_on <= now_ms:
        return "expired"
    return "active"


class TokenService:
    def __init__(self, store: TokenStore, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.clock = clock

    def _now_ms(self) -> int:
        return int(self.clock() * 1000)

    def create(self, user: str, role: str, expires_in: timedelta | None = None, created_by: str = "cli") -> IssuedToken:
        if not isinstance(user, str) or not _USER.match(user):
            raise InvalidInput(
                "user: 1-128 characters of letters, digits and . _ @ + -, starting with a letter or digit", field="user"
            )
        if role not in ROLES:
            raise InvalidInput(f"role: expected one of {', '.join(ROLES)}, got {role!r}", field="role")
        now = self._now_ms()
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        record = TokenRecord(
            id=secrets.token_hex(6),
            user=user,
            role=role,
            token_hash=hash_token(token),
            created_on=now,
            expires_on=None if expires_in is None else now + int(expires_in.total_seconds() * 1000),
            revoked_on=None,
            created_by=created_by,
        )
        self.store.add(record)
        return IssuedToken(token, record)

    def authenticate(self, token: str) -> Principal:
        record = self.store.by_hash(hash_token(token))
        if record is None:
            raise Unauthenticated("invalid token: it was not issued by this catalog")
        status = status_of(record, self._now_ms())
        if status == "revoked":
            raise Unauthenticated(f"token {record.id} was revoked at {format_ms(record.revoked_on)}")
        if status == "expired":
            raise Unauthenticated(f"token {record.id} expired at {format_ms(record.expires_on)}")
        return Principal(record.user, record.role, record.id)

    def list(self) -> list[tuple[TokenRecord, str]]:
        now = self._now_ms()
        return [(record, status_of(record, now)) for record in self.store.all()]

    def revoke(self, token_id: str) -> TokenRecord:
        record = self.store.revoke(token_id, self._now_ms())
        if record is None:
            raise NotFound(f"token {token_id!r} not found", field="id")
        return record
