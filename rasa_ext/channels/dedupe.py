"""Recently handled deliveries, so that a platform's redelivery of the same event is not answered twice."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from typing import Any

from knowledge.settings import storage

logger = logging.getLogger(__name__)


class RecentKeys:
    """Keys of recently handled events, bounded in number and expiring (per server process).

    Slack retries an event for up to about an hour; Telegram redelivers an update until the webhook answers."""

    def __init__(self, ttl: float = 3600.0, size: int = 10_000):
        self.ttl, self.size = ttl, size
        self._seen: OrderedDict[str, float] = OrderedDict()

    def add(self, *keys: str | None) -> bool:
        """Record the keys; False when any of them was seen before (the event is a duplicate)."""
        now = time.monotonic()
        while self._seen and (len(self._seen) > self.size or next(iter(self._seen.values())) < now - self.ttl):
            self._seen.popitem(last=False)
        present: list[str] = [k for k in keys if k]
        duplicate = any(k in self._seen for k in present)
        for key in present:
            self._seen[key] = now
        return not duplicate


REDIS_KEY_PREFIX = "gsa:delivered:"


class Deliveries:
    """Which deliveries were already answered, shared by every Rasa process when REDIS_URL is set.

    Behind nginx a platform's retry, or the `message`/`app_mention` pair of one Slack message, can reach two
    processes: a memory per process would answer both. With Redis each key is set only if absent (SET NX, with
    an expiry), so exactly one process sees it first. If Redis fails, the process falls back to its own memory
    (a rare double answer beats none)."""

    def __init__(self, redis_url: str | None = None, ttl: float = 3600.0):
        self.ttl = ttl
        self.local = RecentKeys(ttl=ttl)
        self._redis: Any = None
        if redis_url:
            import redis.asyncio  # type: ignore[import-untyped]

            self._redis = redis.asyncio.Redis.from_url(redis_url, socket_timeout=2.0, socket_connect_timeout=2.0)

    @classmethod
    def from_environment(cls) -> Deliveries:
        return cls(storage().redis_url)

    async def first_time(self, *keys: str | None) -> bool:
        """Record the keys; False when any of them was recorded before by this or another process."""
        present = [k for k in keys if k]
        if self._redis is None or not present:
            return self.local.add(*present)
        try:
            pipeline = self._redis.pipeline(transaction=False)
            for key in present:
                pipeline.set(REDIS_KEY_PREFIX + key, b"1", nx=True, ex=int(self.ttl))
            results = await pipeline.execute()
        except Exception as error:  # any Redis failure: answering matters more than de-duplicating
            logger.warning("Redis unavailable for de-duplication (%s): this process's own memory is used", error)
            return self.local.add(*present)
        self.local.add(*present)
        return all(bool(result) for result in results)
