"""Alembic environment: runs on the connection the tutor hands over, or on TUTOR_DATABASE_URL."""

from alembic import context
from sqlalchemy import create_engine

from tutor.settings import Settings
from tutor.store.models import Base

config = context.config
connection = config.attributes.get("connection")

if connection is None:
    engine = create_engine(Settings().resolved_database_url())
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
