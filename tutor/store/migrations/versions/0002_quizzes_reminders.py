"""quizzes cards reviews reminders

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import tutor.store.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quiz_items",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("module_id", sa.String(length=128), nullable=False),
        sa.Column("section_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("difficulty", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("quiz_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quiz_items_level"), ["level"], unique=False)
        batch_op.create_index(batch_op.f("ix_quiz_items_module_id"), ["module_id"], unique=False)

    op.create_table(
        "cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("fsrs", sa.Text(), nullable=False),
        sa.Column("due", tutor.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("lapses", sa.Integer(), nullable=False),
        sa.Column("created_at", tutor.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["quiz_items.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("learner_id", "item_id", name="uq_card_learner_item"),
    )
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cards_item_id"), ["item_id"], unique=False)
        batch_op.create_index("ix_cards_learner_due", ["learner_id", "due"], unique=False)

    op.create_table(
        "quiz_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=128), nullable=True),
        sa.Column("started_at", tutor.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("asked", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("quiz_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quiz_sessions_learner_id"), ["learner_id"], unique=False)

    op.create_table(
        "reminder_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=False),
        sa.Column("claimed_at", tutor.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", tutor.store.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("learner_id", "local_date", name="uq_reminder_learner_date"),
    )
    with op.batch_alter_table("reminder_sends", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminder_sends_status"), ["status"], unique=False)

    op.create_table(
        "asked_questions",
        sa.Column("token", sa.String(length=16), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("asked_at", tutor.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", tutor.store.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("poll_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["quiz_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token"),
        sa.UniqueConstraint("poll_id"),
    )
    with op.batch_alter_table("asked_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asked_questions_learner_id"), ["learner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_asked_questions_session_id"), ["session_id"], unique=False)

    op.create_table(
        "review_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=16), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("fsrs_log", sa.Text(), nullable=False),
        sa.Column("reviewed_at", tutor.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_logs_card_id"), ["card_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_logs_learner_id"), ["learner_id"], unique=False)

    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chat_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("reminder_time", sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column("reminders_paused_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("next_reminder_at", tutor.store.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("unreachable", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f("ix_learners_next_reminder_at"), ["next_reminder_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learners_next_reminder_at"))
        batch_op.drop_column("unreachable")
        batch_op.drop_column("next_reminder_at")
        batch_op.drop_column("reminders_paused_until")
        batch_op.drop_column("reminder_time")
        batch_op.drop_column("timezone")
        batch_op.drop_column("chat_id")

    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_logs_learner_id"))
        batch_op.drop_index(batch_op.f("ix_review_logs_card_id"))

    op.drop_table("review_logs")
    with op.batch_alter_table("asked_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asked_questions_session_id"))
        batch_op.drop_index(batch_op.f("ix_asked_questions_learner_id"))

    op.drop_table("asked_questions")
    with op.batch_alter_table("reminder_sends", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_sends_status"))

    op.drop_table("reminder_sends")
    with op.batch_alter_table("quiz_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_sessions_learner_id"))

    op.drop_table("quiz_sessions")
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_index("ix_cards_learner_due")
        batch_op.drop_index(batch_op.f("ix_cards_item_id"))

    op.drop_table("cards")
    with op.batch_alter_table("quiz_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_items_module_id"))
        batch_op.drop_index(batch_op.f("ix_quiz_items_level"))

    op.drop_table("quiz_items")
