"""One SQL implementation of the store contract, over SQLAlchemy Core (SQLite and PostgreSQL)."""

from mlcatalog.store.sql.store import SqlStore, open_store

__all__ = ["SqlStore", "open_store"]
