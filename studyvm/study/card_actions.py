"""What a learner does to a card besides answering it: suspend, bury, unbury, undo; the mistake bank.

Suspensions and burials go on the service's undo stack next to answers, so one undo key takes
back whichever came last, as in Anki.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from studyvm.store import repo as store_repo
from studyvm.store.engine import write_session
from studyvm.study import card_writes
from studyvm.study.scheduling import start_of_next_day
from studyvm.study.servicebase import ServiceBase, card_key, logger
from studyvm.study.views import CardView, Undone


class CardActions(ServiceBase):
    """Suspend, bury, unbury and undo on one learner's cards, and the mistake bank."""

    def record_mistake(
        self, session: Session, pack_id: str, qid: str, response: Any, origin: str, now: datetime
    ) -> None:
        """Put a wrong answer in the learner's mistake bank (inside the caller's write ``session``)."""
        from studyvm.study import mistakes

        mistakes.record(self.learner_id, pack_id, qid, response, origin, now, session=session)

    def clear_mistakes(self, session: Session, pack_id: str, qid: str) -> None:
        """Take a question out of the mistake bank once answered right (inside the caller's ``session``)."""
        from studyvm.study import mistakes

        mistakes.clear(self.learner_id, pack_id, qid, session=session)

    def close(self) -> None:
        """Release the database, after dropping the undo snapshots of this session's answers: the
        undo stack dies with the service, so they could never be used again."""
        self.release_undo()
        super().close()

    def release_undo(self) -> None:
        """Forget this service's undo stack and drop its answers' snapshots from the database (a
        failure only costs space: it is logged, never raised, as closing must not fail)."""
        answered = [log_id for kind, log_id, _ in self._undo if kind == "answer" and log_id]
        self._undo.clear()
        if not answered or self._engine is None:
            return
        try:
            with write_session(self.engine) as session:
                card_writes.release_snapshots(self.learner_id, answered, session=session)
        except Exception:  # noqa: BLE001 - see the docstring
            logger.warning("could not drop %d undo snapshots", len(answered), exc_info=True)

    def undo(self) -> tuple[str, str] | None:
        """Undo the most recent answer, suspension or burial (repeatable); (pack id, question id) or ``None``."""
        undone = self.undo_action()
        return None if undone is None else (undone.pack_id, undone.question_id)

    def undo_action(self) -> Undone | None:
        """Undo the most recent answer, suspension or burial of this service; what it was, or ``None``.

        Undoing an answer also puts back the siblings it buried.
        """
        while self._undo:
            kind, log_id, (pack_id, qid) = self._undo.pop()
            keys = [(pack_id, qid)]
            with self.card_writer() as session:
                if kind == "suspend":
                    done = card_writes.set_suspended(self.learner_id, pack_id, qid, False, session=session)
                elif kind in ("bury", "sibling"):
                    done = store_repo.unbury_card(self.learner_id, pack_id, qid, session=session)
                    done = done and kind == "bury"  # a sibling's burial is part of an answer's undo
                else:
                    done = card_writes.undo_review(self.learner_id, log_id, session=session) is not None
                    self._today = None  # recount today's limits
                    while self._undo and self._undo[-1][0] == "sibling":
                        _, _, (sib_pack, sib_qid) = self._undo.pop()
                        store_repo.unbury_card(self.learner_id, sib_pack, sib_qid, session=session)
                        keys.append((sib_pack, sib_qid))
            self._changed(*keys)
            if done:
                logger.debug("undone: %s of %s/%s", kind, pack_id, qid)
                return Undone(kind, pack_id, qid)
        return None

    def suspend(self, card: CardView | tuple[str, str], suspended: bool = True) -> bool:
        """Suspend (or with ``suspended=False`` unsuspend) a card: it is not shown until unsuspended.

        A suspension is on the undo stack (:meth:`undo`); an unsuspension is not.
        """
        pack_id, qid = card_key(card)
        with self.card_writer() as session:
            changed = card_writes.set_suspended(self.learner_id, pack_id, qid, suspended, session=session)
        self._changed((pack_id, qid))
        if changed and suspended:
            self._undo.append(("suspend", 0, (pack_id, qid)))
        return changed

    def bury(self, card: CardView | tuple[str, str]) -> bool:
        """Hide a card until the start of the learner's next day (on the undo stack)."""
        pack_id, qid = card_key(card)
        until = start_of_next_day(self.clock(), self.tz)
        with self.card_writer() as session:
            changed = card_writes.bury(self.learner_id, pack_id, qid, until, session=session)
        self._changed((pack_id, qid))
        if changed:
            self._undo.append(("bury", 0, (pack_id, qid)))
        return changed

    def _bury_siblings(self, pack_id: str, question: Any) -> list[str]:
        """Bury until tomorrow the siblings of an answered question (as Anki does); their ids."""
        from studyvm.study.siblings import siblings_of

        ids = siblings_of(self.pack(pack_id), question)
        if not ids:
            return []
        until = start_of_next_day(self.clock(), self.tz)
        with self.card_writer() as session:
            buried = [qid for qid in ids if card_writes.bury(self.learner_id, pack_id, qid, until, session=session)]
        if buried:
            self._changed(*((pack_id, qid) for qid in buried))
        return buried

    def unbury(self, card: CardView | tuple[str, str]) -> bool:
        """End a card's burial now; False when it was not buried."""
        pack_id, qid = card_key(card)
        with self.card_writer() as session:
            done = store_repo.unbury_card(self.learner_id, pack_id, qid, session=session)
        self._changed((pack_id, qid))
        return done

    def forget(self, card: CardView | tuple[str, str]) -> bool:
        """Reset a card to new (its history is kept; not on the undo stack); False when no such card."""
        from studyvm.store import cardlist

        pack_id, qid = card_key(card)
        with self.card_writer() as session:
            done = cardlist.forget(self.learner_id, pack_id, qid, session=session)
        self._changed((pack_id, qid))
        return done
