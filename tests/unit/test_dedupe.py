"""RecentKeys: the channels' memory of deliveries already answered."""

from __future__ import annotations

import time

from connectors.dedupe import RecentKeys


def test_a_key_seen_before_is_a_duplicate_and_any_shared_key_counts():
    seen = RecentKeys()
    assert seen.add("event-1", "C1:100")
    assert not seen.add("event-1")
    assert not seen.add("event-2", "C1:100")  # the same message delivered as another event
    assert seen.add("event-3", None)  # missing keys are ignored
    assert seen.add(None)  # nothing to compare: never a duplicate


def test_keys_expire_and_the_memory_is_bounded():
    seen = RecentKeys(ttl=0.05)
    assert seen.add("old")
    time.sleep(0.1)
    assert seen.add("old")
    bounded = RecentKeys(size=3)
    for key in "abcd":
        assert bounded.add(key)
    bounded.add("e")  # adding trims the oldest beyond the bound
    assert bounded.add("a")
    assert not bounded.add("e")
