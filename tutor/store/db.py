"""Engine, migrations and sessions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


CONNECT_TIMEOUT_S = 5
STATEMENT_TIMEOUT_S = 30


def make_engine(url: str) -> Engine:
    """Create the engine. Parameters never reach logs or exceptions (they hold learners' texts). SQLite gets foreign
    keys and a busy timeout so concurrent writers wait; PostgreSQL gets connect, statement and TCP timeouts, so a
    frozen server turns into an error reply rather than a learner waiting forever."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA secure_delete=ON")  # erased learners' texts are overwritten, not left in free pages
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    connect_args = {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "options": f"-c statement_timeout={STATEMENT_TIMEOUT_S * 1000}",
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": STATEMENT_TIMEOUT_S * 1000,
    }
    return create_engine(
        url, pool_pre_ping=True, hide_parameters=True, connect_args=connect_args, pool_timeout=STATEMENT_TIMEOUT_S
    )


def redacted_url(url: str) -> str:
    """The database URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unreadable URL)"


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def upsert_insert(session: Session, table: Any) -> Any:
    """An INSERT with ``on_conflict_do_nothing`` in the session's dialect (PostgreSQL or SQLite)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)
