"""The schema revision this version writes, importable without SQLAlchemy or alembic.

The engine skips alembic when a database is already at :data:`SCHEMA_HEAD`; the dashboard's first
glance (plain :mod:`sqlite3`) reads nothing from a database at another revision, whose columns may
hold another type (before 0007, ``card_state``'s times were text).
"""

SCHEMA_HEAD = "0007"
"""The newest migration's revision; a test checks it against alembic, so opening an up-to-date
database needs no alembic import (half a second of every command's start-up)."""
