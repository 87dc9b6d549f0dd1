"""Time: windows, grain, hour/weekday/month/holiday patterns, durations, orderings."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from datagen.agent.claims import calendar
from datagen.agent.claims.grammar import (
    QUAL,
    Found,
    expected_number,
    plain,
    rule,
    words_after,
    words_before,
)
from datagen.agent.claims.numbers import FRACTION, NUMBER, PERCENT, share_of
from datagen.agent.claims.numbers import to_number as number
from datagen.agent.claims.words import STOP, TIME_UNIT, VOLUME, singular, time_unit_seconds

# --------------------------------------------------------------------------- windows


def _window(start: dt.date, end: dt.date) -> dict[str, Any]:
    return {"min": start.isoformat(), "max": end.isoformat()}


# things that last: "auctions last 7 days" is a duration ("orders last 30 days" a window)
LASTING = (
    r"auctions?|sessions?|calls?|stays?|rentals?|trips?|subscriptions?|trials?|campaigns?|"
    r"leases?|contracts?|loans?|visits?|meetings?|shifts?|promotions?|events?|courses?|"
    r"projects?|games?|matches|flights?|journeys?|rides?|bookings?|reservations?|admissions?|"
    r"warranties|warranty|policies|policy|sprints?|classes|lessons?|tours?|holds?|streams?"
)


@rule(20)
def windows(text: str, today: dt.date) -> Iterator[Found]:
    """'Q3 2024', 'in 2024', 'the last 18 months', '2023-2024', 'March to June 2024'."""
    matches = list(calendar.WINDOW_RE.finditer(text))
    skip = -1
    for index, m in enumerate(matches):
        if index == skip:
            continue
        if re.match(r"last\b", m.group(0), re.IGNORECASE) and re.search(
            rf"\b(?:{LASTING})\s+$", text[: m.start()], re.IGNORECASE
        ):
            continue  # "auctions last 7 days": how long each lasts, not the window
        span = calendar.window_of(m, today)
        if span is None:
            continue
        nxt = matches[index + 1] if index + 1 < len(matches) else None
        if m.group("fu") and nxt is not None:
            # "for one week in March 2024": that long from the start of the named window
            gap = text[m.end() : nxt.start()]
            inner = calendar.window_of(nxt, today)
            if inner is not None and re.fullmatch(r"\s+(?:(?:in|during|of)\s+)?", gap):
                length = span[1] - span[0]
                span = (inner[0], min(inner[0] + length, inner[1]))
                skip = index + 1
                yield Found("window", m.start(), nxt.end(), _window(*span))
                continue
        yield Found("window", m.start(), m.end(), _window(*span))


# --------------------------------------------------------------------------- grain

_GRAIN_ADVERBS = {
    "hourly": 3600,
    "daily": 86400,
    "nightly": 86400,
    "weekly": 7 * 86400,
    "biweekly": 14 * 86400,
    "fortnightly": 14 * 86400,
    "monthly": 2_629_746,
    "quarterly": 7_889_238,
    "yearly": 31_556_952,
    "annual": 31_556_952,
    "annually": 31_556_952,
    "per-minute": 60,
    "per-second": 1,
    "minutely": 60,
}
_GRAIN_NOUNS = (
    r"(?:intervals?|resolution|granularity|readings?|samples?|buckets?|steps?|cadence|"
    r"snapshots?|ticks?|measurements?|observations?|records?|polls?|heartbeats?)"
)


# things made on a schedule: "a snapshot every day" is a grain, "trips every day" is not
_GRAIN_SUBJECTS = (
    r"(?:readings?|snapshots?|reports?|reporting|measurements?|samples?|invoices?|statements?|"
    r"bills?|billing|backups?|batch(?:es)?|exports?|polls?|records?|updates?|reads?|logs?|"
    r"payrolls?|runs?|rent|payments?|attendance|summar(?:y|ies)|aggregates?|totals?|balances?|"
    r"metrics?|kpis?|ticks?|prices?|quotes?|observations?|counts?|inventory|stock|levels?|"
    r"yields?|milkings?|feedings?|checks?|inspections?|rounds?|doses?|scans?)$"
)


def _unit_seconds(unit: str) -> int:
    seconds = time_unit_seconds(unit)
    assert seconds is not None, unit
    return seconds


@rule(30)
def grain(text: str, today: dt.date) -> Iterator[Found]:
    """'every 10 minutes', '15-minute intervals', 'hourly readings', 'monthly invoices'."""
    every = re.compile(
        rf"\b(?P<level>second|minute|hour|day)-level\b"
        rf"|\b(?:every|each)\s+(?:(?P<num>{NUMBER})[\s-]*)?(?P<unit>{TIME_UNIT})\b"
        rf"|\b(?P<num2>{NUMBER})[\s-]*(?P<unit2>{TIME_UNIT})\s+{_GRAIN_NOUNS}\b",
        re.IGNORECASE,
    )
    for m in every.finditer(text):
        if m.group("level"):  # "minute-level price ticks"
            nouns, end = words_after(text, m.end(), 2)
            seconds = float(_unit_seconds(m.group("level")))
            yield Found("grain", m.start(), end, {"value": seconds, "unit": "s"},
                        [singular(w) for w in nouns])  # fmt: skip
            continue
        clause = re.split(r"[,.;:]", text[max(0, m.start() - 40) : m.start()])[-1]
        if not m.group("num") and re.search(r"%|percent|\brate\b", clause, re.IGNORECASE):
            continue  # "3% churn each month": a rate per month, not a grain
        amount = number(m.group("num") or m.group("num2") or "1") or 1.0
        unit = m.group("unit") or m.group("unit2")
        about, start = words_before(text, m.start(), 2)
        if (
            m.group("unit")
            and not m.group("num")
            and _unit_seconds(unit) >= 86400
            and not any(re.match(_GRAIN_SUBJECTS, w, re.IGNORECASE) for w in about)
        ):
            continue  # "trips every day of 2024": when they happen, not a grid
        yield Found(
            "grain",
            m.start(),
            m.end(),
            {"value": amount * _unit_seconds(unit), "unit": "s"},
            [singular(w) for w in about],
        )
    times = re.compile(
        rf"\b(?P<times>twice|thrice|(?P<n>{NUMBER})\s+times)[\s-]+(?:(?:a|an|per|each|every)\s+)?"
        rf"(?P<per>hourly|daily|weekly|monthly|yearly|hour|day|week|month|year)\b",
        re.IGNORECASE,
    )
    for m in times.finditer(text):
        # "twice-daily milk yields", "readings three times a day": a step of the period / n
        count = {"twice": 2.0, "thrice": 3.0}.get(m.group("times").lower())
        count = count or number(m.group("n") or "") or 0.0
        per = m.group("per").lower()
        seconds = _GRAIN_ADVERBS.get(per) or time_unit_seconds(per)
        if not count or not seconds:
            continue
        nouns, end = words_after(text, m.end(), 2)
        subject = [] if nouns else words_before(text, m.start(), 2)[0]
        if not any(re.match(_GRAIN_SUBJECTS, w, re.IGNORECASE) for w in nouns or subject):
            continue  # "customers order twice a week": how often, not a grid
        yield Found("grain", m.start(), end, {"value": round(seconds / count, 3), "unit": "s"},
                    [singular(w) for w in nouns or subject])  # fmt: skip
    adverbs = re.compile(r"\b(?P<adv>" + "|".join(_GRAIN_ADVERBS) + r")\b", re.IGNORECASE)
    for m in adverbs.finditer(text):
        counted = re.search(
            rf"{NUMBER}(?P<words>(?:\s+[A-Za-z][\w-]*){{1,3}})\s*$", text[: m.start()], re.I
        )
        if counted and not re.search(r"\b(?:and|with|or|plus|of)\b", counted.group("words")):
            continue  # "10,000 trips daily" is a count per day ('200 homes and hourly ...' not)
        nouns, end = words_after(text, m.end(), 2)
        subject = [] if nouns else words_before(text, m.start(), 2)[0]
        if not any(re.match(_GRAIN_SUBJECTS, w, re.IGNORECASE) for w in nouns or subject):
            continue  # "daily orders", "daily active users": when things happen, not a grid
        yield Found(
            "grain",
            m.start(),
            end,
            {"value": float(_GRAIN_ADVERBS[m.group("adv").lower()]), "unit": "s"},
            [singular(w) for w in nouns or subject],
        )


# --------------------------------------------------------------------------- time patterns

_PEAK = (
    r"doubles?|doubled|triples?|tripled|peaks?|peaking|peaked|spikes?|spiking|spiked|surges?|surging|rush|busier|busiest|busy|"
    r"more|most|higher|highest|heavier|heavy|booms?|jumps?|increases?|increased|boost(?:ed|s)?|"
    r"bumps?|popular|concentrated|clustered|cluster|high|up"
)
_DIP = (
    r"quiet(?:er|est)?|slow(?:er|est)?|fewer|less|lower|lowest|dips?|drops?|lull|light(?:er)?|"
    r"calm(?:er)?|low|down|rarely|seldom"
)
_CLOSED = r"closed|never|no(?!-)"
_MOSTLY = r"mostly|mainly|primarily|largely|predominantly|usually|typically|generally"
_ONLY = r"only|exclusively|always|all|entirely"
CUE = re.compile(
    rf"\b(?:(?P<peak>{_PEAK})|(?P<dip>{_DIP})|(?P<closed>{_CLOSED})|(?P<mostly>{_MOSTLY})|"
    rf"(?P<only>{_ONLY}))\b",
    re.IGNORECASE,
)

_HOUR = r"(?:1[0-2]|0?[1-9])(?::[0-5]\d)?\s*(?:am|pm|a\.m\.|p\.m\.)|(?:[01]?\d|2[0-3]):[0-5]\d|noon|midnight"
_PARTS_OF_DAY = {
    "night": list(range(22, 24)) + list(range(0, 6)),
    "nights": list(range(22, 24)) + list(range(0, 6)),
    "overnight": list(range(22, 24)) + list(range(0, 6)),
    "late night": [22, 23, 0, 1, 2],
    "late at night": [22, 23, 0, 1, 2],
    "morning": list(range(6, 12)),
    "mornings": list(range(6, 12)),
    "morning rush": [7, 8, 9],
    "morning commute": [7, 8, 9],
    "evening commute": [16, 17, 18],
    "evening rush": [16, 17, 18],
    "rush hour": [7, 8, 9, 16, 17, 18],
    "rush hours": [7, 8, 9, 16, 17, 18],
    "commute": [7, 8, 9, 16, 17, 18],
    "commuting hours": [7, 8, 9, 16, 17, 18],
    "lunchtime": [12, 13],
    "lunch": [12, 13],
    "lunch hour": [12, 13],
    "dinner": [18, 19, 20],
    "dinnertime": [18, 19, 20],
    "dinner time": [18, 19, 20],
    "breakfast": [7, 8, 9],
    "afternoon": list(range(12, 18)),
    "afternoons": list(range(12, 18)),
    "evening": list(range(18, 23)),
    "evenings": list(range(18, 23)),
    "business hours": list(range(9, 17)),
    "office hours": list(range(9, 17)),
    "working hours": list(range(9, 17)),
    "opening hours": list(range(9, 17)),
    "daytime": list(range(8, 20)),
    "after midnight": [0, 1, 2, 3, 4],
}
_PART = (
    r"(?:" + "|".join(sorted((re.escape(p) for p in _PARTS_OF_DAY), key=len, reverse=True)) + r")"
)
_WEEKDAY_SETS = {
    "weekend": [5, 6],
    "weekends": [5, 6],
    "weekday": [0, 1, 2, 3, 4],
    "weekdays": [0, 1, 2, 3, 4],
    "workdays": [0, 1, 2, 3, 4],
    "work days": [0, 1, 2, 3, 4],
    "business days": [0, 1, 2, 3, 4],
    "working days": [0, 1, 2, 3, 4],
    "weekand": [5, 6],  # a common typo
    "weekands": [5, 6],
}
_WEEKDAY_SET = r"(?:" + "|".join(sorted(_WEEKDAY_SETS, key=len, reverse=True)) + r")"
_LIST = r"(?:\s*(?:,|and|or|&|/)\s*(?:and\s+)?)"
_SPECIAL_MONTHS = {
    "holiday season": [11, 12],
    "the holidays": [12],
    "back to school": [8, 9],
    "back-to-school": [8, 9],
    "end of year": [12],
    "year-end": [12],
    "year end": [12],
}
_SPECIAL = r"(?:" + "|".join(re.escape(k) for k in _SPECIAL_MONTHS) + r")"

# a bare number is an hour only where time words follow: "from 9 to 5 on weekdays"
_BARE_HOUR_END = (
    r"(?=\s*(?:$|[,.;)]|on\b|every\b|daily\b|each\b|o'?clock\b|h\b|hrs?\b|hours\b|local\b|"
    r"weekdays?\b|mon|tue|wed|thu|fri|sat|sun))"
)
_TO = r"\s*(?:and|to|-|–|until|till)\s*"
TIME_EXPR = re.compile(
    rf"(?P<hrange>(?:between|from)\s+(?P<h1>{_HOUR}|\d{{1,2}}){_TO}"
    rf"(?P<h2>{_HOUR}|\d{{1,2}}{_BARE_HOUR_END})"
    # a second window: "between 7 and 9am or 5 and 7pm", "from 7-9am and from 4 to 6pm"
    rf"(?:\s*(?:,\s*)?(?:or|and|,)\s+(?:(?:between|from)\s+)?(?P<h5>{_HOUR}|\d{{1,2}}){_TO}"
    rf"(?P<h6>{_HOUR}))?)"
    rf"|(?P<hdash>(?P<h3>{_HOUR})\s*(?:-|–|to)\s*(?P<h4>{_HOUR}))"
    rf"|(?P<hours>(?:{_HOUR})(?:{_LIST}(?:{_HOUR}))*)"
    rf"|(?P<special>{_SPECIAL})"
    rf"|(?P<holiday>{calendar.HOLIDAY})"
    rf"|(?P<part>{_PART})\b"
    rf"|(?P<wset>{_WEEKDAY_SET})\b"
    rf"|(?P<wrange>(?P<w1>{calendar.WEEKDAY})\s*(?:-|–|to|through|thru)\s*(?P<w2>{calendar.WEEKDAY}))\b"
    rf"|(?P<wlist>{calendar.WEEKDAY}(?:{_LIST}{calendar.WEEKDAY})*)\b"
    rf"|(?P<quarter>\bQ[1-4])\b(?!\s*\d)"
    rf"|(?P<mrange>(?P<m1>{calendar.MONTH})\s*(?:-|–|to|through|thru)\s*(?P<m2>{calendar.MONTH}))\b"
    rf"(?!\s+(?:19|20)\d\d)"
    rf"|(?P<mlist>{calendar.MONTH}(?:{_LIST}{calendar.MONTH})*)\b(?!\s+(?:19|20)\d\d)"
    rf"|(?P<season>{calendar.SEASON}s?)\b(?!\s+(?:of\s+)?(?:19|20)\d\d)",
    re.IGNORECASE,
)
# month abbreviations that are English words: only as a month when capitalized
_WORD_MONTHS = {"mar", "may", "jun", "jan", "sep", "oct", "dec", "aug", "nov", "feb", "apr"}
_WORD_WEEKDAYS = {"sun", "sat", "wed", "mon", "fri", "thu", "tue", "tues", "thur", "thurs"}


def _hour(text: str) -> int | None:
    text = text.lower().replace(".", "").strip()
    if text == "noon":
        return 12
    if text == "midnight":
        return 0
    found = re.fullmatch(r"(\d{1,2})(?::(\d\d))?\s*(am|pm)?", text)
    if not found:
        return None
    hour = int(found.group(1))
    if found.group(3) == "pm" and hour != 12:
        hour += 12
    if found.group(3) == "am" and hour == 12:
        hour = 0
    return hour if hour < 24 else None


def _range_hours(first_text: str, last_text: str) -> list[int] | None:
    """The hours of 'between A and B': a bare A takes B's half of the day when it fits
    ('5 and 7pm' is 17-19); with no marker at all, 'from 9 to 5' is 9am to 5pm."""
    first, last = _hour(first_text), _hour(last_text)
    if first is None or last is None:
        return None
    marked = re.compile(r"[ap]\.?m|:|noon|midnight", re.IGNORECASE)
    if not marked.search(first_text):
        if re.search(r"p\.?m", last_text, re.IGNORECASE) and first < 12 and first + 12 < last:
            first += 12  # "5 and 7pm"
        elif not marked.search(last_text) and last <= first and last < 12:
            last += 12  # "from 9 to 5": 9am to 5pm
    return _hour_span(first, last)


def _hour_span(first: int, last: int) -> list[int]:
    """Hours from `first` up to (not including) `last`, wrapping past midnight."""
    if first == last:
        return [first]
    return [h % 24 for h in range(first, last if last > first else last + 24)]


def _names(text: str, table: dict[str, int]) -> list[int]:
    words = re.findall(r"[a-z]+", text.lower())
    out: list[int] = []
    for word in words:
        key = word if word in table else word.rstrip("s")
        if key in table and table[key] not in out:
            out.append(table[key])
    return out


def time_cells(m: re.Match[str], today: dt.date, window: tuple[dt.date, dt.date]) -> dict[str, Any]:
    """The hours / weekdays / months / dates a TIME_EXPR match names ({} when none)."""
    g = m.groupdict()
    raw = m.group(0)
    if g["hrange"] or g["hdash"]:
        spans = [(g["h1"] or g["h3"], g["h2"] or g["h4"])]
        if g["h5"]:
            spans.append((g["h5"], g["h6"]))
        spanned: list[int] = []
        for first_text, last_text in spans:
            window_hours = _range_hours(first_text, last_text)
            if window_hours is None:
                return {}
            spanned += [h for h in window_hours if h not in spanned]
        return {"hours": sorted(spanned) if len(spans) > 1 else spanned}
    if g["hours"]:
        hours = [_hour(h) for h in re.findall(_HOUR, raw, re.IGNORECASE)]
        return {"hours": sorted({h for h in hours if h is not None})}
    if g["special"]:
        return {"months": _SPECIAL_MONTHS[" ".join(raw.lower().split())]}
    if g["holiday"]:
        key = calendar.holiday_key(raw)
        if key is None:
            return {}
        spans = calendar.holiday_spans(key, *window)
        if not spans:
            spans = calendar.holiday_spans(key, dt.date(window[0].year, 1, 1), window[1])
        return {"dates": [{"start": a.isoformat(), "end": b.isoformat()} for a, b in spans]}
    if g["part"]:
        return {"hours": _PARTS_OF_DAY[" ".join(raw.lower().split())]}
    if g["wset"]:
        return {"weekdays": _WEEKDAY_SETS[" ".join(raw.lower().split())]}
    if g["wrange"]:
        a, b = _names(g["w1"], calendar.WEEKDAYS)[0], _names(g["w2"], calendar.WEEKDAYS)[0]
        return {"weekdays": [d % 7 for d in range(a, b + 1 if b >= a else b + 8)]}
    if g["wlist"]:
        words = re.findall(r"[A-Za-z]+", raw)
        if any(w.lower() in _WORD_WEEKDAYS and not w[0].isupper() for w in words):
            return {}
        return {"weekdays": _names(raw, calendar.WEEKDAYS)}
    if g["quarter"]:
        quarter = int(raw.strip()[1])
        return {"months": [3 * quarter - 2, 3 * quarter - 1, 3 * quarter]}
    if g["mrange"]:
        a, b = _names(g["m1"], calendar.MONTHS)[0], _names(g["m2"], calendar.MONTHS)[0]
        return {"months": [(m - 1) % 12 + 1 for m in range(a, b + 1 if b >= a else b + 13)]}
    if g["mlist"]:
        words = re.findall(r"[A-Za-z]+", raw)
        if any(w.lower() in _WORD_MONTHS and not w[0].isupper() for w in words):
            return {}
        return {"months": _names(raw, calendar.MONTHS)}
    if g["season"]:
        return {"months": calendar.SEASONS[raw.lower().rstrip("s")]}
    return {}


_MEASURED = re.compile(
    r"\b(?:ratings?|rated|scores?|scored|stars?|levels?|grades?|scales?|points?|sizes?|ages?|"
    r"priorit(?:y|ies)|ranks?|ranked|ranging|ranges?|values?|marks?)\s*$",
    re.IGNORECASE,
)


def _measured_range(text: str, m: re.Match[str]) -> bool:
    """'ratings from 1 to 5': two bare numbers after a measure are its range, no hours."""
    if not m.group("hrange") or re.search(r"[ap]\.?m|:|noon|midnight", m.group(0), re.I):
        return False
    return _MEASURED.search(text[max(0, m.start() - 30) : m.start()]) is not None


def first_window(text: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The description's first time window, else the year before the reference date."""
    for m in calendar.WINDOW_RE.finditer(text):
        span = calendar.window_of(m, today)
        if span is not None:
            return span
    return dt.date(today.year - 1, today.month, 1), dt.date(today.year, today.month, 1)


_CLAUSE_END = re.compile(r"[,.;:!?()]|\b(?:and|but|while|whereas|with)\b", re.IGNORECASE)


def _cue_near(text: str, start: int, end: int, floor: int) -> re.Match[str] | None:
    """The cue word of a time phrase: right after it ("weekend spikes"), else up to 6 words
    before it in the same clause, not before `floor` (the previous time phrase's end),
    else up to 3 words after it."""
    after = text[end : end + 40]
    stop = re.search(r"[,.;:!?()]", after)
    clause_after = after[: stop.start()] if stop else after
    following = CUE.search(clause_after)
    if following and not re.findall(r"\w+", clause_after[: following.start()]):
        return _shifted(text, end, following)
    lower = max(floor, start - 60)
    before = text[lower:start]
    cut = [b.end() for b in re.finditer(r"[,.;:!?()]|\b(?:and|but|while|whereas)\b", before)]
    before_start = lower + (cut[-1] if cut else 0)
    clause_before = text[before_start:start]
    cues = list(CUE.finditer(clause_before))
    if cues and len(re.findall(r"\w+", clause_before[cues[-1].end() :])) <= 6:
        return _shifted(text, before_start, cues[-1])
    if following and len(re.findall(r"\w+", clause_after[: following.start()])) <= 3:
        return _shifted(text, end, following)
    return None


def _shifted(text: str, offset: int, m: re.Match[str]) -> re.Match[str] | None:
    return CUE.match(text, offset + m.start())


@rule(35)
def time_patterns(text: str, today: dt.date) -> Iterator[Found]:
    """'weekend spikes', 'a December peak', 'busier on Fridays', 'peaks at 8am and 6pm on
    weekdays', 'quiet at night', 'closed on Sundays', 'mostly between 9am and 5pm',
    'a spike at Christmas', 'slow in summer'."""
    window = first_window(text, today)
    found = [(m, time_cells(m, today, window)) for m in TIME_EXPR.finditer(text)]
    found = [
        (m, cells)
        for m, cells in found
        if cells
        and not _measured_range(text, m)
        and not re.match(r"[.,]\d", text[m.end() :])  # 'between 0 and 3.5 MW': no hours
    ]
    index = 0
    floor = 0
    while index < len(found):
        m, cells = found[index]
        start, end = m.start(), m.end()
        cells = dict(cells)
        # "8am and 6pm on weekdays": neighbouring time words of other kinds make one claim
        while index + 1 < len(found):
            nxt, more = found[index + 1]
            gap = text[end : nxt.start()]
            if set(more) & set(cells) and re.fullmatch(r"\s*(?:and|or|&|,)\s*", gap):
                # "at lunch and dinner": one claim over both
                for key, value in more.items():
                    joined = [*cells[key], *value]
                    cells[key] = joined if key == "dates" else sorted(set(joined))
            elif (
                len(re.findall(r"\w+", gap)) > 2
                or re.search(r"[,.;:]", gap)
                or set(more) & set(cells)
            ):
                break
            else:
                cells.update(more)
            end = nxt.end()
            index += 1
        index += 1
        share = _SHARE_IN_CELLS.search(text[max(floor, start - 80) : start])
        if share is not None and (stated_share := share_of(share)) is not None:
            if stated_share <= 1:
                # "40% of tickets sold on weekends": the share of rows in those cells
                about: list[str] = [singular(w) for w in share.group("of").split()
                         if w.lower() not in _OCCURRING | STOP | {"are", "is", "were", "was"}]  # fmt: skip
                expected = expected_number(round(stated_share, 6), share, 0.15, 0.25, 0.002)
                expected["tolerance"] = round(expected.get("tolerance", 0.0), 6) or None
                span_start = max(floor, start - 80) + share.start()
                floor = end
                yield Found("time_pattern", span_start, end,
                            {**_clean(expected), "unit": "share", **cells}, about)  # fmt: skip
                continue
        cue = _cue_near(text, start, end, floor)
        lead = text[max(floor, start - 12) : start]
        expected = _pattern_expected(cue, text[start:end], lead, "dates" in cells)
        if expected is None:
            continue
        span_start = min(start, cue.start()) if cue else start
        span_end = max(end, cue.end()) if cue else end
        multiple = _MULTIPLE_CUES.get(cue.group(0).lower()) if cue is not None else None
        if multiple is not None and expected.get("unit") == "lift":
            # "sales double on weekends": that many times the rest
            expected = {"value": multiple, "tolerance": round(multiple * 0.2, 6), "unit": "lift"}
        elif cue is not None and expected.get("unit") == "lift":
            stated = STATED_LIFT.search(text[max(floor, cue.start() - 30) : cue.start()])
            if stated is not None:  # "20% more on Mondays", "twice as busy at lunch"
                expected = stated_lift(stated, bool(cue.group("dip")))
                span_start = min(span_start, max(floor, cue.start() - 30) + stated.start())
        about = []
        subject = _VOLUME_SUBJECT.search(text[max(floor, span_start - 40) : span_start])
        if subject is not None and subject.group("noun").lower() in VOLUME:
            # 'occupancy is higher in summer': what is higher is part of the claim
            about = [subject.group("noun").lower()]
            span_start = max(floor, span_start - 40) + subject.start()
        floor = span_end
        yield Found("time_pattern", span_start, span_end, {**expected, **cells}, about)


# verbs saying when rows happen: '40% of tickets sold on weekends' is a share of the
# tickets' timestamps ('25% of orders are returned in December' is a rate, not read here)
_OCCURRING = {
    "sold", "placed", "made", "booked", "bought", "purchased", "ordered", "issued", "sent",
    "received", "logged", "recorded", "created", "submitted", "filed", "started", "start",
    "starts", "happen", "happens", "occur", "occurs", "arrive", "arrives", "come", "comes",
    "fall", "falls", "played", "streamed", "watched", "taken", "done", "held", "scheduled",
    "opened", "reported", "posted", "registered", "take", "takes", "place",
}  # fmt: skip
_SHARE_IN_CELLS = re.compile(
    rf"{QUAL}(?:{PERCENT}|{FRACTION})\s+of\s+(?:the\s+|all\s+|our\s+|their\s+)?"
    rf"(?P<of>[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?)\s+(?:(?:are|is|were|was|get|gets|got)\s+)?"
    rf"(?:(?:{'|'.join(sorted(_OCCURRING, key=len, reverse=True))})\s+)?(?:take\s+place\s+)?"
    r"(?:on|in|at|during|over|throughout)?\s*(?:the\s+)?$",
    re.IGNORECASE,
)


_VOLUME_SUBJECT = re.compile(
    r"\b(?P<noun>[A-Za-z]+)\s+(?:is|are|was|were|gets?|runs?|tends?\s+to\s+be)"
    r"(?:\s+(?:usually|typically|generally|often|much|far|slightly|also))?\s+$",
    re.IGNORECASE,
)


def _clean(expected: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in expected.items() if v is not None}


_MULTIPLE_CUES = {"double": 2.0, "doubles": 2.0, "doubled": 2.0, "triple": 3.0, "triples": 3.0,
                  "tripled": 3.0}  # fmt: skip
STATED_LIFT = re.compile(
    rf"(?:{QUAL}(?:{PERCENT}|(?P<times>{NUMBER})\s*(?:x|times)(?:\s+as)?)|"
    rf"(?P<twice>twice|double)\s+as)\s*$",
    re.IGNORECASE,
)


def stated_lift(m: re.Match[str], dip: bool) -> dict[str, Any]:
    """'20% more' -> lift 1.2, '30% fewer' -> 0.7, 'twice as busy' -> 2, '3x more' -> 3."""
    if m.group("pct"):
        share = (number(m.group("pct")) or 0) / 100
        value = 1 - share if dip else 1 + share
    elif m.group("twice"):
        value = 2.0
    else:
        value = number(m.group("times")) or 1.0
    expected = expected_number(round(value, 6), m, 0.1, 0.2, floor=1e-9)
    expected["tolerance"] = round(expected["tolerance"], 6)
    return {**expected, "unit": "lift"}


def _pattern_expected(
    cue: re.Match[str] | None, phrase: str, lead: str, holiday: bool
) -> dict[str, Any] | None:
    if cue is None:
        if re.match(r"(?:between|from)\s", phrase, re.IGNORECASE) or re.search(
            r"\b(?:during|within|only\s+(?:in|on|at))\s+(?:the\s+)?$", lead, re.IGNORECASE
        ):
            return {"unit": "share", "min": 0.9}  # "deliveries between 8am and 6pm"
        if holiday or re.search(r"\b(?:at|around)\s+(?:the\s+)?$", lead, re.IGNORECASE):
            # a named holiday is named for its rush; "orders at lunch and dinner"
            return {"unit": "lift", "min": 1.2}
        return None
    if cue.group("peak"):
        return {"unit": "lift", "min": 1.2}
    if cue.group("dip"):
        return {"unit": "lift", "max": 0.8}
    if cue.group("closed"):
        return {"unit": "share", "max": 0.0}
    if cue.group("mostly"):
        return {"unit": "share", "min": 0.5}
    return {"unit": "share", "min": 0.99}  # only / always / all


# --------------------------------------------------------------------------- durations

_DURATION_UNIT = rf"(?:{TIME_UNIT}|nights?)"
_MEASURE_UNIT = {"s": 1, "min": 60, "h": 3600, "days": 86400}
_DURATION_NOUNS = {"time", "times", "duration", "durations", "length", "lengths"}


def _duration_expected(
    m: re.Match[str], low: float, high: float | None, unit: str
) -> dict[str, Any]:
    seconds = 86400 if unit.lower().startswith("night") else _unit_seconds(unit)
    measure_unit = next(u for u, s in sorted(_MEASURE_UNIT.items(), key=lambda i: -i[1])
                        if seconds >= s)  # fmt: skip
    scale = seconds / _MEASURE_UNIT[measure_unit]
    if high is not None:
        return {"min": low * scale, "max": high * scale, "unit": measure_unit}
    expected = expected_number(low * scale, m, 0.1, 0.2, floor=1e-9)
    expected["unit"] = measure_unit
    return expected


_SHARE_BEFORE = re.compile(
    rf"{QUAL}(?:{PERCENT}|{FRACTION})(?:\s+of\s+(?:the\s+|all\s+)?(?P<of>[A-Za-z][\w-]*))?\s+"
    r"(?:are|is|were|was|get|gets|got|will\s+be)\s+(?:(?:usually|typically|all)\s+)?$",
    re.IGNORECASE,
)


_ON_AVERAGE = re.compile(r"\s+(?:on\s+average|on\s+avg\.?|in\s+general|typically)\b", re.I)


def _stated(m: re.Match[str]) -> tuple[float, float | None, dict[str, Any]] | None:
    """(low, high, expected) of an amount of time ('15 to 40 minutes', 'about 3 days')."""
    low = _low(m)
    if low is None:
        return None
    high = number(m.group("n2")) if m.group("n2") else None
    return low, high, _duration_expected(m, low, high, m.group("unit"))


def _low(m: re.Match[str]) -> float | None:
    """The low end of an amount in the unit of its high end ('20 minutes to 10 hours': 1/3)."""
    low = number(m.group("n1"))
    first = m.groupdict().get("unit1")
    seconds, high_seconds = time_unit_seconds(first or ""), time_unit_seconds(m.group("unit"))
    if low is None or not seconds or not high_seconds:
        return low
    return low * seconds / high_seconds


@rule(25)
def durations(text: str, today: dt.date) -> Iterator[Found]:
    """'due 21 days after checkout', 'stays of 2 to 5 nights', 'calls lasting about 3 minutes',
    'delivered within 2 days of ordering', '30-minute sessions'."""
    # '20 minutes to 10 hours': the low end may carry a unit of its own
    amount = (
        rf"{QUAL}(?P<n1>{NUMBER})(?:\s*(?P<unit1>{_DURATION_UNIT})(?=\s*(?:to|-|–)\s*\d))?"
        rf"(?:\s*(?:to|-|–|and)\s*(?P<n2>{NUMBER}))?[\s-]*(?P<unit>{_DURATION_UNIT})\b"
    )
    after = re.compile(
        rf"(?P<within>within\s+)?{amount}\s+(?:after|of|from|since|following|later\s+than|past)\s+"
        rf"(?:the\s+|their\s+|its\s+|each\s+)?(?P<ref>[A-Za-z][\w-]*)",
        re.IGNORECASE,
    )
    for m in after.finditer(text):
        low = _low(m)
        if low is None or m.group("ref").lower() in calendar.MONTH_WORDS:
            continue
        high = number(m.group("n2")) if m.group("n2") else None
        words, start = words_before(text, m.start(), 2)
        expected = _duration_expected(m, low, high, m.group("unit"))
        if m.group("within"):
            expected = {"max": expected.get("value", expected.get("max")), "unit": expected["unit"]}
        about = [singular(w) for w in words] + [singular(m.group("ref"))]
        yield Found("duration", start if words else m.start(), m.end(), expected, about)
    average = re.compile(
        rf"\b(?:an?\s+|the\s+)?(?:average|mean|typical|median)\s+(?P<what>[A-Za-z][\w-]*)\s+"
        rf"(?:(?:time|duration|length)\s+)?(?:of\s+|is\s+|lasts?\s+|lasting\s+)?{amount}",
        re.IGNORECASE,
    )
    for m in average.finditer(text):
        low = _low(m)
        if low is None or m.group("what").lower() in STOP:
            continue
        high = number(m.group("n2")) if m.group("n2") else None
        expected = _duration_expected(m, low, high, m.group("unit"))
        yield Found("duration", m.start(), m.end(), expected, [singular(m.group("what"))])
    lasting = re.compile(
        rf"(?P<what>[A-Za-z][\w-]*)\s+(?:lasts?|lasting|takes?|taking|of|averaging|averages?|"
        rf"averaged|stay|"
        rf"stays|staying|spend|spends|rent\s+for|book\s+for|"
        rf"typically\s+last|usually\s+last|run|runs|long)\s+{amount}",
        re.IGNORECASE,
    )
    for m in lasting.finditer(text):
        stated = _stated(m)
        if stated is None or m.group("what").lower() in STOP:
            continue
        expected = stated[2]
        start, about = m.start(), [singular(m.group("what"))]
        end = m.end() + (found.end() if (found := _ON_AVERAGE.match(text[m.end() :])) else 0)
        if m.group("what").lower() in _DURATION_NOUNS:
            # "waiting time averages 45 minutes": the time of the word before it
            words, first = words_before(text, m.start(), 1)
            if words:
                start, about = first, [singular(words[0]).lower(), *about]
        yield Found("duration", start, end, expected, about)
    within = re.compile(
        rf"\b(?P<verb>[A-Za-z][\w-]*ed|left|sent|paid|done|sold|seen|taken|given|made|held|"
        rf"met|built|returned)\s+(?:(?:always|usually|typically|all)\s+)?(?:within|in\s+"
        rf"under|in\s+less\s+than)\s+{amount}(?!\s+(?:after|of|from|since|following))",
        re.IGNORECASE,
    )
    for m in within.finditer(text):
        # "tickets resolved within 48 hours": at most that long from the row's start
        low = _low(m)
        if low is None or m.group("n2"):
            continue
        expected = _duration_expected(m, low, None, m.group("unit"))
        share = _SHARE_BEFORE.search(text[max(0, m.start() - 40) : m.start()])
        if share is not None:
            # "70% are closed within 48 hours": the share of rows whose gap is under it
            rate = share_of(share)
            if rate is None or rate > 1:
                continue
            gap = f"within {plain(expected['value'])} {expected['unit']}"
            value = expected_number(round(rate, 6), share, 0.15, 0.25, floor=0.002)
            if "tolerance" in value and rate > 0.5:  # of the share missing, not of 95%
                value["tolerance"] = round(max(value["tolerance"] / rate * (1 - rate), 0.002), 6)
            yield Found("rate", max(0, m.start() - 40) + share.start(), m.end(),
                        {**value, "unit": "share"},
                        [*([singular(share.group("of"))] if share.group("of") else []),
                         m.group("verb").lower(), gap])  # fmt: skip
            continue
        words, start = words_before(text, m.start(), 2)
        about = [singular(w) for w in words] + [m.group("verb").lower()]
        yield Found("duration", start if words else m.start(), m.end(),
                    {"max": expected["value"], "unit": expected["unit"]}, about)  # fmt: skip
    acts = re.compile(
        rf"\b(?P<subj>[A-Za-z][\w-]*s)\s+(?:(?:usually|typically|all|mostly)\s+)?"
        rf"(?P<verb>sell|close|ship|arrive|finish|complete|resolve|heal|recover|rent|fill|"
        rf"convert|settle|graduate|expire|renew)\s+(?:within|in)\s+{amount}"
        rf"(?!\s+(?:after|of|from|since|following))",
        re.IGNORECASE,
    )
    for m in acts.finditer(text):
        # 'listings sell within 30 to 120 days': the time from the row's start to that event
        stated = _stated(m)
        if stated is None or m.group("subj").lower() in STOP:
            continue
        _, high, expected = stated
        if high is None:
            expected = {"max": expected["value"], "unit": expected["unit"]}
        about = [singular(m.group("subj")), m.group("verb").lower()]
        yield Found("duration", m.start(), m.end(), expected, about)
    compound = re.compile(
        rf"{QUAL}(?P<n1>{NUMBER})(?:\s*(?:to|-|–)\s*(?P<n2>{NUMBER}))?-(?P<unit>{_DURATION_UNIT})\s+"
        rf"(?P<what>[A-Za-z][\w-]*)",
        re.IGNORECASE,
    )
    for m in compound.finditer(text):
        low = _low(m)
        what = m.group("what").lower()
        if low is None or what in ("intervals", "interval", "resolution"):
            continue
        high = number(m.group("n2")) if m.group("n2") else None
        expected = _duration_expected(m, low, high, m.group("unit").rstrip("s"))
        end = m.end()
        if what in ("maximum", "max", "minimum", "min") and high is None:
            # "14-night maximum stays": a bound on the stays
            bound = "max" if what.startswith("max") else "min"
            expected = {bound: expected["value"], "unit": expected["unit"]}
            nouns, end = words_after(text, m.end(), 1)
            what = nouns[0] if nouns else what
        yield Found("duration", m.start(), end, expected, [singular(what)])


# --------------------------------------------------------------------------- orderings

_ADVERBS = r"(?:always|never|only|must|should|strictly|usually|typically|all|are|is|be|come|comes|happen|happens|occur|occurs|take\s+place|takes\s+place|\s)*"
_TIME_WORDS = re.compile(
    rf"^(?:{calendar.MONTH}|{calendar.WEEKDAY}|{calendar.SEASON}|(?:19|20)\d\d|\d.*|noon|midnight|"
    r"that|this|it|them|which|hours?|work|school|dark|dinner|lunch|breakfast|first|last|next|"
    r"week|weeks|month|months|year|years|day|days|period|season|holidays?|weekend|weekends)$",
    re.IGNORECASE,
)


_HOLIDAY_AT = re.compile(calendar.HOLIDAY, re.IGNORECASE)


@rule(65)
def orderings(text: str, today: dt.date) -> Iterator[Found]:
    """'discharge always after arrival', 'shipped before delivered', 'claims during the
    policy', 'payments after the order'."""
    pattern = re.compile(
        rf"(?P<adv>{_ADVERBS})(?P<rel>after|before|later\s+than|earlier\s+than|prior\s+to|"
        rf"follows?|precedes?|during|within)\s+(?:the\s+|their\s+|its\s+|his\s+|her\s+|a\s+|an\s+)?"
        rf"(?:first\s+|last\s+|initial\s+|final\s+)?"
        rf"(?P<b>[A-Za-z][\w-]*)",
        re.IGNORECASE,
    )
    for m in pattern.finditer(text):
        b = m.group("b")
        if (
            _TIME_WORDS.match(b)
            or b.lower() in STOP
            or _HOLIDAY_AT.match(text, m.start("b"))
            or TIME_EXPR.match(text, m.start("b"))
        ):
            continue
        words, start = words_before(text, m.start(), 2)
        if not words:
            continue
        rel = " ".join(m.group("rel").lower().split())
        adverbs = m.group("adv").lower()
        share = 0.8 if re.search(r"usually|typically", adverbs) else 1.0
        a_words = [singular(w) for w in words]
        if rel in ("during", "within"):
            yield Found(
                "ordering",
                start,
                m.end(),
                {"min": share, "unit": "within"},
                [*a_words, singular(b)],
            )
            continue
        later_first = rel in ("after", "later than", "follows", "follow")
        about = [singular(b), *a_words] if later_first else [*a_words, singular(b)]
        yield Found("ordering", start, m.end(), {"min": share, "unit": "share"}, about)


# --------------------------------------------------------------------------- seasonality, trend

_SEASONAL = re.compile(
    r"\b(?:(?:strong|clear|marked|pronounced|heavy|noticeable)\s+)?(?:seasonality|seasonal\s+"
    r"(?:patterns?|peaks?|swings?|demand|variation|effects?|trends?)|seasonal)\b",
    re.IGNORECASE,
)


@rule(36)
def seasonality(text: str, today: dt.date) -> Iterator[Found]:
    """'strong seasonality', 'seasonal demand': months that differ."""
    for m in _SEASONAL.finditer(text):
        strong = re.match(r"strong|clear|marked|pronounced|heavy", m.group(0), re.IGNORECASE)
        expected = {"unit": "variation", "min": 0.2 if strong else 0.1}
        yield Found("time_pattern", m.start(), m.end(), expected, ["month"])


_GROW = (
    r"grow|grows|growing|growth|increase|increases|increasing|rise|rises|rising|up|decline|"
    r"declines|declining|shrink|shrinks|shrinking|drop|drops|dropping|fall|falls|falling|down"
)
_PER_PERIOD = (
    r"(?:(?:per|a|an|each|every)\s+(?:year|month|quarter|week)|yearly|annually|monthly|quarterly|"
    r"weekly|year[\s-]over[\s-]year|yoy|month[\s-]over[\s-]month|mom)"
)


@rule(28)
def trends(text: str, today: dt.date) -> Iterator[Found]:
    """'usage growing 25% per year', 'revenue up 10% a year', '5% monthly growth',
    '20% year-over-year growth'."""
    pattern = re.compile(
        rf"(?:(?P<what>[A-Za-z][\w-]*)\s+)?(?P<dir>{_GROW})\s+(?:by\s+|of\s+)?{QUAL}{PERCENT}\s+"
        rf"(?P<per>{_PER_PERIOD})"
        rf"|{QUAL.replace('approx', 'approx2').replace('bound', 'bound2')}"
        rf"{PERCENT.replace('pct', 'pct2')}\s+(?P<per2>{_PER_PERIOD})\s+"
        rf"(?P<dir2>growth|increase|rise|decline|drop|fall)",
        re.IGNORECASE,
    )
    for m in pattern.finditer(text):
        value = number(m.group("pct") or m.group("pct2") or "")
        if value is None:
            continue
        per = (m.group("per") or m.group("per2") or "year").lower()
        unit = next(
            (
                u
                for u in ("month", "quarter", "week")
                if u in per or (u == "month" and per == "mom")
            ),
            "year",
        )
        direction = (m.group("dir") or m.group("dir2") or "").lower()
        rate = (-1.0 if re.match(r"decl|shrink|drop|fall|down", direction) else 1.0) * value / 100
        what = m.group("what")
        about = [singular(what)] if what and what.lower() not in STOP else []
        yield Found(
            "trend",
            m.start("what") if what and about else m.start("dir") if m.group("dir") else m.start(),
            m.end(),
            {
                "value": rate,
                "tolerance": max(0.05 if unit == "year" else 0.01, abs(rate) * 0.4),
                "unit": f"per_{unit}",
            },
            about,
        )
