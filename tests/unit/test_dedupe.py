"""RecentKeys and Deliveries: the channels' memory of deliveries already answered, per process and shared."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time

import pytest

from deploy.processes import free_port
from rasa_ext.channels.dedupe import REDIS_KEY_PREFIX, Deliveries, RecentKeys


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


# -- Deliveries: shared by every Rasa process through Redis ------------------------------------------------------
@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory):
    server = shutil.which("redis-server")
    if not server:
        pytest.skip("redis-server is needed (.ci/run installs it)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path_factory.mktemp("redis"))],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


def test_two_processes_sharing_redis_answer_a_delivery_once(redis_url: str):
    first, second = Deliveries(redis_url), Deliveries(redis_url)  # as two Rasa processes
    key = f"Ev{time.time_ns()}"

    async def deliveries() -> list[bool]:
        return [
            await first.first_time(key, "C1:100"),
            await second.first_time(key, "C1:100"),  # Slack's retry, at the other process
            await second.first_time(f"{key}-mention", "C1:100"),  # the app_mention of the same message
            await second.first_time(f"{key}-next", "C1:101"),  # the next message
        ]

    assert asyncio.run(deliveries()) == [True, False, False, True]


def test_keys_in_redis_expire(redis_url: str):
    import redis

    deliveries = Deliveries(redis_url, ttl=60)
    key = f"Ev{time.time_ns()}"
    assert asyncio.run(deliveries.first_time(key))
    remaining = redis.Redis.from_url(redis_url).ttl(REDIS_KEY_PREFIX + key)
    assert 0 < remaining <= 60


def test_without_redis_a_process_still_answers_once_from_its_own_memory():
    unreachable = Deliveries(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there

    async def deliveries() -> list[bool]:
        return [await unreachable.first_time("Ev1"), await unreachable.first_time("Ev1")]

    assert asyncio.run(deliveries()) == [True, False]
