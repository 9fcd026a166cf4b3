"""The stores the actions share, created lazily in the action server process (after any fork)."""
from __future__ import annotations

import asyncio
from functools import lru_cache, partial
from typing import Callable, TypeVar

from knowledge.curation import CurationStore
from knowledge.store import KnowledgeStore

T = TypeVar("T")


@lru_cache(maxsize=1)
def knowledge() -> KnowledgeStore:
    return KnowledgeStore()


@lru_cache(maxsize=1)
def curation() -> CurationStore:
    return CurationStore()


async def in_thread(function: Callable[..., T], *args) -> T:
    """Run blocking work (SQL, spaCy) in the default thread pool so the event loop keeps serving requests."""
    return await asyncio.get_running_loop().run_in_executor(None, partial(function, *args))
