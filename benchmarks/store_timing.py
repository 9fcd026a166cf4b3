"""Time the knowledge store's lookups on messages people write (each message once per lookup, so the
per-message cache of the spaCy pass does not flatter the figures)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.load import percentile
from knowledge.content import Content
from knowledge.store import KnowledgeStore


@dataclass(frozen=True)
class LookupTiming:
    name: str
    p50: float  # seconds
    p99: float
    samples: int


def questions(content: Content) -> list[str]:
    """Distinct questions from the content: every topic's example questions and every myth's phrasings."""
    seen: dict[str, None] = {}
    for topic in content.topics.values():
        seen.update(dict.fromkeys(topic.examples))
    for myth in content.myths:
        seen.update(dict.fromkeys(myth.phrasings))
    return list(seen)


def _time(name: str, call: Callable[[str], object], arguments: list[str]) -> LookupTiming:
    samples = []
    for argument in arguments:
        started = time.perf_counter()
        call(argument)
        samples.append(time.perf_counter() - started)
    samples.sort()
    return LookupTiming(name, percentile(samples, 0.5), percentile(samples, 0.99), len(samples))


def time_answer_matching(store: KnowledgeStore, messages: list[str]) -> list[LookupTiming]:
    """Finding a specific answer by words, and by meaning (the sentence encoder embeds the message: the costlier
    of the two, asked only when the words find nothing), on the same messages in one run."""
    store.snapshot().load_meanings()  # the encoder and the wordings' vectors: loaded once per process, not timed
    return [
        _time("answer by words", store.find_answers, messages),
        _time("answer by meaning", store.find_by_meaning, messages),
    ]


def time_lookups(store: KnowledgeStore, messages: list[str], slugs: list[str]) -> list[LookupTiming]:
    """The lookups the actions make in a turn (find_topics and match_topics serve the command line only)."""
    store.topic(slugs[0])  # load the snapshot first: loading is timed on its own
    return [
        _time("topic by slug", store.topic, slugs * max(1, 2000 // len(slugs))),
        _time("full-text search", store.search, messages),
        _time("find a myth", store.find_myth, messages),
        _time("glossary term in a message", store.glossary_entry, messages),
    ]
