"""Chat words that say how someone feels, not what they ask ("lol", "omg", "is killing me"), taken out before a
message is matched with topics and answers. The safety checks read the message as written."""

from __future__ import annotations

import re

# Whole words only: "lo" (little one) and "idk" carry meaning and stay.
CHATTER = re.compile(
    r"\b(?:lol+|lmao|lmfao|rofl|omg+|omfg|haha\w*|hehe\w*|ugh+|argh+|tbh|ngl|smh|ffs|pls|plz|xx+)\b|"
    # a figure of speech about how bad it is: "this itch is killing me", "it's driving me mad"
    r"\b(?:is|are|its|'s|'re|s|keeps?|keeping) (?:literally )?"
    r"(?:killing me|driving me (?:mad|crazy|nuts|insane|up the wall))\b",
    re.IGNORECASE,
)
SPACES = re.compile(r"\s{2,}")


def without_chatter(text: str) -> str:
    """The message without its chat words ("this itch is killing me lol" -> "this itch"); the message itself when
    nothing else would be left."""
    kept = SPACES.sub(" ", CHATTER.sub(" ", text)).strip()
    return kept if re.search(r"\w", kept) else text
