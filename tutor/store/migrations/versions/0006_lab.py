"""the lab's labels and runs

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import tutor.store.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lab_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=24), nullable=False),
        sa.Column("nonce", sa.String(length=12), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("fix", sa.String(length=16), nullable=True),
        sa.Column("accuracy", sa.Float(), nullable=True),
        sa.Column("fixed_accuracy", sa.Float(), nullable=True),
        sa.Column("started_at", tutor.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tutor.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("learner_id", "task_id", name="uq_lab_run_learner_task"),
    )
    op.create_table(
        "lab_labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=24), nullable=False),
        sa.Column("example_id", sa.String(length=8), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("created_at", tutor.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("learner_id", "task_id", "example_id", name="uq_lab_label_example"),
    )


def downgrade() -> None:
    op.drop_table("lab_labels")
    op.drop_table("lab_runs")
