"""The numbers stored in ``card_state.queue`` and ``card_state.state``, importable without the ORM
(the dashboard's first figures are read with :mod:`sqlite3` alone, see :mod:`studyvm.store.hotpath`)."""

from __future__ import annotations

# Card queues, like Anki's: one small integer so "what is due" is a single index range scan.
QUEUE_REMOVED = -3
"""The question is no longer in its pack: history kept, never due."""
QUEUE_BURIED = -2
"""Buried until ``buried_until`` (the learner's next day); put back by ``unbury``."""
QUEUE_SUSPENDED = -1
"""Suspended by the learner, or automatically as a leech."""
QUEUE_NEW = 0
"""Never reviewed: shown in pack order, within the daily new-card limit."""
QUEUE_SCHEDULED = 1
"""Learning, review or relearning: shown when ``due``."""

# The card's FSRS state as stored in ``state`` and the review log's ``state_before``.
STATE_NEW = 0
"""Never reviewed (fsrs has no "new" state; it starts cards in Learning)."""
STATE_LEARNING = 1
"""In its first learning steps (fsrs ``State.Learning``)."""
STATE_REVIEW = 2
"""Graduated: scheduled in days (fsrs ``State.Review``)."""
STATE_RELEARNING = 3
"""Forgotten after graduating, back in learning steps (fsrs ``State.Relearning``)."""
