"""Quizzes, mock exams and the mistake bank.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from studyvm.store.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _learner_fk() -> sa.Column:
    return sa.Column("learner_id", sa.Integer(), sa.ForeignKey("learner.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "mistake",
        sa.Column("id", sa.Integer(), primary_key=True),
        _learner_fk(),
        sa.Column("pack_id", sa.String(200), nullable=False),
        sa.Column("question_id", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("cleared", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_mistake_learner", "mistake", ["learner_id", "cleared", "pack_id", "question_id"])
    op.create_table(
        "attempt",
        sa.Column("id", sa.Integer(), primary_key=True),
        _learner_fk(),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("time_limit_s", sa.Integer(), nullable=True),
        sa.Column("elapsed_s", sa.Float(), nullable=False),
        sa.Column("pass_mark", sa.Float(), nullable=True),
        sa.Column("cbm", sa.Boolean(), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("max_score", sa.Integer(), nullable=True),
        sa.Column("cbm_score", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
    )
    op.create_index("ix_attempt_learner", "attempt", ["learner_id", "kind", "finished_at"])
    op.create_table(
        "attempt_answer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("attempt_id", sa.Integer(), sa.ForeignKey("attempt.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.String(200), nullable=False),
        sa.Column("question_id", sa.String(200), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("attempt_id", "position", name="uq_attempt_answer_position"),
    )
    op.create_index("ix_attempt_answer_question", "attempt_answer", ["pack_id", "question_id"])


def downgrade() -> None:
    op.drop_table("attempt_answer")
    op.drop_table("attempt")
    op.drop_table("mistake")
