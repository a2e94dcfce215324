"""The token store contract: access tokens are kept only as hashes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class TokenRecord:
    id: str
    user: str
    role: str
    token_hash: str  # SHA-256 hex of the token; the token itself is never stored
    created_on: int  # epoch milliseconds
    expires_on: int | None
    revoked_on: int | None
    created_by: str


class TokenStore(Protocol):
    def add(self, record: TokenRecord) -> None: ...

    def by_hash(self, token_hash: str) -> TokenRecord | None: ...

    def all(self) -> list[TokenRecord]: ...

    def revoke(self, token_id: str, now_ms: int) -> TokenRecord | None: ...
