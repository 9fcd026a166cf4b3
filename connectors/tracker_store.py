"""Rasa's SQL tracker store, configured by one database URL, that forgets a conversation when asked.

Conversations survive a restart of the Rasa server (slots such as the topic, the tour step and the quiz are
rebuilt from the stored events). When the user confirms "delete my data", the turn's last save removes every
stored event of that sender instead of adding to them: the deletion happens here, after the turn, because an
action that deleted rows would see them written back when Rasa saves the tracker.

Register it in endpoints.yml:  tracker_store: {type: connectors.tracker_store.ForgetfulSQLTrackerStore, url: <URL>}
(Rasa passes the URL as `host`, which SQLTrackerStore takes whole when it has a scheme.)
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Optional, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs, is_postgresql_url
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)
T = TypeVar("T")
# A database restart takes a few seconds: a turn waits this long for it, rather than being answered from
# Rasa's in-memory fallback (which loses the turn from the store and mixes up the conversation afterwards).
RETRY_SECONDS = (0.2, 0.5, 1, 1, 2, 2, 3)
FORGET_ACTION = "utter_forgotten"  # the reply to a confirmed "delete my data"


def asked_to_forget(tracker: DialogueStateTracker) -> bool:
    """Whether the turn that just ended confirmed the deletion (its bot reply is the 'forgotten' one)."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == FORGET_ACTION:
            return True
    return False


class ForgetfulSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if is_postgresql_url(self.engine.url):
            # Test each pooled connection before use: after a database restart, the pool's old connections
            # are dead, and without this the first turn on each of them fails.
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def _with_retries(self, operation: Callable[[], Awaitable[T]]) -> T:
        for pause in (*RETRY_SECONDS, None):
            try:
                return await operation()
            except (sa.exc.OperationalError, sa.exc.InterfaceError):
                if pause is None:
                    raise
                logger.warning("tracker store unreachable; retrying in %.1f s", pause)
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")

    async def save(self, tracker: DialogueStateTracker) -> None:
        if asked_to_forget(tracker):
            self.forget(tracker.sender_id)
            return
        await self._with_retries(lambda: super(ForgetfulSQLTrackerStore, self).save(tracker))

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Optional[Any]:
        return await self._with_retries(
            lambda: super(ForgetfulSQLTrackerStore, self)._retrieve(sender_id, fetch_events_from_all_sessions))

    def forget(self, sender_id: str) -> int:
        """Delete every stored event of one sender; the number deleted."""
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        logger.info("conversation deleted at the user's request (%d events)", deleted)
        return deleted

    def forget_older_than(self, days: float) -> int:
        """Delete the conversations whose last event is older than `days`; the number of conversations."""
        cutoff = time.time() - days * 86400
        with self.session_scope() as session:
            last = (session.query(self.SQLEvent.sender_id)
                    .group_by(self.SQLEvent.sender_id)
                    .having(sa.func.max(self.SQLEvent.timestamp) < cutoff))
            senders = [row[0] for row in last]
            for start in range(0, len(senders), 500):
                chunk = senders[start:start + 500]
                session.query(self.SQLEvent).filter(self.SQLEvent.sender_id.in_(chunk)).delete(
                    synchronize_session=False)
            session.commit()
        return len(senders)
