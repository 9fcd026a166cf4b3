"""Find the specific answer or topic card a message asks for by meaning, not by shared words.

The lexical index (answer_index.py) needs the message to share words with an answer's wordings. People write
"can I give her scrambled egg yet" for "when can babies start eggs". This index embeds every wording of every
answer and every topic's example questions with a sentence encoder (sentence_encoder.py) and scores a message
by cosine similarity with its closest wording. A long letter is also read sentence by sentence (its question is
usually one sentence among the story), and the best of those readings counts.

Embedding some 6,000 wordings takes about 40 seconds, so the vectors are kept in a cache file named by the
model and the exact wordings (build/sentence_vectors/, NumPy .npy, no pickle); `python -m knowledge build`
fills it. A message is embedded only when an action asks (a few milliseconds per sentence).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path

import numpy as np

from .answer_index import AnswerMatch
from .content import Answer
from .sentence_encoder import MODEL_PACKAGE, EncoderMissing, SentenceEncoder, load_encoder, split_sentences

log = logging.getLogger(__name__)

MAX_SENTENCES = 8  # a letter's sentences read one by one (the questions first); more cost time and add little
Entry = tuple[str, Answer | None, tuple[str, ...]]  # (topic slug, answer or None for the topic card, wordings)


def cache_file(cache_dir: Path, texts: list[str]) -> Path:
    digest = hashlib.sha256(MODEL_PACKAGE.encode())
    for text in texts:
        digest.update(text.encode())
        digest.update(b"\0")
    return cache_dir / f"{digest.hexdigest()[:24]}.npy"


def cached_vectors(encoder: SentenceEncoder, texts: list[str], cache_dir: Path) -> np.ndarray:
    """The wordings' vectors from the cache file, or embedded now and written to it (atomically)."""
    path = cache_file(cache_dir, texts)
    if path.exists():
        vectors = np.load(path, allow_pickle=False)
        if vectors.shape == (len(texts), encoder.dimension):
            return vectors
    vectors = encoder.encode(texts)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache_dir, suffix=".tmp", delete=False) as handle:
            np.save(handle, vectors, allow_pickle=False)
        os.replace(handle.name, path)
    except OSError as error:  # a read-only checkout still answers; it embeds again at the next start
        log.warning("could not keep the sentence vectors in %s: %s", cache_dir, error)
    return vectors


def message_readings(message: str) -> list[str]:
    """The whole message, and for a letter its questions (or, when it asks none with a question mark, each of
    its sentences): a story sentence ("she's 2") is read on its own only when no sentence asks."""
    sentences = split_sentences(message)
    if len(sentences) <= 1:
        return [message]
    questions = [s for s in sentences if "?" in s]
    return [message, *(questions or sentences)[:MAX_SENTENCES]]


class SemanticIndex:
    """Answers and topic cards by meaning. Built lazily: the encoder and the vectors load on first use, so a
    process that never asks pays nothing; a missing model package disables the index with one warning."""

    def __init__(self, entries: list[Entry], cache_dir: Path):
        self._entries = entries
        texts = [text for _, _, wordings in entries for text in wordings]
        # the cache holds the distinct wordings in sorted order, so that content built into the database (which
        # returns answers in its own order) and content read from the YAML files share one file
        self._texts = sorted(set(texts))
        row = {text: i for i, text in enumerate(self._texts)}
        self._rows = np.array([row[text] for text in texts], dtype=np.int32)
        self._owner = np.array([i for i, (_, _, wordings) in enumerate(entries) for _ in wordings], dtype=np.int32)
        self._cache_dir = cache_dir
        self._lock = threading.Lock()
        self._builder: threading.Thread | None = None  # embeds the wordings when no cache file has them
        self._builder_lock = threading.Lock()  # not self._lock: the builder holds that while it embeds
        self._encoder: SentenceEncoder | None = None
        self._vectors: np.ndarray | None = None
        self._missing = False

    @property
    def cache_path(self) -> Path:
        """The file that keeps the wordings' vectors (whether or not it exists yet)."""
        return cache_file(self._cache_dir, self._texts)

    def load(self) -> bool:
        """Load the encoder and the wordings' vectors; False when the model package is missing."""
        with self._lock:
            if self._vectors is not None or self._missing:
                return not self._missing
            try:
                encoder = load_encoder()
            except EncoderMissing as error:
                log.warning("matching by meaning is off: %s", error)
                self._missing = True
                return False
            self._vectors = cached_vectors(encoder, self._texts, self._cache_dir)[self._rows]
            self._encoder = encoder
            return True

    def ready(self, wait: bool = True) -> bool:
        """Whether the vectors are loaded, loading them first. Without `wait`, and with no cache file for these
        wordings (a checkout that skipped `python -m knowledge build`, or content rebuilt while serving), they are
        embedded in a background thread and this says False until they are: no question waits the ~40 s."""
        if self._vectors is not None:
            return True
        if self._missing:
            return False
        if wait or self.cache_path.exists():
            return self.load()
        with self._builder_lock:
            if self._builder is None:
                log.warning(
                    "no sentence vectors cached for this content in %s: embedding %d wordings in the background "
                    "(about 40 s); answers are found by words until then",
                    self._cache_dir,
                    len(self._texts),
                )
                self._builder = threading.Thread(target=self.load, name="sentence-vectors", daemon=True)
                self._builder.start()
        return False

    def wait_for_background(self, timeout: float | None = None) -> None:
        """Wait for a background embedding started by ready(wait=False), if any (for tests and tools)."""
        if self._builder is not None:
            self._builder.join(timeout)

    def find(self, message: str, limit: int = 3, wait: bool = True) -> list[AnswerMatch]:
        """The answers and topic cards closest in meaning to the message (or to one of its sentences), best
        first, each scored by its closest wording (cosine, 0..1); none while the vectors are still being
        embedded in the background (see ready)."""
        if not message.strip() or not self._texts or not self.ready(wait):
            return []
        assert self._encoder is not None and self._vectors is not None
        readings = self._encoder.encode(message_readings(message))
        similarity = (self._vectors @ readings.T).max(axis=1)
        best = np.full(len(self._entries), -1.0)
        np.maximum.at(best, self._owner, similarity)
        order = np.argsort(-best)[:limit]
        return [
            AnswerMatch(self._entries[i][0], self._entries[i][1], float(max(best[i], 0.0)))
            for i in order
            if best[i] > 0
        ]
