"""Temperatures and ages read as numbers, against NICE NG143's thresholds (no Rasa)."""

from __future__ import annotations

import pytest

from safety import numbers as safety_numbers


def tier(text: str) -> str | None:
    readings = safety_numbers.read(text)
    return readings[0].tier if readings else None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my 6 week old has a temp of 38,2", "emergency"),
        ("baby is 10 weeks, temperature 100.8F", "emergency"),
        ("newborn, 38.1 degrees", "emergency"),
        ("my 7-week-old feels hot, thermometer says 38", "emergency"),
        ("bub 6wks. temp 100.9", "emergency"),  # an abbreviated age after the subject; a bare °F reading
        ("baby (7 weeks) 38,1", "emergency"),
        ("my 4 month old is 39.4", "same_day"),
        ("4 month old 102.5 F", "same_day"),
        ("she's had a temperature for six days", "same_day"),
        ("my 8 wk baby temp 37.9", None),  # under 38
        ("my 4 month old is 38.6", None),  # 3-6 months: 39 or more
        ("my 2 year old has 39.5", None),  # an older child's fever alone is no tier
        ("6 weeks of eczema, bath water 38 degrees", None),
        ("my 9 week old takes 38 ml a feed", None),
        ("5mo, 102.4F on the ear thermometer", "same_day"),  # an age typed as one word
        ("7wks 38.1", "emergency"),
        ("day 6 of temps, the GP said viral", "same_day"),  # the day of a fever
        ("day 2 of a fever, drinking well", None),
    ],
)
def test_readings_against_the_thresholds(text, expected):
    assert tier(text) == expected


def test_fahrenheit_and_decimal_commas_are_converted():
    assert safety_numbers.temperatures_c("100.4 F")[0][0] == 38.0
    assert safety_numbers.temperatures_c("temp 38,6")[0][0] == 38.6


@pytest.mark.parametrize(
    "text, expected",
    [
        ("baby is 7 weeks, temp is 36.8, all normal", True),
        ("temp 37.6, he's 6, eczema flaring", True),
        ("7 weeks and 38.2", False),  # a fever
        ("no thermometer here but she feels hot", False),  # no reading at all
    ],
)
def test_a_normal_temperature_is_read_as_one(text, expected):
    assert safety_numbers.normal_temperature(text) is expected
