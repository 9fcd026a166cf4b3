"""The knowledge store: curated YAML content, validated and built into SQL, queried by the bot from memory.

It does not import rasa_sdk, so it can be used and tested on its own.
"""

from .content import TOPIC_SLUGS, Content, ContentError, Source, Topic, load_content
from .store import KnowledgeStore, KnowledgeStoreUnavailable

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
