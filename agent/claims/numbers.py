"""Numbers as people write them: digits, words, suffixes, fractions and percentages.

`NUMBER` is a regex fragment that matches one written number ("40", "25k",
"1.5M", "2,500", "forty", "twenty-five thousand", "a million", "a dozen");
`to_number` reads what it matched. Word numbers are read by text2num.
"""

from __future__ import annotations

import re

from text_to_num import text2num

_SMALL = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    "eighty|ninety"
)
_SCALE_WORD = "hundred|thousand|million|billion"
_WORD = rf"(?:{_SMALL}|{_SCALE_WORD})"
WORD_NUMBER = (
    rf"(?:(?:half\s+a|a\s+couple(?:\s+of)?|a\s+few|several)\s+(?:{_SCALE_WORD})"
    rf"|(?:a|an|one)\s+(?:dozen|{_SCALE_WORD})(?:\s+(?:{_SCALE_WORD}))?"
    rf"|(?:{_SMALL})(?:(?:\s+and\s+|[\s-]+){_WORD})*(?:\s+dozen)?)"
)
DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
SUFFIX = r"(?:\s?(?:k|K|M|mm|MM|bn|B)\b|\s+(?:thousand|million|billion)\b)"
NUMBER = rf"(?:(?<![\w.]){DIGITS}{SUFFIX}?|\b{WORD_NUMBER}\b)"
NUMBER_RE = re.compile(NUMBER, re.IGNORECASE)

SUFFIXES = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mm": 1e6,
    "million": 1e6,
    "bn": 1e9,
    "b": 1e9,
    "billion": 1e9,
}
_WORD_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 10**9}


def to_number(text: str) -> float | None:
    """'25k' -> 25000, '2,500' -> 2500, 'twenty-five thousand' -> 25000, 'a dozen' -> 12,
    'half a million' -> 500000, 'a couple thousand' -> 2000."""
    text = text.strip()
    found = re.fullmatch(rf"({DIGITS})\s*([A-Za-z]+)?", text)
    if found:
        value = float(found.group(1).replace(",", ""))
        suffix = (found.group(2) or "").lower()
        if suffix and suffix not in SUFFIXES:
            return None
        return value * SUFFIXES.get(suffix, 1.0)
    words = re.sub(r"\s+", " ", text.lower().replace("-", " "))
    dozen = words.endswith("dozen")
    if dozen:
        words = words[: -len("dozen")].strip()
        if words in ("a", "an", "one", ""):
            return 12.0
    vague = re.fullmatch(r"(half a|a couple(?: of)?|a few|several) (\w+)", words)
    if vague:  # "half a million", "a couple thousand": the scale times a rough count
        factor = {"half a": 0.5, "a few": 3, "several": 5}.get(vague.group(1), 2)
        return factor * _WORD_SCALES.get(vague.group(2), 1)
    head, _, rest = words.partition(" ")
    if head in ("a", "an"):
        # "a million", "a hundred thousand": text2num wants "one"
        words = "one " + rest
    try:
        value = float(text2num(words, "en"))
    except ValueError:
        value_or_none = _scaled_words(words)
        if value_or_none is None:
            return None
        value = value_or_none
    return value * 12 if dozen else value


def _scaled_words(words: str) -> float | None:
    """'one hundred thousand' and other runs text2num refuses: multiply the scales."""
    total = 0.0
    current = 0.0
    for word in words.split():
        if word == "and":
            continue
        if word in _WORD_SCALES:
            current = (current or 1) * _WORD_SCALES[word]
            if _WORD_SCALES[word] >= 1000:
                total += current
                current = 0
            continue
        try:
            current += text2num(word, "en")
        except ValueError:
            return None
    return total + current


PERCENT = rf"(?P<pct>{NUMBER})\s*(?:%|\s+percent\b|\s+per\s?cent\b|\s+pct\b)"
FRACTION_WORDS = {
    "half": 0.5,
    "a half": 0.5,
    "one half": 0.5,
    "a third": 1 / 3,
    "one third": 1 / 3,
    "two thirds": 2 / 3,
    "a quarter": 0.25,
    "one quarter": 0.25,
    "three quarters": 0.75,
    "a fifth": 0.2,
    "one fifth": 0.2,
    "a tenth": 0.1,
    "one tenth": 0.1,
}
FRACTION = r"(?P<frac>" + "|".join(sorted(FRACTION_WORDS, key=len, reverse=True)) + r")"
ONE_IN = rf"(?P<one>{NUMBER})\s+(?:in|out\s+of)\s+(?:every\s+)?(?P<every>{NUMBER})"


def share_of(match: re.Match[str]) -> float | None:
    """The share a PERCENT, FRACTION or ONE_IN match states, as 0-1."""
    groups = match.groupdict()
    if groups.get("pct"):
        value = to_number(groups["pct"])
        return None if value is None else value / 100
    if groups.get("frac"):
        return FRACTION_WORDS[groups["frac"].lower()]
    if groups.get("one") and groups.get("every"):
        one, every = to_number(groups["one"]), to_number(groups["every"])
        if one is None or not every:
            return None
        return one / every
    return None
