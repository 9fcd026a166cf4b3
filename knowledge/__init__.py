"""The knowledge store: curated YAML content, validated and built into SQL, queried by the bot from memory.

It does not import rasa_sdk, so it can be used and tested on its own. The names below load on first use, so
that `import knowledge.settings` (read by every process, scripts included) does not load spaCy and SQLAlchemy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .content import TOPIC_SLUGS, Content, ContentError, Source, Topic, load_content
    from .store import KnowledgeStore, KnowledgeStoreUnavailable

_WHERE = {
    "TOPIC_SLUGS": "content",
    "Content": "content",
    "ContentError": "content",
    "Source": "content",
    "Topic": "content",
    "load_content": "content",
    "KnowledgeStore": "store",
    "KnowledgeStoreUnavailable": "store",
}
__all__ = [
    "TOPIC_SLUGS",
    "Content",
    "ContentError",
    "KnowledgeStore",
    "KnowledgeStoreUnavailable",
    "Source",
    "Topic",
    "load_content",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'knowledge' has no attribute {name!r}")
    return getattr(import_module(f".{_WHERE[name]}", __name__), name)
