"""The store: sqlmodel tables, the engine factory and the alembic migrations run on open.

Never imports textual. Progress is keyed by (learner, pack id, question id); no question text
is ever copied into the database.
"""
