"""The schema revisions this code migrates to (every Alembic head)."""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory

from mlcatalog.store.sql.database import MIGRATIONS


def code_heads() -> set[str]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return set(ScriptDirectory.from_config(config).get_heads())
