"""Rasa's SQL tracker store, configured by one database URL, that forgets a conversation when asked.

Conversations survive a restart of the Rasa server (slots such as the topic, the tour step and the quiz are
rebuilt from the stored events). When the user confirms "delete my data", the turn's last save removes every
stored event of that sender instead of adding to them: the deletion happens here, after the turn, because an
action that deleted rows would see them written back when Rasa saves the tracker.

Two things make a turn cheaper than with Rasa's store (measured: the store was a third of the Rasa server's time
per turn). Each process keeps the trackers it has just saved (CACHE_SIZE conversations): the next turn of the
conversation checks with one small query that no event was added since (by its last event's id, so another
Rasa process answering the conversation in between is noticed, and only the events it added are read and
applied), instead of loading and replaying every event of the conversation; a save then inserts the new events
without first counting the stored ones. On SQLite the database runs in WAL mode with synchronous=NORMAL: a
commit does not wait for the disk (the log is synced at checkpoints; a power cut may lose the last turns but
cannot corrupt the database).

A deletion ("delete my data", and `make forget-old`) is committed durably on PostgreSQL whatever the database's
or the connection's synchronous_commit (SET LOCAL synchronous_commit = on): a crash of the database right after
must not bring back a conversation the person was told is deleted. "Delete my data" also deletes the sender's
unanswered questions from the curation database (CURATION_DATABASE_URL: the Rasa server needs it too).

Register it in endpoints.yml:  tracker_store: {type: rasa_ext.stores.tracker_store.ForgetfulSQLTrackerStore, url: <URL>}
(Rasa passes the URL as `host`, which SQLTrackerStore takes whole when it has a scheme.)
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, UserUttered, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.exc import SQLAlchemyError

from knowledge.curation import CurationStore, durable_commit
from knowledge.settings import storage

logger = logging.getLogger(__name__)
T = TypeVar("T")
# A database restart takes a few seconds: a turn waits this long for it, rather than being answered from
# Rasa's in-memory fallback (which loses the turn from the store and mixes up the conversation afterwards).
RETRY_SECONDS = (0.2, 0.5, 1, 1, 2, 2, 3)
FORGET_ACTION = "utter_forgotten"  # the reply to a confirmed "delete my data"
POSTGRES_OPTIONS = "-c synchronous_commit=off"
CACHE_SIZE = storage().tracker_cache_size  # conversations kept in memory per process


@dataclass
class _Cached:
    tracker: DialogueStateTracker
    events: int  # how many of its events are stored
    last_id: int  # id of the last stored event


def asked_to_forget(tracker: DialogueStateTracker) -> bool:
    """Whether the turn that just ended confirmed the deletion (its bot reply is the 'forgotten' one)."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == FORGET_ACTION:
            return True
    return False


def log_safety_decisions(sender_id: str, new: list[Event]) -> None:
    """The audit trail of urgent replies: which conversation got which tier, once it is stored (never the text)."""
    for event in new:
        if isinstance(event, UserUttered):
            for entity in event.entities or []:
                if entity.get("entity") == "safety_tier":
                    logger.info("safety decision: conversation %s, tier %s", sender_id, entity.get("value"))


def _is_listen(event: Event) -> bool:
    return isinstance(event, ActionExecuted) and event.action_name == ACTION_LISTEN_NAME


def _fast_sqlite(connection: Any, _record: Any) -> None:
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")


class ForgetfulSQLTrackerStore(SQLTrackerStore):
    engine: sa.engine.Engine

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._cache: OrderedDict[str, _Cached] = OrderedDict()
        self._found_empty: set[str] = set()  # senders with no stored event when last loaded (a first turn)
        self._curation: CurationStore | None = None
        events = self.SQLEvent.__table__
        self._insert = sa.insert(events)
        self._last_id = sa.select(sa.func.max(events.c.id)).where(events.c.sender_id == sa.bindparam("sender_id"))
        self._since = (
            sa.select(events.c.id, events.c.type_name, events.c.data)
            .where(events.c.sender_id == sa.bindparam("sender_id"), events.c.id >= sa.bindparam("last_id"))
            .order_by(events.c.id)
        )
        if self.engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens a new SQLite connection per session (NullPool): keep a few open instead.
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(
                url, poolclass=sa.pool.QueuePool, pool_size=2, connect_args={"check_same_thread": False}
            )
            sa.event.listen(self.engine, "connect", _fast_sqlite)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        if self.engine.dialect.name == "postgresql":  # (Rasa's check misses postgresql+psycopg2:// URLs)
            # Test each pooled connection before use: after a database restart, the pool's old connections
            # are dead, and without this the first turn on each of them fails.
            # A commit does not wait for the disk either (synchronous_commit=off, the counterpart of SQLite's
            # synchronous=NORMAL): a crash of the database server may lose the last few hundred milliseconds of
            # turns, never consistency. Waiting for it blocked the Rasa process, whose store is synchronous.
            url = self.engine.url
            self.engine.dispose()
            kwargs = create_engine_kwargs("postgresql")  # Rasa's pool sizes for PostgreSQL (the URL is checked above)
            options = " ".join(filter(None, [kwargs.get("connect_args", {}).get("options"), POSTGRES_OPTIONS]))
            kwargs["connect_args"] = {**kwargs.get("connect_args", {}), "options": options}
            self.engine = sa.create_engine(url, pool_pre_ping=True, **kwargs)
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
        await self._with_retries(lambda: self._save(tracker))

    async def _save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        cached = self._cache.pop(tracker.sender_id, None)
        found_empty = tracker.sender_id in self._found_empty
        if cached is not None and cached.tracker is tracker:
            new = list(itertools.islice(tracker.events, cached.events, None))
        elif found_empty:  # its first turn: nothing of it is stored yet
            new = list(tracker.events)
        else:  # not a tracker this process loaded: store what the database does not have yet (the ORM query)
            with self.session_scope() as session:
                new = list(self._additional_events(session, tracker))
                last_id = self._write(session, tracker.sender_id, new)
                session.commit()
            self._after_save(tracker, new, last_id)
            return
        # (SQLAlchemy Core in one transaction: the ORM session cost more than the two statements)
        with self.engine.begin() as connection:
            last_id = self._write(connection, tracker.sender_id, new)
        self._after_save(tracker, new, last_id)

    def _write(self, executor: Any, sender_id: str, new: list[Event]) -> int | None:
        """Insert the new events (one multi-row insert); the id of the conversation's newest row."""
        if new:
            executor.execute(self._insert, [self._row(sender_id, e) for e in new])
        # this conversation's turns are serialised by the lock store: its newest row is the one just written
        return executor.execute(self._last_id, {"sender_id": sender_id}).scalar()

    def _after_save(self, tracker: DialogueStateTracker, new: list[Event], last_id: int | None) -> None:
        log_safety_decisions(tracker.sender_id, new)
        self._found_empty.discard(tracker.sender_id)
        if last_id is None:
            return
        earlier = list(itertools.islice(tracker.events, len(tracker.events) - len(new)))
        starts_session = any(isinstance(e, ActionExecuted) and e.action_name == ACTION_SESSION_START_NAME for e in new)
        if starts_session and not all(_is_listen(e) for e in earlier):
            # a new session in a loaded conversation: the next load holds only the new session; let it. (A new
            # conversation's only earlier event is its first action_listen, which changes nothing that follows.)
            return
        self._remember(tracker, last_id)

    @staticmethod
    def _row(sender_id: str, event: Event) -> dict[str, Any]:
        """The columns Rasa's SQLTrackerStore writes for an event."""
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

    def _remember(self, tracker: DialogueStateTracker, last_id: int) -> None:
        if tracker.events.maxlen is not None:  # max_event_history: the count of events no longer says what is new
            return
        self._cache[tracker.sender_id] = _Cached(tracker, len(tracker.events), last_id)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Any | None:
        return await self._with_retries(lambda: self._load(sender_id, fetch_events_from_all_sessions))

    async def _load(self, sender_id: str, all_sessions: bool) -> DialogueStateTracker | None:
        cached = None if all_sessions else self._cache.get(sender_id)
        if cached is not None and len(cached.tracker.events) == cached.events:  # untouched since it was saved
            with self.engine.connect() as connection:
                rows = connection.execute(self._since, {"sender_id": sender_id, "last_id": cached.last_id}).all()
            if self._catch_up(cached, rows):
                self._cache.move_to_end(sender_id)
                return cached.tracker
        self._cache.pop(sender_id, None)
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=all_sessions).all()
        if not rows and not all_sessions:
            # the turn this load starts holds the conversation's lock: its save may skip counting stored events
            self._found_empty.add(sender_id)
            if len(self._found_empty) > CACHE_SIZE:
                self._found_empty.clear()
        if not rows or not self.domain:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(row.data) for row in rows], self.domain.slots)
        if not all_sessions:
            self._remember(tracker, rows[-1].id)
        return tracker

    @staticmethod
    def _catch_up(cached: _Cached, rows: list[Any]) -> bool:
        """Bring a remembered tracker up to date with the rows from its last stored one on; False if it can't be.

        Rows another process added since (the conversation's turns are serialised by the lock store) are applied
        as a reload would replay them. The remembered last row gone (the conversation was deleted) or a new
        session among the added rows (a reload holds only that session) mean a reload.
        """
        if not rows or rows[0].id != cached.last_id:
            return False
        added = rows[1:]
        if any(row.type_name == SessionStarted.type_name for row in added):
            return False
        for event in deserialise_events([json.loads(row.data) for row in added]):
            cached.tracker.update(event)
        if added:
            cached.events, cached.last_id = len(cached.tracker.events), added[-1].id
        return True

    def forget(self, sender_id: str) -> int:
        """Delete every stored event of one sender, and its unanswered questions; the number of events deleted."""
        self._cache.pop(sender_id, None)
        self._found_empty.discard(sender_id)
        with self.session_scope() as session:
            durable_commit(session)
            deleted = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        logger.info("conversation deleted at the user's request (%d events)", deleted)
        try:
            questions = self.curation().forget_sender(sender_id)
            logger.info("unanswered questions deleted at the user's request (%d)", questions)
        except (SQLAlchemyError, OSError) as error:
            # the conversation is gone and the reply already chosen: say so loudly for an operator to finish it
            logger.error("could not delete the unanswered questions of a conversation: %s", error)
        return deleted

    def curation(self) -> CurationStore:
        """The curation store (one per tracker store: its engine keeps a connection pool)."""
        if self._curation is None:
            self._curation = CurationStore()
        return self._curation

    def forget_older_than(self, days: float) -> int:
        """Delete the conversations whose last event is older than `days`; the number of conversations."""
        cutoff = time.time() - days * 86400
        with self.session_scope() as session:
            last = (
                session.query(self.SQLEvent.sender_id)
                .group_by(self.SQLEvent.sender_id)
                .having(sa.func.max(self.SQLEvent.timestamp) < cutoff)
            )
            senders = [row[0] for row in last]
            durable_commit(session)
            for start in range(0, len(senders), 500):
                chunk = senders[start : start + 500]
                session.query(self.SQLEvent).filter(self.SQLEvent.sender_id.in_(chunk)).delete(
                    synchronize_session=False
                )
            session.commit()
        return len(senders)
