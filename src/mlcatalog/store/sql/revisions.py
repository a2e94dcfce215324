"""The newest schema revisions, read from the migration files without importing Alembic.

Alembic (with Mako and Pygments behind it) takes about a fifth of a second to import; a server
restarting on a database that is already up to date needs none of it. Files it cannot read
simply (dependencies, branch labels, computed values) make ``script_heads`` give up, and the
caller runs Alembic as before.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

_FIELDS = {"revision", "down_revision", "branch_labels", "depends_on"}


@cache
def script_heads(versions: Path) -> frozenset[str] | None:
    """Revisions no other revision builds on; None when a file is not the plain form."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted(versions.glob("*.py")):
        if path.name == "__init__.py":
            continue
        fields = _fields(path)
        if fields is None or not isinstance(fields.get("revision"), str):
            return None
        if fields.get("branch_labels") is not None or fields.get("depends_on") is not None:
            return None
        down = fields.get("down_revision")
        downs = (down,) if isinstance(down, str) else down if isinstance(down, tuple) else ()
        if down is not None and not all(isinstance(d, str) for d in downs):
            return None
        revisions.add(fields["revision"])
        parents.update(downs)
    return frozenset(revisions - parents) or None


def _fields(path: Path) -> dict[str, object] | None:
    found: dict[str, object] = {}
    try:
        tree = ast.parse(path.read_text())
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if isinstance(target, ast.Name) and target.id in _FIELDS and node.value is not None:  # type: ignore[attr-defined]
            try:
                found[target.id] = ast.literal_eval(node.value)  # type: ignore[attr-defined]
            except ValueError:
                return None
    return found
