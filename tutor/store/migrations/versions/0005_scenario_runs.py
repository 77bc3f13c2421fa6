"""scenario runs and the choices made in them

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

import tutor.store.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenario_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.String(length=64), nullable=False),
        sa.Column("node_id", sa.String(length=40), nullable=True),
        sa.Column("ending_id", sa.String(length=40), nullable=True),
        sa.Column("started_at", tutor.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", tutor.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", tutor.store.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("abandoned", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_scenario_runs_learner_id", "scenario_runs", ["learner_id"])
    op.create_index("ix_scenario_runs_scenario_id", "scenario_runs", ["scenario_id"])
    op.create_table(
        "scenario_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.String(length=64), nullable=False),
        sa.Column("node_id", sa.String(length=40), nullable=False),
        sa.Column("choice", sa.Integer(), nullable=False),
        sa.Column("chosen_at", tutor.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["run_id"], ["scenario_runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "node_id", name="uq_scenario_choice_run_node"),
    )
    op.create_index("ix_scenario_choices_learner_id", "scenario_choices", ["learner_id"])
    op.create_index("ix_scenario_choices_run_id", "scenario_choices", ["run_id"])
    op.create_index("ix_scenario_choices_scenario_id", "scenario_choices", ["scenario_id"])


def downgrade() -> None:
    op.drop_table("scenario_choices")
    op.drop_table("scenario_runs")
