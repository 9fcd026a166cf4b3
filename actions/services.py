"""The stores the actions share, created lazily in the action server process (after any fork)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import lru_cache, partial
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

from knowledge.curation import CurationStore
from knowledge.store import KnowledgeStore

T = TypeVar("T")
logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def knowledge() -> KnowledgeStore:
    # a question never waits for the sentence vectors to be embedded: without their cache file the answers are
    # found by words until a background thread has them
    return KnowledgeStore(wait_for_meanings=False)


@lru_cache(maxsize=1)
def curation() -> CurationStore:
    return CurationStore()


def _curate(write: Callable[[CurationStore], object], what: str) -> None:
    """Curation data helps the content writers later; a failed write must never cost the user the answer."""
    try:
        write(curation())
    except (SQLAlchemyError, OSError) as error:
        logger.warning("could not record %s for the curators: %s", what, error)


def record_feedback(topic_slug: str, helpful: bool, answer_id: str | None = None) -> None:
    _curate(lambda store: store.record_feedback(topic_slug, helpful, answer_id), "feedback")


def record_unanswered(text: str, sender_id: str) -> None:
    _curate(lambda store: store.record_unanswered(text, sender_id), "an unanswered question")


async def in_thread(function: Callable[..., T], *args) -> T:
    """Run blocking work (SQL, spaCy) in the default thread pool so the event loop keeps serving requests."""
    return await asyncio.get_running_loop().run_in_executor(None, partial(function, *args))
