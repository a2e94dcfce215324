"""Configuration from flags and the environment."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from mlcatalog.limits import Limits
from mlcatalog.store.sql.pool import PoolSettings

DEFAULT_PORT = 8080


def default_database_url() -> str:
    data_dir = Path(os.environ.get("MLCATALOG_HOME", Path.home() / ".mlcatalog"))
    return f"sqlite:///{data_dir / 'catalog.db'}"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _env_flag(name: str) -> bool | None:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return None
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name}: expected true or false, got {raw!r}")


@dataclass(frozen=True)
class Settings:
    database_url: str
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    auth: bool | None = None  # None: on whenever the server listens beyond loopback
    limits: Limits = field(default_factory=Limits)
    pool: PoolSettings = field(default_factory=PoolSettings)
    deliver_webhooks: bool = True
    retention_max_versions: int = 0  # versions kept per aspect, the latest included; 0 keeps all

    @property
    def auth_enabled(self) -> bool:
        return self.auth if self.auth is not None else not is_loopback(self.host)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "database_url": os.environ.get("MLCATALOG_DATABASE_URL") or default_database_url(),
            "host": os.environ.get("MLCATALOG_HOST", "127.0.0.1"),
            "port": int(os.environ.get("MLCATALOG_PORT", DEFAULT_PORT)),
            "auth": _env_flag("MLCATALOG_AUTH"),
            "limits": Limits.from_env(),
            "pool": PoolSettings.from_env(),
            "deliver_webhooks": os.environ.get("MLCATALOG_DELIVER_WEBHOOKS", "true").lower() != "false",
            "retention_max_versions": int(os.environ.get("MLCATALOG_RETENTION_MAX_VERSIONS", 0)),
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)  # type: ignore[arg-type]
