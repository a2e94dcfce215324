"""Start-up work kept off the path to the first answer: heavy imports, migrations, schema builds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from graphql import GraphQLError

from mlcatalog.api.graphql import build_schema
from mlcatalog.api.graphql.documents import parse_document, query_validator
from mlcatalog.store.sql.database import MIGRATIONS, Database
from mlcatalog.store.sql.revisions import script_heads

LAZY = ("alembic", "graphql", "ariadne", "requests", "datahub.ingestion.graph.client")


def test_serving_imports_none_of_the_lazy_modules() -> None:
    """Each of these cost 0.1-0.2 s of every server start; they load when first needed."""
    code = f"import sys, mlcatalog.cli, mlcatalog.app; print(' '.join(m for m in {LAZY!r} if m in sys.modules))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert found == []


def test_migration_heads_read_from_the_files_match_alembic() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert script_heads(MIGRATIONS / "versions") == set(ScriptDirectory.from_config(config).get_heads())


def test_a_database_is_at_heads_only_once_migrated(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'catalog.db'}")
    assert not database.at_heads()  # no schema: Alembic runs
    database.migrate()
    assert database.at_heads()
    head = sorted(script_heads(MIGRATIONS / "versions") or ())[0]
    with database.engine.begin() as conn:  # one branch behind its head: Alembic runs again
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001' WHERE version_num = ?", (head,))
    assert not database.at_heads()
    database.close()


def test_unusual_migration_files_fall_back_to_alembic(tmp_path: Path) -> None:
    (tmp_path / "0001_a.py").write_text('revision = "a"\ndown_revision = None\n')
    (tmp_path / "0002_b.py").write_text('revision = "b"\ndown_revision = "a"\ndepends_on = "x"\n')
    assert script_heads(tmp_path) is None
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "0001_a.py").write_text('revision = "a"\ndown_revision = None\n')
    (plain / "0002_b.py").write_text('revision: str = "b"\ndown_revision = ("a",)\n')
    assert script_heads(plain) == {"b"}


def test_parsed_documents_are_shared_and_failures_are_not_kept() -> None:
    query = "query probe($urn: String!) { entity(urn: $urn) { urn } }"
    assert parse_document(query) is parse_document(query)
    for _ in range(2):
        with pytest.raises(GraphQLError, match="Syntax Error"):
            parse_document("query { entity(")
    schema = build_schema()
    assert query_validator(schema, parse_document(query)) == []
    assert query_validator(schema, parse_document(query)) == []
    wrong = parse_document("query { noSuchField }")
    for _ in range(2):  # an invalid document is refused every time, with its reason
        errors = query_validator(schema, wrong)
        assert errors and "noSuchField" in errors[0].message


def test_sqlite_migrations_run_in_one_transaction(tmp_path: Path) -> None:
    """Committed step by step, a second server starting at the same moment could plan from a
    half-migrated schema and repeat a step ("duplicate column name"); one transaction holds it off."""
    from sqlalchemy import event

    database = Database(f"sqlite:///{tmp_path / 'catalog.db'}")
    commits: list[object] = []
    event.listen(database.engine, "commit", commits.append)
    database.migrate()
    assert database.at_heads()
    assert len(commits) == 1
    database.close()
