"""Whether the database schema is already at the newest Alembic revision: a cheap check, so that a process (or a
test) starting on a migrated database skips running the migrations."""

from __future__ import annotations

from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from tutor.store.db import MIGRATIONS


def _heads() -> set[str]:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return set(ScriptDirectory.from_config(cfg).get_heads())


def at_head(engine: Engine) -> bool:
    """True when the database's Alembic revision is the newest one (False on an empty database)."""
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return bool(current) and current == _heads()
