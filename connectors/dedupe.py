"""Recently handled deliveries, so that a platform's redelivery of the same event is not answered twice."""

from __future__ import annotations

import time
from collections import OrderedDict


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
