"""Temperatures and ages read as numbers, compared with NICE NG143's thresholds for a feverish baby.

Phrase rules cannot list every reading ("38,2", "100.8F", "101 degrees", "a 7 week old"), so numbers are parsed:
- a temperature in °C or °F, with a decimal point or comma; without a unit, 34-43 is °C and 93-110 is °F;
- an age in days, weeks or months ("6 week old", "3-month-old", "she is 10 weeks", "newborn");
- how long a fever has lasted ("a fever for 5 days", "6 days of temperature").
Tiers (../shared/evidence/urgent_care.yaml, NICE NG143 red and amber): under 3 months with 38 °C or more is an
emergency; 3 to 6 months with 39 °C or more, and a fever for 5 days or more, are same-day signs.
No Rasa imports here. Whether a reading is about now (not "last week", not someone else) is decided by the
caller's context rules, from the clause each reading is found in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
}  # fmt: skip
NUMBER = r"(\d{1,3}|" + "|".join(sorted(WORD_NUMBERS, key=len, reverse=True)) + r")(?:\s+and\s+a\s+half)?"
DAYS_PER_UNIT = {"d": 1.0, "w": 7.0, "m": 30.4}
UNIT = r"(days?|d|weeks?|wks?|w|months?|mths?|mos?|m)"

# A reading with a unit, or a bare number after a temperature word ("temp 38,4", "temperature of 101").
TEMPERATURE = re.compile(
    r"(?<![\d.,])(\d{2,3}(?:[.,]\d{1,2})?)\s*(?:°|º|degrees?|deg\b|˚)?\s*(c\b|f\b|celsius|centigrade|fahrenheit)?",
    re.IGNORECASE,
)
TEMPERATURE_WORD = re.compile(
    r"\b(temp|temps|temperature|temperatures|fever|febrile|thermometer|reading|read|degrees?|°|º)\b|°|º", re.I
)
NOT_BODY = re.compile(r"\b(bath|water|room|outside|weather|oven|wash|washing|shower|house|heating|fridge)\b", re.I)
# "6 week old", "six-week-old", "3 months old", "10 wk baby", "my 8 weeks baby", "she is 10 weeks", "aged 2 months",
# "bub 6wks", "baby (7 weeks)"
AGE = re.compile(
    rf"\b{NUMBER}[\s-]*{UNIT}\b[\s-]*(?:old|baby|babies|newborn|infant|son|daughter|boy|girl|lo|little)\b",
    re.IGNORECASE,
)
AGE_AFTER_SUBJECT = re.compile(
    rf"\b(?:baby|bub|bubs|bubba|newborn|infant|son|daughter|boy|girl|she|he|lo|little one)(?:'s|\s+is|\s+was|"
    rf"\s+who's|\s+who is|\s+aged?|\s*[(,:-])?\s*(?:only\s+|just\s+|nearly\s+|almost\s+)?"
    rf"{NUMBER}[\s-]*{UNIT}\b(?!\s*(?:ago|later|now|of))",
    re.IGNORECASE,
)
# An age typed as one word at the start of a message or before a comma: "5mo, 102.4F", "7wks - 38.1"
AGE_ABBREVIATED = re.compile(r"\b(\d{1,2})(mo|mos|mth|mths|wk|wks)\b", re.IGNORECASE)
NEWBORN = re.compile(r"\b(new[\s-]?born|neonate|neo-nate)\b", re.IGNORECASE)
# "fever for 5 days", "temperature since 6 days", "6 days of fever", "fever on and off for a week"
FEVER_DAYS = re.compile(
    rf"\b(?:fever|temp|temperature|febrile|high temps?)\b[^.?!]{{0,40}}?\b(?:for|since|over|about|nearly|almost|"
    rf"now|going on)\s+(?:the\s+(?:last|past)\s+)?{NUMBER}\s*(days?|weeks?)\b|\b{NUMBER}\s*(days?|weeks?)\s+"
    rf"(?:of|with)\s+(?:a\s+)?(?:high\s+)?(?:fever|temp|temperature)",
    re.IGNORECASE,
)
# "day 6 of temps", "day 5 of a fever"
FEVER_DAY_N = re.compile(
    r"\bday\s+(\d{1,2})\s+(?:of|with)\s+(?:a\s+|the\s+|his\s+|her\s+)?(?:high\s+)?" r"(?:fever|temps?|temperatures?)\b",
    re.IGNORECASE,
)
FEVER_A_WEEK = re.compile(r"\b(?:fever|temp|temperature)\b[^.?!]{0,40}?\bfor (?:over )?a week\b", re.IGNORECASE)

EMERGENCY_FEVER_C = 38.0  # under 3 months (NICE NG143 red)
SAME_DAY_FEVER_C = 39.0  # 3 to 6 months (NICE NG143 amber)
FEVER_DAYS_SAME_DAY = 5  # a fever for 5 days or more (NICE NG143 amber)
THREE_MONTHS_DAYS = 91
SIX_MONTHS_DAYS = 183


@dataclass(frozen=True)
class Reading:
    tier: str  # emergency or same_day
    evidence: str  # the numbers that decided it, for the log (never the whole message)
    start: int  # character offsets of the reading in the text, for the caller's context rules
    end: int


def _number(word: str) -> int:
    return int(word) if word.isdigit() else WORD_NUMBERS[word.lower()]


def temperatures_c(text: str) -> list[tuple[float, int, int]]:
    """Body temperatures in °C with their character spans: 38,2 -> 38.2; 100.4F -> 38.0. Other numbers ignored."""
    found = []
    for match in TEMPERATURE.finditer(text):
        value = float(match.group(1).replace(",", "."))
        unit = (match.group(2) or "").lower()[:1]
        window = text[max(0, match.start() - 40) : match.end() + 15]
        decimal = bool(re.search(r"[.,]", match.group(1)))
        if not unit and not decimal and not TEMPERATURE_WORD.search(window):
            continue  # "38 nappies", "100 ml": a whole number with no unit and no temperature word near it
        if NOT_BODY.search(window):
            continue  # the bath, the room, the weather
        if unit == "f" or (not unit and 93 <= value <= 110):
            value = (value - 32) * 5 / 9
        if 34.0 <= value <= 43.5:
            found.append((round(value, 1), match.start(), match.end()))
    return found


def ages_days(text: str) -> list[tuple[float, int, int]]:
    """Ages of a baby or child in days, with spans; a newborn counts as 14 days."""
    found = []
    for pattern in (AGE, AGE_AFTER_SUBJECT, AGE_ABBREVIATED):
        for match in pattern.finditer(text):
            unit = match.group(2).lower()
            if unit.startswith("mo") or unit.startswith("mth") or unit == "m":
                per = DAYS_PER_UNIT["m"]
            else:
                per = DAYS_PER_UNIT[unit[0]]
            found.append((_number(match.group(1)) * per, match.start(), match.end()))
    found += [(14.0, m.start(), m.end()) for m in NEWBORN.finditer(text)]
    return found


def fever_days(text: str) -> list[tuple[float, int, int]]:
    found: list[tuple[float, int, int]] = []
    for match in FEVER_DAYS.finditer(text):
        number, unit = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        days = float(_number(number) * (7 if unit.lower().startswith("week") else 1))
        found.append((days, match.start(), match.end()))
    found += [(7.0, m.start(), m.end()) for m in FEVER_A_WEEK.finditer(text)]
    found += [(float(m.group(1)), m.start(), m.end()) for m in FEVER_DAY_N.finditer(text)]
    return found


def normal_temperature(text: str) -> bool:
    """Whether the message gives a body temperature and every one it gives is below a fever (38 °C)."""
    temperatures = temperatures_c(text)
    return bool(temperatures) and max(t for t, _, _ in temperatures) < EMERGENCY_FEVER_C


def read(text: str) -> list[Reading]:
    """Every urgent reading in the text, highest tier first."""
    readings: list[Reading] = []
    temperatures = temperatures_c(text)
    ages = ages_days(text)
    if temperatures and ages:
        hottest, t_start, t_end = max(temperatures)
        youngest, a_start, a_end = min(ages)
        span = (t_start, t_end)  # the age is context; the reading's clause decides
        if youngest < THREE_MONTHS_DAYS and hottest >= EMERGENCY_FEVER_C:
            readings.append(Reading("emergency", f"{hottest} C at {youngest:.0f} days", *span))
        elif youngest < SIX_MONTHS_DAYS and hottest >= SAME_DAY_FEVER_C:
            readings.append(Reading("same_day", f"{hottest} C at {youngest:.0f} days", *span))
    for days, start, end in fever_days(text):
        if days >= FEVER_DAYS_SAME_DAY:
            readings.append(Reading("same_day", f"fever for {days:.0f} days", start, end))
    return sorted(readings, key=lambda r: r.tier != "emergency")
