"""Whether the database schema is already at the newest Alembic revision: a cheap check, so that a process (or a
test) starting on a migrated database skips running the migrations. Alembic itself (a fifth of a second to import)
is loaded only when there is something to migrate."""

from __future__ import annotations

import re
from functools import cache

from sqlalchemy import Engine, inspect, text

from tutor.store.db import MIGRATIONS

_ASSIGNED = re.compile(r"^(revision|down_revision)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|None)\s*$", re.MULTILINE)


@cache
def heads() -> frozenset[str]:
    """The revisions no other migration revises, read from the migration files' ``revision = ...`` lines (the same
    answer as Alembic's ``ScriptDirectory.get_heads``: a test holds them equal)."""
    revisions, revised = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = {m.group(1): m.group(2) or m.group(3) for m in _ASSIGNED.finditer(path.read_text(encoding="utf-8"))}
        if found.get("revision"):
            revisions.add(found["revision"])
        if found.get("down_revision"):
            revised.add(found["down_revision"])
    return frozenset(revisions - revised)


def at_head(engine: Engine) -> bool:
    """True when the database's Alembic revision is the newest one (False on an empty database)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        current = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    return bool(current) and current == heads()
