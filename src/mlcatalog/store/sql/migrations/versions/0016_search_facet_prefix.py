"""SQLite: facet tokens share one six-letter prefix.

FTS5 adds a prefix-index entry of every configured length (2 to 6) for each token it indexes. The
some 25 facet tokens of a document were distinct hashes (``f`` and digits), so they added about 125
distinct prefix terms per document that no query reads, a sixth of what indexing wrote. Tokens are
now ``FACET_PREFIX`` (``qxqxqx``) and the same digits: their prefix entries fall on five shared
terms. A query word that could reach a facet token is searched in the text columns only, so typed
words never match one (``f1`` used to match nearly every entity). FTS5 tables cannot be altered in
place: the table is rebuilt from its own content, rewriting each token's first letter. PostgreSQL
has no facet tokens.

Revision ID: 0016_search_facet_prefix
Revises: 0015_pg_search_topk
Create Date: 2026-11-27
"""

from alembic import op
from sqlalchemy import text

revision = "0016_search_facet_prefix"
down_revision = "0015_pg_search_topk"
branch_labels = None
depends_on = None

FTS = "fts5(name, description, other, facets, tokenize='porter unicode61', prefix='2 3 4 5 6')"
OLD, NEW = "f", "qxqxqx"


def _rebuild(old_prefix: str, new_prefix: str) -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    conn.execute(text("CREATE VIRTUAL TABLE search_fts_new USING " + FTS))
    conn.execute(
        text(
            "INSERT INTO search_fts_new (rowid, name, description, other, facets) "
            "SELECT rowid, name, description, other, substr(replace(' ' || facets, :old, :new), 2) FROM search_fts"
        ),
        {"old": " " + old_prefix, "new": " " + new_prefix},
    )
    conn.execute(text("DROP TABLE search_fts"))
    conn.execute(text("ALTER TABLE search_fts_new RENAME TO search_fts"))


def upgrade() -> None:
    _rebuild(OLD, NEW)


def downgrade() -> None:
    _rebuild(NEW, OLD)
