"""Alembic migrations shipped inside the package and run by :func:`studyvm.store.engine.migrate`."""
