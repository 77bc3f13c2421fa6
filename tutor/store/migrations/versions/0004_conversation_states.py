"""conversation states; the bot's turns are the assistant's (tutor now means a human tutor)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

import tutor.store.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_states",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("updated_at", tutor.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("learner_id"),
    )
    op.execute("UPDATE conversation_log SET role = 'assistant' WHERE role = 'tutor'")
    # learners in the middle of a quiz stay in it
    op.execute(
        "INSERT INTO conversation_states (learner_id, mode, data, updated_at) "
        "SELECT learner_id, 'quiz', '{}', MAX(started_at) FROM quiz_sessions WHERE NOT closed GROUP BY learner_id"
    )


def downgrade() -> None:
    op.execute("UPDATE conversation_log SET role = 'tutor' WHERE role = 'assistant'")
    op.drop_table("conversation_states")
