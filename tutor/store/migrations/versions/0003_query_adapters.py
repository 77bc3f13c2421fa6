"""query adapters

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

import tutor.store.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "query_adapters",
        sa.Column("embedder", sa.String(length=256), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("matrix", sa.LargeBinary(), nullable=False),
        sa.Column("questions", sa.Integer(), nullable=False),
        sa.Column("fitted_at", tutor.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("embedder"),
    )


def downgrade() -> None:
    op.drop_table("query_adapters")
