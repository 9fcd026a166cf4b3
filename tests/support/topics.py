"""The real topic model, trained from the real content and NLU data (no Rasa needed).

Training takes about half a minute, so the fitted model is kept under build/cache/ and reused while its inputs
(content, NLU data, the model's code, scikit-learn's version) are unchanged: `make unit` stays a fast loop.

Action tests put its prediction into the tracker's parse data, as the Rasa server's TopicClassifier does, so
they exercise the actions on what the NLU really says about a message instead of on a ranking typed by hand.
"""

from __future__ import annotations

import os
import shutil
from functools import lru_cache
from pathlib import Path

import sklearn
import yaml

from knowledge.content import load_content, topic_questions
from knowledge.fingerprint import files_fingerprint
from knowledge.settings import CONTENT_DIR
from rasa_ext.components.topic_model import TopicModel, training_set

ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = ROOT / "build" / "cache"
CACHE_PREFIX = "test-topic-model-"


def nlu_examples() -> list[tuple[str, str, None]]:
    """(text, intent, None) for every example of data/nlu (the intents that are not topic questions)."""
    examples = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" in block and isinstance(block.get("examples"), str):
                examples += [
                    (line.strip()[2:].strip(), block["intent"], None)
                    for line in block["examples"].splitlines()
                    if line.strip().startswith("- ")
                ]
    return examples


def _inputs_fingerprint() -> str:
    inputs = [
        *CONTENT_DIR.rglob("*.yml"),
        *(ROOT / "data" / "nlu").glob("*.yml"),
        ROOT / "rasa_ext" / "components" / "topic_model.py",
        ROOT / "rasa_ext" / "components" / "model_files.py",
        ROOT / "knowledge" / "content.py",  # topic_questions: what the topics are learned from
        Path(__file__).resolve(),
    ]
    return files_fingerprint(inputs, ROOT)[:16] + "-sklearn" + sklearn.__version__


@lru_cache(maxsize=1)
def topic_model() -> TopicModel:
    cached = CACHE_DIR / f"{CACHE_PREFIX}{_inputs_fingerprint()}"  # a folder, saved as the Rasa component saves
    if cached.is_dir():
        return TopicModel.load(cached)
    model = _train_topic_model()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for stale in CACHE_DIR.glob(f"{CACHE_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(missing_ok=True)
    partial = CACHE_DIR / f"partial-{os.getpid()}"  # another test process may write the same model
    partial.mkdir()
    model.save(partial)
    try:
        partial.rename(cached)
    except OSError:  # the other process was first: its copy is the same
        shutil.rmtree(partial, ignore_errors=True)
    return model


def _train_topic_model() -> TopicModel:
    content = load_content(CONTENT_DIR)
    topic_examples = [(text, "ask_topic", slug) for text, slug in topic_questions(content)]
    glossary = {t.slug: [p for g in t.glossary for p in (g.term, *g.synonyms)] for t in content.topics.values()}
    texts, labels = training_set(topic_examples + nlu_examples())
    return TopicModel(glossary).fit(texts, labels)  # as the Rasa component trains it


def topics_parse_data(text: str) -> dict | None:
    """What the NLU puts under `topics` for this message (None for a button payload or no text)."""
    if not text or text.startswith("/"):
        return None
    return topic_model().predict(text).as_parse_data(text)
