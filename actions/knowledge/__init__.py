"""The knowledge store: curated YAML content, validated and built into SQL, queried by the bot.

It does not import rasa_sdk, so it can be used and tested on its own.
"""
from .content import TOPIC_SLUGS, Content, ContentError, load_content
from .store import KnowledgeStore, KnowledgeStoreUnavailable, SourceView, TopicView

__all__ = ["TOPIC_SLUGS", "Content", "ContentError", "KnowledgeStore", "KnowledgeStoreUnavailable",
           "SourceView", "TopicView", "load_content"]
