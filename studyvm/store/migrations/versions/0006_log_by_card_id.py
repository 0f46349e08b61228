"""A narrower review log: its card named by ``card_id`` alone, its time an integer in SQLite.

Each log row repeated its card's pack and question ids (16 bytes a row, 16 MB of a 100 MB database
at a million answers) although ``card_id`` (0005) names the same ``card_state`` row, which is never
deleted. A log row without a card (none should exist) first gets one, marked removed, so no
answer loses its question. In SQLite ``reviewed_at`` becomes integer microseconds since the epoch
(8 bytes instead of 26 of text, exact: the text had microseconds); PostgreSQL keeps ``timestamp``.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from studyvm.store.micros import sqlite_micros_to_text, sqlite_text_to_micros

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_SAME_CARD = "c.learner_id = l.learner_id AND c.pack_id = l.pack_id AND c.question_id = l.question_id"
_QUEUE_REMOVED = -3
_TEXT_TO_MICROS = sqlite_text_to_micros("reviewed_at")
_MICROS_TO_TEXT = sqlite_micros_to_text("reviewed_at")


def upgrade() -> None:
    op.execute(
        "INSERT INTO card_state (learner_id, pack_id, question_id, position, queue, state, reps, lapses,"
        f" suspended, leech, removed) SELECT DISTINCT learner_id, pack_id, question_id, 0, {_QUEUE_REMOVED},"
        " 0, 0, 0, false, false, true FROM review_log l WHERE card_id IS NULL AND NOT EXISTS"
        f" (SELECT 1 FROM card_state c WHERE {_SAME_CARD})"
    )
    op.execute(
        "UPDATE review_log SET card_id = (SELECT c.id FROM card_state c WHERE c.learner_id = review_log.learner_id"
        " AND c.pack_id = review_log.pack_id AND c.question_id = review_log.question_id) WHERE card_id IS NULL"
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:  # before the copy, which casts to the new type
        op.execute(f"UPDATE review_log SET reviewed_at = {_TEXT_TO_MICROS} WHERE typeof(reviewed_at) = 'text'")
    with op.batch_alter_table("review_log") as batch:
        batch.drop_column("pack_id")
        batch.drop_column("question_id")
        batch.alter_column("card_id", existing_type=sa.Integer(), nullable=False)
        if sqlite:
            batch.alter_column("reviewed_at", existing_type=sa.DateTime(), type_=sa.BigInteger())


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("review_log") as batch:
        batch.add_column(sa.Column("pack_id", sa.String(200), nullable=True))
        batch.add_column(sa.Column("question_id", sa.String(200), nullable=True))
        batch.alter_column("card_id", existing_type=sa.Integer(), nullable=True)
        if sqlite:
            batch.alter_column("reviewed_at", existing_type=sa.BigInteger(), type_=sa.DateTime())
    if sqlite:
        op.execute(f"UPDATE review_log SET reviewed_at = {_MICROS_TO_TEXT} WHERE typeof(reviewed_at) = 'integer'")
    op.execute(
        "UPDATE review_log SET pack_id = (SELECT c.pack_id FROM card_state c WHERE c.id = review_log.card_id),"
        " question_id = (SELECT c.question_id FROM card_state c WHERE c.id = review_log.card_id)"
    )
    with op.batch_alter_table("review_log") as batch:
        batch.alter_column("pack_id", existing_type=sa.String(200), nullable=False)
        batch.alter_column("question_id", existing_type=sa.String(200), nullable=False)
