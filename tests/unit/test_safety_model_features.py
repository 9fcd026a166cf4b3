"""The learned safety model's words: a plain negation's scope is marked, so "no fever" is not "fever"."""

from __future__ import annotations

import pytest

from safety.model import mark_negations


@pytest.mark.parametrize(
    "text, marked",
    [
        ("runny nose, no temp, eczema flaring", "runny nose, no neg_temp, eczema flaring"),
        ("not having any trouble breathing, just", "not neg_having neg_any neg_trouble neg_breathing, just"),
        ("she is not breathing", "she is not neg_breathing"),
        ("he can't breathe", "he can't breathe"),  # in a contraction the negation is the sign
        ("no fever but now her lips are blue", "no neg_fever but now her lips are blue"),  # "but" ends the scope
    ],
)
def test_the_scope_of_a_plain_negation_is_marked(text, marked):
    assert mark_negations(text) == marked
