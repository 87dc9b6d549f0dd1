"""Time words: months, weekdays, seasons, hours of day, named holidays, and time windows.

Holiday dates that move from year to year (Easter, Thanksgiving, Ramadan,
Diwali, Lunar New Year...) come from the `holidays` package, per year.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache

from datagen.agent.claims.numbers import NUMBER
from datagen.agent.claims.numbers import to_number as number

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
MONTH_WORDS = frozenset(MONTHS)
MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5,
    "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
WEEKDAY = r"(?:" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")s?"
SEASONS = {  # northern hemisphere
    "spring": [3, 4, 5],
    "summer": [6, 7, 8],
    "autumn": [9, 10, 11],
    "fall": [9, 10, 11],
    "winter": [12, 1, 2],
}
SEASON = r"(?:" + "|".join(SEASONS) + r")"
YEAR = r"(?:19|20)\d\d"


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_start(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


# --------------------------------------------------------------------------- windows

_TO = r"\s*(?:to|and|until|till|through|thru|-|–|—)\s*"
_ISO = r"\d{4}-\d{2}-\d{2}"
_ORDINAL_QUARTER = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": 4}
WINDOW_RE = re.compile(
    rf"(?:(?:from|between)\s+)?(?P<iso1>{_ISO}){_TO}(?P<iso2>{_ISO})"
    rf"|\b(?:the\s+)?(?P<ay>{YEAR})(?:\s*[/-]\s*(?P<ay2>{YEAR}|\d\d))?\s+"
    rf"(?P<ayk>academic|school|fiscal|financial)\s+year"
    rf"|(?:(?:from|between)\s+)?(?P<m1>{MONTH})(?:\s+(?P<y1>{YEAR}))?{_TO}(?P<m2>{MONTH})\s+"
    rf"(?P<y2>{YEAR})"
    rf"|\bQ(?P<q>[1-4])\s*(?:of\s+)?(?P<qy>{YEAR})"
    rf"|\b(?:the\s+)?(?P<qw>first|second|third|fourth|last)\s+quarter\s+of\s+(?P<qwy>{YEAR})"
    rf"|\b(?:the\s+)?(?:(?P<hw>first|second)\s+half\s+of\s+|H(?P<h>[12])\s*)(?P<hy>{YEAR})"
    rf"|\b(?P<season>{SEASON})\s+(?:of\s+)?(?P<sy>{YEAR})"
    rf"|\b(?P<mm>{MONTH})\s+(?P<my>{YEAR})"
    rf"|\b(?:(?:from|between)\s+)?(?P<ya>{YEAR})\s*(?:to|through|until|and|-|–|—)\s*"
    rf"(?P<yb>{YEAR})"
    rf"|\b(?:the\s+)?(?:last|past|previous|recent)\s+(?P<rn>{NUMBER}\s+)?(?P<ru>days?|weeks?|"
    rf"months?|quarters?|years?)\b"
    rf"|\b(?P<since>since)\s+(?P<sy2>{YEAR})"
    rf"|\b(?:for|over|spanning|covering|across)\s+(?:a\s+period\s+of\s+|one\s+full\s+)?"
    rf"(?P<fn>{NUMBER}|a|an|one)\s+(?:full\s+)?(?P<fu>days?|weeks?|months?|years?)\b"
    rf"|\b(?:in|during|throughout|for|of|across|over)\s+(?:the\s+year\s+|the\s+(?=\d{{4}}\s+"
    rf"season))?(?P<year>{YEAR})(?:\s+season)?(?![\d-])",
    re.IGNORECASE,
)


def _back(today: dt.date, amount: int, unit: str) -> tuple[dt.date, dt.date]:
    unit = unit.lower().rstrip("s")
    if unit in ("day", "week"):
        return today - dt.timedelta(days=amount * (7 if unit == "week" else 1)), today
    months = amount * {"month": 1, "quarter": 3, "year": 12}[unit]
    end = dt.date(today.year, today.month, 1)
    return add_months(end, -months), end


def window_of(m: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date] | None:
    """[start, end) of a WINDOW_RE match; relative windows end at `today`'s month."""
    g = m.groupdict()
    try:
        if g["iso1"]:
            start = dt.date.fromisoformat(g["iso1"])
            end = dt.date.fromisoformat(g["iso2"]) + dt.timedelta(days=1)
            return (start, end) if end > start else None
        if g["ay"]:
            first = int(g["ay"])
            if g["ayk"].lower() in ("academic", "school"):  # September to September
                return dt.date(first, 9, 1), dt.date(first + 1, 9, 1)
            return dt.date(first, 1, 1), dt.date(first + 1, 1, 1)
        if g["m1"]:
            y2 = int(g["y2"])
            m1, m2 = _month(g["m1"]), _month(g["m2"])
            y1 = int(g["y1"]) if g["y1"] else (y2 if m1 <= m2 else y2 - 1)
            return month_start(y1, m1), add_months(month_start(y2, m2), 1)
        if g["q"] or g["qw"]:
            quarter = int(g["q"]) if g["q"] else _ORDINAL_QUARTER[g["qw"].lower()]
            year = int(g["qy"] or g["qwy"])
            start = month_start(year, 3 * quarter - 2)
            return start, add_months(start, 3)
        if g["hy"]:
            half = int(g["h"]) if g["h"] else (1 if g["hw"].lower() == "first" else 2)
            start = month_start(int(g["hy"]), 1 if half == 1 else 7)
            return start, add_months(start, 6)
        if g["season"]:
            months = SEASONS[g["season"].lower()]
            year = int(g["sy"])
            opening = month_start(year if months[0] != 12 else year - 1, months[0])
            return opening, add_months(opening, 3)
        if g["mm"]:
            start = month_start(int(g["my"]), _month(g["mm"]))
            return start, add_months(start, 1)
        if g["ya"]:
            a, b = int(g["ya"]), int(g["yb"])
            return (dt.date(a, 1, 1), dt.date(b + 1, 1, 1)) if b >= a else None
        if g["ru"]:
            amount = number(g["rn"]) if g["rn"] else 1
            return _back(today, int(amount or 1), g["ru"])
        if g["since"]:
            return dt.date(int(g["sy2"]), 1, 1), today
        if g["fu"]:
            amount = 1 if g["fn"].lower() in ("a", "an", "one") else number(g["fn"])
            return _back(today, int(amount or 1), g["fu"]) if amount else None
        if g["year"]:
            year = int(g["year"])
            return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    except (ValueError, KeyError):
        return None
    return None


def _month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


# --------------------------------------------------------------------------- holidays


@cache
def _country(code: str, year: int) -> dict[dt.date, str]:
    import holidays

    return dict(holidays.country_holidays(code, years=year))


def _named(code: str, needle: str, days: int = 1) -> Callable[[int], list[tuple[dt.date, dt.date]]]:
    """The first day of a country's holiday whose name contains `needle`, lasting `days`."""

    def spans(year: int) -> list[tuple[dt.date, dt.date]]:
        found = sorted(d for d, name in _country(code, year).items() if needle in name)
        if not found:
            return []
        return [(found[0], found[0] + dt.timedelta(days=days))]

    return spans


def _fixed(month: int, day: int, days: int = 1) -> Callable[[int], list[tuple[dt.date, dt.date]]]:
    def spans(year: int) -> list[tuple[dt.date, dt.date]]:
        start = dt.date(year, month, day)
        return [(start, start + dt.timedelta(days=days))]

    return spans


def _after_thanksgiving(offset: int, days: int) -> Callable[[int], list[tuple[dt.date, dt.date]]]:
    def spans(year: int) -> list[tuple[dt.date, dt.date]]:
        found = _named("US", "Thanksgiving")(year)
        if not found:
            return []
        start = found[0][0] + dt.timedelta(days=offset)
        return [(start, start + dt.timedelta(days=days))]

    return spans


def _ramadan(year: int) -> list[tuple[dt.date, dt.date]]:
    """Ramadan: the 30 days before Eid al-Fitr (Saudi calendar)."""
    found = _named("SA", "Eid al-Fitr")(year)
    if not found:
        return []
    eid = found[0][0]
    return [(eid - dt.timedelta(days=30), eid)]


def _easter(year: int) -> list[tuple[dt.date, dt.date]]:
    from dateutil.easter import easter

    sunday = easter(year)
    return [(sunday - dt.timedelta(days=2), sunday + dt.timedelta(days=2))]  # Good Friday-Monday


HOLIDAYS: dict[str, Callable[[int], list[tuple[dt.date, dt.date]]]] = {
    "christmas": _fixed(12, 24, 3),
    "new year": _fixed(1, 1),
    "new year's eve": _fixed(12, 31),
    "valentine's day": _fixed(2, 14),
    "halloween": _fixed(10, 31),
    "independence day": _fixed(7, 4),
    "black friday": _after_thanksgiving(1, 1),
    "cyber monday": _after_thanksgiving(4, 1),
    "thanksgiving": _named("US", "Thanksgiving"),
    "easter": _easter,
    "ramadan": _ramadan,
    "eid": _named("SA", "Eid al-Fitr", 3),
    "diwali": _named("IN", "Diwali", 5),
    "lunar new year": _named("CN", "Spring Festival", 7),
    "chinese new year": _named("CN", "Spring Festival", 7),
    "golden week": _named("CN", "National Day", 7),
    "labor day": _named("US", "Labor Day"),
    "memorial day": _named("US", "Memorial Day"),
    "boxing day": _fixed(12, 26),
    "singles day": _fixed(11, 11),
    "prime day": _fixed(7, 16, 2),
}
HOLIDAY = (
    r"(?:"
    + "|".join(
        re.escape(name).replace("'", "'?").replace(r"\ ", r"\s+")
        for name in sorted(HOLIDAYS, key=len, reverse=True)
    )
    + r")(?:'?s)?(?:\s+(?:day|eve|week|weekend|season|holidays?|period))?"
)


def holiday_key(phrase: str) -> str | None:
    text = re.sub(r"\s+", " ", phrase.lower().replace("’", "'"))
    for name in sorted(HOLIDAYS, key=len, reverse=True):
        if name in text or name.replace("'", "") in text:
            return name
    return None


def holiday_spans(name: str, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The holiday's date spans in the years [start, end) touches, clipped to nothing else."""
    spans: list[tuple[dt.date, dt.date]] = []
    for year in range(start.year, end.year + 1):
        for a, b in HOLIDAYS[name](year):
            if b > start and a < end:
                spans.append((a, b))
    return spans
