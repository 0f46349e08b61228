"""A leaner review log: the last rating on the card, per-pack day totals, one narrow log index.

The browser and mastery read each card's last rating from ``card_state.last_rating`` instead of
looking it up in the log; the per-pack daily limits count ``pack_day_stats``; weekly retention
comes from ``review_day_stats``. So the two wide log indexes (a third of a big database) go, and
one on the new ``review_log.card_id`` serves a card's history.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_SAME_CARD = "c.learner_id = l.learner_id AND c.pack_id = l.pack_id AND c.question_id = l.question_id"


def upgrade() -> None:
    op.add_column("card_state", sa.Column("last_rating", sa.Integer(), nullable=True))
    op.add_column("review_log", sa.Column("card_id", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"UPDATE review_log AS l SET card_id = (SELECT c.id FROM card_state c WHERE {_SAME_CARD})")
    else:
        op.execute(f"UPDATE review_log AS l SET card_id = c.id FROM card_state c WHERE {_SAME_CARD}")
    # Read through the old card index before it goes. A new card (never answered, or forgotten
    # since) has no last rating.
    op.execute(
        "UPDATE card_state SET last_rating = (SELECT l.rating FROM review_log l"
        " WHERE l.learner_id = card_state.learner_id AND l.pack_id = card_state.pack_id"
        " AND l.question_id = card_state.question_id ORDER BY l.id DESC LIMIT 1) WHERE state <> 0"
    )
    op.create_table(
        "pack_day_stats",
        sa.Column("learner_id", sa.Integer(), sa.ForeignKey("learner.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("review_day", sa.Integer(), primary_key=True),
        sa.Column("pack_id", sa.String(200), primary_key=True),
        sa.Column("new_cards", sa.Integer(), nullable=False),
        sa.Column("review_cards", sa.Integer(), nullable=False),
    )
    op.execute(
        "INSERT INTO pack_day_stats (learner_id, review_day, pack_id, new_cards, review_cards)"
        " SELECT learner_id, review_day, pack_id, sum(CASE WHEN state_before = 0 THEN 1 ELSE 0 END),"
        " sum(CASE WHEN state_before = 2 THEN 1 ELSE 0 END)"
        " FROM review_log GROUP BY learner_id, review_day, pack_id"
    )
    op.drop_index("ix_review_log_day", table_name="review_log")
    op.drop_index("ix_review_log_card", table_name="review_log")
    op.create_index("ix_review_log_card_id", "review_log", ["card_id"])


def downgrade() -> None:
    op.drop_index("ix_review_log_card_id", table_name="review_log")
    op.create_index("ix_review_log_day", "review_log", ["learner_id", "review_day", "state_before", "rating"])
    op.create_index("ix_review_log_card", "review_log", ["learner_id", "pack_id", "question_id"])
    op.drop_table("pack_day_stats")
    with op.batch_alter_table("review_log") as batch:
        batch.drop_column("card_id")
    with op.batch_alter_table("card_state") as batch:
        batch.drop_column("last_rating")
