"""Reviews per learner and day, kept up to date with the log, so statistics never scan the log.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_day_stats",
        sa.Column("learner_id", sa.Integer(), sa.ForeignKey("learner.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("review_day", sa.Integer(), primary_key=True),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("new_cards", sa.Integer(), nullable=False),
        sa.Column("review_cards", sa.Integer(), nullable=False),
        sa.Column("lapses", sa.Integer(), nullable=False),
    )
    # Existing history is summed once, here.
    op.execute(
        "INSERT INTO review_day_stats (learner_id, review_day, reviews, new_cards, review_cards, lapses)"
        " SELECT learner_id, review_day, count(*),"
        " sum(CASE WHEN state_before = 0 THEN 1 ELSE 0 END),"
        " sum(CASE WHEN state_before = 2 THEN 1 ELSE 0 END),"
        " sum(CASE WHEN state_before = 2 AND rating = 1 THEN 1 ELSE 0 END)"
        " FROM review_log GROUP BY learner_id, review_day"
    )


def downgrade() -> None:
    op.drop_table("review_day_stats")
