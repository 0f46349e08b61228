"""The roles of a class database: which PostgreSQL group roles hold the learners and instructors.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "class_role",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("role", sa.String(63), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("class_role")
