"""Helpers shared by the terminal-app tests (import them from here: ``from .helpers import settle``)."""

from __future__ import annotations


async def settle(pilot, app) -> None:
    """Wait until workers are done and messages processed.

    A worker's result may start another (the dashboard's counts, then its mastery figures), so
    wait again until a pause leaves no worker running.
    """
    quiet = 0
    for _ in range(40):  # two idle pauses in a row with no worker: also past call_after_refresh starts
        await pilot.pause()
        if any(not worker.is_finished for worker in app.workers):
            quiet = 0
            await app.workers.wait_for_complete()
        else:
            quiet += 1
            if quiet == 2:
                break


def reviews_in_store(backend) -> int:
    """Review-log rows of the learner, straight from the database."""
    from sqlalchemy import text

    with backend.service().read() as session:
        return session.execute(text("select count(*) from review_log")).scalar_one()
