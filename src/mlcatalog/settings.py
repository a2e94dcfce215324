"""Configuration from flags and the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 8080


def default_database_url() -> str:
    data_dir = Path(os.environ.get("MLCATALOG_HOME", Path.home() / ".mlcatalog"))
    return f"sqlite:///{data_dir / 'catalog.db'}"


@dataclass(frozen=True)
class Settings:
    database_url: str
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    deliver_webhooks: bool = True

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "database_url": os.environ.get("MLCATALOG_DATABASE_URL") or default_database_url(),
            "host": os.environ.get("MLCATALOG_HOST", "127.0.0.1"),
            "port": int(os.environ.get("MLCATALOG_PORT", DEFAULT_PORT)),
            "deliver_webhooks": os.environ.get("MLCATALOG_DELIVER_WEBHOOKS", "true").lower() != "false",
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)  # type: ignore[arg-type]
