"""The first schema: learners, card state and the review log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from studyvm.store.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learner",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "card_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("learner_id", sa.Integer(), sa.ForeignKey("learner.id", ondelete="CASCADE"), nullable=False),
        sa.Column("pack_id", sa.String(200), nullable=False),
        sa.Column("question_id", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("queue", sa.Integer(), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("stability", sa.Float(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=True),
        sa.Column("due", UTCDateTime(), nullable=True),
        sa.Column("last_review", UTCDateTime(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("lapses", sa.Integer(), nullable=False),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.Column("leech", sa.Boolean(), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("buried_until", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("learner_id", "pack_id", "question_id", name="uq_card_state_key"),
    )
    op.create_index("ix_card_state_queue", "card_state", ["learner_id", "queue", "due"])
    op.create_index("ix_card_state_pack_queue", "card_state", ["learner_id", "pack_id", "queue", "due"])
    op.create_index("ix_card_state_new", "card_state", ["learner_id", "queue", "pack_id", "position"])
    op.create_table(
        "review_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("learner_id", sa.Integer(), sa.ForeignKey("learner.id", ondelete="CASCADE"), nullable=False),
        sa.Column("pack_id", sa.String(200), nullable=False),
        sa.Column("question_id", sa.String(200), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", UTCDateTime(), nullable=False),
        sa.Column("review_day", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("state_before", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("prev", sa.Text(), nullable=True),
    )
    op.create_index("ix_review_log_day", "review_log", ["learner_id", "review_day", "state_before", "rating"])
    op.create_index("ix_review_log_card", "review_log", ["learner_id", "pack_id", "question_id"])
    op.create_table(
        "pack_sync",
        sa.Column("learner_id", sa.Integer(), sa.ForeignKey("learner.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("pack_id", sa.String(200), primary_key=True),
        sa.Column("ids_hash", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pack_sync")
    op.drop_table("review_log")
    op.drop_table("card_state")
    op.drop_table("learner")
