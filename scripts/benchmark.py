"""Measure the assistant: server start-up, REST latency (one user and concurrent users), memory, and the
knowledge store's query times. Prints figures; asserts nothing. Run with `make benchmark`.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from actions.knowledge.store import KnowledgeStore  # noqa: E402
from tests.support.stack import Stack  # noqa: E402

MESSAGES = ["what is the gut-skin axis?", "tell me more", "in simpler words", "what's the source",
            "and prebiotics?", "does it work for eczema?", "what does LPS mean",
            "is it true that probiotics cure eczema", "hello", "what's the weather like"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, n={len(ordered)}"


def timed_say(stack: Stack, sender: str, message: str) -> float:
    started = time.perf_counter()
    stack.say(sender, message)
    return time.perf_counter() - started


def conversation(stack: Stack, sender: str) -> list[float]:
    return [timed_say(stack, sender, message) for message in MESSAGES]


def main() -> int:
    with tempfile.TemporaryDirectory() as work:
        stack = Stack(Path(work))
        started = time.perf_counter()
        stack.actions.start(timeout=60)
        actions_ready = time.perf_counter() - started
        stack.rasa.start(timeout=300)
        rasa_ready = time.perf_counter() - started - actions_ready
        try:
            print(f"start-up: action server {actions_ready:.1f} s, Rasa server {rasa_ready:.1f} s")
            conversation(stack, "warm-up")
            parse = []
            for _ in range(3):
                for message in MESSAGES:
                    started = time.perf_counter()
                    stack.parse(message)
                    parse.append(time.perf_counter() - started)
            solo = [t for i in range(3) for t in conversation(stack, f"solo-{i}")]
            print(f"bare /model/parse:     {percentiles(parse)}")
            print(f"REST, one user:        {percentiles(solo)} "
                  f"({statistics.median(solo) / statistics.median(parse):.1f} times a bare parse)")
            for users in (10, 50):
                started = time.perf_counter()
                with ThreadPoolExecutor(max_workers=users) as pool:
                    runs = list(pool.map(lambda i: conversation(stack, f"load-{users}-{i}"), range(users)))
                elapsed = time.perf_counter() - started
                samples = [t for run in runs for t in run]
                print(f"REST, {users} concurrent users: {percentiles(samples)}, {len(samples) / elapsed:.1f} msg/s")
            print(f"memory (RSS): action server {rss_mb(stack.actions.process.pid):.0f} MB, "
                  f"Rasa server {rss_mb(stack.rasa.process.pid):.0f} MB")
        finally:
            stack.stop()

        store = KnowledgeStore(stack.knowledge_url)
        store.find_topics("warm up the matcher")
        for label, call in (("topic by slug", lambda: store.topic("butyrate")),
                            ("find topics in a message", lambda: store.find_topics("does fibre help eczema?")),
                            ("full-text search", lambda: store.search("butyrate and the skin barrier")),
                            ("find a myth", lambda: store.find_myth("is it true that leaky gut causes eczema"))):
            samples = []
            for _ in range(200):
                started = time.perf_counter()
                call()
                samples.append(time.perf_counter() - started)
            print(f"knowledge store, {label}: median {statistics.median(samples) * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
