"""Word forms shared by the extractor and the binder: singulars, stop words, names."""

from __future__ import annotations

import re

from datagen.agent.offline import naming

# -ics words that are no plurals (the rest, "clinics", "metrics", are)
_ICS = {"physics", "mathematics", "economics", "logistics", "analytics", "electronics",
        "ethics", "politics", "athletics", "genetics", "robotics", "linguistics", "aerobics",
        "gymnastics", "statistics", "diagnostics", "optics", "acoustics"}  # fmt: skip


def singular(word: str) -> str:
    """'bakeries' -> 'bakery', 'clinics' -> 'clinic', 'logistics' -> 'logistics'."""
    word = word.lower()
    if word.endswith("ics") and word not in _ICS:
        return word[:-1]
    return naming.singular(word)


# words that end a noun phrase after a number ("40 bakeries in Madrid")
_STOP_TEXT = """
    a an the and or of in on at by for from to with within across per each every who which that
    whose where when while is are was were be been being has have had do does did will would
    can could should may might must it its their there this these those than then as into over
    under about around roughly approximately some nearly almost up down out so but not no only
    also just both all any most many much more less few several between during after before
    since until through via among get gets got go goes make makes made take takes took
"""
STOP = frozenset(_STOP_TEXT.split())

TIME_UNITS = {
    "second": 1,
    "sec": 1,
    "minute": 60,
    "min": 60,
    "hour": 3600,
    "hr": 3600,
    "day": 86400,
    "week": 7 * 86400,
    "fortnight": 14 * 86400,
    "month": 30 * 86400,
    "quarter": 91 * 86400,
    "year": 365 * 86400,
}
TIME_UNIT = (
    r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|fortnights?|months?|"
    r"quarters?|years?)"
)


def time_unit_seconds(word: str) -> int | None:
    word = word.lower().rstrip(".")
    if word.endswith("s") and word[:-1] in TIME_UNITS:
        word = word[:-1]
    return TIME_UNITS.get(word)


def tokens(text: str) -> list[str]:
    """Lower-case words (hyphens kept inside words)."""
    return re.findall(r"[a-z][a-z0-9'-]*", text.lower())


def stems(text: str) -> set[str]:
    """The singular forms of the content words of a text: what binding compares."""
    out: set[str] = set()
    for word in tokens(text.replace("_", " ")):
        if word in STOP:
            continue
        out.add(singular(word))
        for part in word.split("-"):
            if part and part not in STOP:
                out.add(singular(part))
    return out


# what 'higher X' counts rows of: left to the time patterns ('higher traffic in December')
VOLUME = {"traffic", "demand", "volume", "volumes", "activity", "usage", "sales", "footfall",
          "attendance", "ridership", "load", "turnover", "engagement", "numbers", "counts",
          "occupancy", "bookings", "orders", "visits", "calls", "signups", "registrations"}  # fmt: skip
