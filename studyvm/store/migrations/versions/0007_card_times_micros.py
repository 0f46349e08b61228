"""card_state's times as integers in SQLite.

``due``, ``last_review`` and ``buried_until`` were SQLAlchemy's 26-byte text in SQLite; they become
integer microseconds since the epoch, as ``review_log.reviewed_at`` did in 0006 (exact: the text
had microseconds). ``due`` is also in two of the queue's indexes, so a scheduled card saved its
18 bytes three times. PostgreSQL keeps ``timestamp``.

The three card_state indexes stay: each is the only one some plan uses (``bench/bench_plans.py``).
Without ``ix_card_state_queue`` PostgreSQL's next card over all packs sorts every scheduled card;
without ``ix_card_state_pack_queue`` a pack's due count reads the table; without
``ix_card_state_new`` a pack's first new card is a sort.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from studyvm.store.micros import sqlite_micros_to_text, sqlite_text_to_micros

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TIMES = ("due", "last_review", "buried_until")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for col in TIMES:  # before the copy, which casts to the new type
        op.execute(f"UPDATE card_state SET {col} = {sqlite_text_to_micros(col)} WHERE typeof({col}) = 'text'")
    with op.batch_alter_table("card_state") as batch:
        for col in TIMES:
            batch.alter_column(col, existing_type=sa.DateTime(), type_=sa.BigInteger())


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("card_state") as batch:
        for col in TIMES:
            batch.alter_column(col, existing_type=sa.BigInteger(), type_=sa.DateTime())
    for col in TIMES:
        op.execute(f"UPDATE card_state SET {col} = {sqlite_micros_to_text(col)} WHERE typeof({col}) = 'integer'")
