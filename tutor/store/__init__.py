"""Persistence: SQLAlchemy models, Alembic migrations, and the unit of work."""
