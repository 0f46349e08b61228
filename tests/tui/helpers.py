"""Helpers shared by the terminal-app tests (import them from here: ``from .helpers import settle``)."""

from __future__ import annotations


async def settle(pilot, app) -> None:
    """Wait until workers are done and messages processed."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def reviews_in_store(backend) -> int:
    """Review-log rows of the learner, straight from the database."""
    from sqlalchemy import text

    with backend.service().read() as session:
        return session.execute(text("select count(*) from review_log")).scalar_one()
