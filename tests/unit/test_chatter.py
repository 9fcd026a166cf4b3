"""Chat words are taken out before matching; what the message asks stays."""

import pytest

from knowledge.chatter import without_chatter


@pytest.mark.parametrize(
    "text, kept",
    [
        ("this itch is killing me lol", "this itch"),
        ("omg my lo has eczema again", "my lo has eczema again"),  # "lo" is the little one
        ("the itch is driving me mad, what helps?", "the itch , what helps?"),
        ("hahaha no I meant for my son", "no I meant for my son"),
        ("is eczema killing my baby's gut bacteria?", "is eczema killing my baby's gut bacteria?"),  # no figure
        ("lollipops and eczema?", "lollipops and eczema?"),  # whole words only
    ],
)
def test_chat_words_go(text, kept):
    assert without_chatter(text) == kept


def test_a_message_of_chat_words_only_is_kept():
    assert without_chatter("lol") == "lol"
    assert without_chatter("omg xx") == "omg xx"
