"""What every channel accepts from a user, in one place: one length limit and one cleaning of the text.

A message far longer than anyone types (a pasted 100 KB file) held the server for half a minute in NLU, so
each channel refuses it at once, with a friendly reply, before it reaches NLU.
"""

from __future__ import annotations

import re

from knowledge.domain_copy import response_text
from knowledge.settings import channels

MAX_MESSAGE_CHARS = channels().max_message_chars
MAX_SENDER_CHARS = 255  # the sender_id column of Rasa's SQL tracker store
# The refusals are domain responses (the copy lives in domain.yml), sent here because they are sent before Rasa.
TOO_LONG_REPLY = response_text("utter_message_too_long", max_chars=MAX_MESSAGE_CHARS)
EMPTY_REPLY = response_text("utter_message_empty")
# C0 and C1 control characters except tab and newline (NUL cannot be stored in PostgreSQL text), and lone
# surrogates, which a JSON body may carry ("\ud800") but no UTF-8 encoder accepts.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(text: str) -> str:
    """The message without control characters and outer whitespace."""
    return CONTROL_CHARACTERS.sub(" ", text).strip()


def refusal(text: str) -> str | None:
    """The reply that stands for a message too odd to process (empty or too long), or None to process it."""
    if len(text) > MAX_MESSAGE_CHARS:
        return TOO_LONG_REPLY
    if not clean_text(text):
        return EMPTY_REPLY
    return None
