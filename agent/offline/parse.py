"""Read an English description: counts, time window, behaviours, countries, names.

Each extractor is a small pure function over the text, so each can be tested
alone. Nothing here knows the blueprints: `compose.py` places what was found,
and records as an assumption whatever it cannot place.

Relative windows ("the last 18 months") are counted back from a reference
date that is passed in, by default the fixed REFERENCE_DATE, never the
wall clock: the same description must give the same schema byte for byte.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from datagen.agent.claims.rules.time import LASTING
from datagen.agent.offline.naming import is_plural, singular

REFERENCE_DATE = date(2025, 1, 1)

# --------------------------------------------------------------------------- numbers

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_SUFFIX = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mm": 1e6,
    "mio": 1e6,
    "mil": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "thousands": 1e3,
}
_VAGUE = {"couple": 2, "few": 3, "several": 3}  # only before a scale: "a few thousand"
_NUMBER_WORD = "|".join([*_UNITS, *_TENS, *_SCALES, *_VAGUE, "dozen", "and", "a", "an", "half"])
_WORD_RUN = re.compile(rf"\b(?:(?:{_NUMBER_WORD})(?:[\s-]+|\b))+", re.IGNORECASE)


def words_to_number(words: str) -> int | None:
    """'ten thousand' -> 10000, 'a million' -> 1000000, 'two hundred and fifty' -> 250."""
    tokens = [t for t in re.split(r"[\s-]+", words.lower().strip()) if t and t != "and"]
    if not tokens:
        return None
    if tokens[:2] == ["half", "a"] and len(tokens) == 3 and tokens[2] in _SCALES:
        return _SCALES[tokens[2]] // 2
    total = current = 0
    seen = False
    for i, tok in enumerate(tokens):
        if tok in ("a", "an"):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if nxt in _VAGUE:
                continue
            if nxt not in _SCALES and nxt != "dozen":
                return None
            current = max(current, 1)
        elif tok in _UNITS:
            current += _UNITS[tok]
            seen = True
        elif tok in _TENS:
            current += _TENS[tok]
            seen = True
        elif tok in _VAGUE:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if nxt not in _SCALES and nxt != "dozen":
                return None
            current += _VAGUE[tok]
            seen = True
        elif tok == "dozen":
            current = max(current, 1) * 12
            seen = True
        elif tok == "hundred":
            current = max(current, 1) * 100
            seen = True
        elif tok in ("thousand", "million", "billion"):
            total += max(current, 1) * _SCALES[tok]
            current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def words_to_digits(text: str) -> str:
    """Replace runs of number words by digits: 'ten thousand users' -> '10000 users'."""

    def replace(match: re.Match[str]) -> str:
        run = match.group(0)
        trailing = run[len(run.rstrip()) :]
        core = run.strip()
        # trim words that cannot end a number ('and', 'a') so they stay in the text
        tail = ""
        while True:
            parts = core.rsplit(None, 1)
            if len(parts) == 2 and parts[1].lower() in ("and", "a", "an"):
                tail = " " + parts[1] + tail
                core = parts[0]
            else:
                break
        if (
            core.lower() in ("a", "an", "and", "one")
            or core.lower().startswith(("a ", "an "))
            and (words_to_number(core) is None)
        ):
            return run
        value = words_to_number(core)
        if value is None:
            return run
        # grouped, so that "two thousand users" is never read as the year 2000
        return f"{value:,}{tail}{trailing}"

    text = _DIGIT_SCALE.sub(
        lambda m: _plain(float(m.group(1).replace(",", "")) * _SCALES[m.group(2).lower()]), text
    )
    return _WORD_RUN.sub(replace, text)


_DIGIT_SCALE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s+(thousand|million|billion)\b", re.IGNORECASE)


def _plain(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


_NUMERIC = re.compile(
    r"(?<![\w.])(\d{1,3}(?:[,_]\d{3})+|\d+(?:\.\d+)?)\s*"
    r"(k|mm|mio|mil|m|bn|b|thousands?|millions?|billion)?(?![\w])",
    re.IGNORECASE,
)


def parse_number(text: str) -> float | None:
    """'10,000' / '10k' / '1.2M' / '2 million' / 'ten thousand' / 'a million' -> the value."""
    text = text.strip().lower()
    match = _NUMERIC.fullmatch(text)
    if match:
        value = float(match.group(1).replace(",", "").replace("_", ""))
        if match.group(2):
            value *= _SUFFIX[match.group(2).lower()]
        return value
    value_words = words_to_number(text)
    return float(value_words) if value_words is not None else None


# --------------------------------------------------------------------------- counts

TIME_UNITS = {
    "second": "s",
    "sec": "s",
    "minute": "min",
    "min": "min",
    "hour": "h",
    "hr": "h",
    "day": "D",
    "week": "W",
    "month": "M",
    "year": "Y",
    "quarter": "Q",
    "yr": "Y",
}
_STOP = {
    "and",
    "or",
    "with",
    "in",
    "during",
    "of",
    "per",
    "for",
    "over",
    "from",
    "to",
    "at",
    "on",
    "by",
    "the",
    "a",
    "an",
    "each",
    "every",
    "who",
    "that",
    "which",
    "where",
    "across",
    "between",
    "since",
    "until",
    "through",
    "into",
    "plus",
    "as",
    "is",
    "are",
    "was",
    "were",
    "have",
    "has",
    "having",
    "than",
    "it",
    "its",
    "their",
    "there",
    "this",
    "these",
    "those",
    "about",
    "around",
}
FILLER = {
    "active",
    "unique",
    "distinct",
    "different",
    "new",
    "total",
    "registered",
    "daily",
    "monthly",
    "weekly",
    "yearly",
    "annual",
    "more",
    "less",
    "roughly",
    "approximately",
    "about",
    "around",
    "some",
    "just",
    "only",
    "over",
    "under",
    "nearly",
    "almost",
    "than",
    "individual",
    "separate",
    "random",
    "fake",
    "synthetic",
    "sample",
    "realistic",
    "online",
    "paying",
    "existing",
    "small",
    "large",
    "big",
    "main",
    "typical",
    "recent",
    "historical",
    "raw",
    "simulated",
    "mock",
    "test",
    "various",
    "several",
    "many",
    "few",
    "other",
    "additional",
    "extra",
    "possible",
    "similar",
}
_NON_TABLE = {
    "percent",
    "time",
    "times",
    "row",
    "record",
    "rows",
    "records",
    "table",
    "tables",
    "column",
    "columns",
    "field",
    "fields",
    "%",
    "x",
    "rupee",
    "dollar",
    "euro",
    "usd",
    "eur",
    "gb",
    "mb",
    "kb",
    "tb",
    "km",
    "kg",
    "mile",
    "meter",
    "point",
    "star",
    "level",
    "step",
    "version",
    "percentage",
    "people",
    "person",
}
# a bare year-like number (2000) is a count only after one of these ("with 2000 customers")
_COUNT_CUES = {
    "with",
    "about",
    "around",
    "roughly",
    "approximately",
    "over",
    "under",
    "exactly",
    "some",
    "of",
    "has",
    "have",
    "and",
    "~",
    "nearly",
    "almost",
    "for",
    "containing",
    "generate",
    "create",
    "make",
    "need",
    "want",
    "+",
}
_YEAR_CONTEXT = {
    "in",
    "during",
    "since",
    "from",
    "to",
    "until",
    "till",
    "through",
    "between",
    "and",
    "of",
    "year",
    "fy",
    "early",
    "late",
    "mid",
    "before",
    "after",
    "throughout",
}


@dataclass(frozen=True)
class Count:
    value: float
    noun: str  # singular snake_case, e.g. "order", "page_view"
    per: str | None = None  # per-parent ("customer") or per time unit ("D", "M"...)
    phrase: str = ""
    period: str | None = None  # with a per-parent: so many per parent per time unit


def _words_after(text: str, pos: int, limit: int = 5) -> list[tuple[str, int]]:
    out = []
    for match in re.finditer(r"[A-Za-z][A-Za-z'-]*|[,.;:()%/]", text[pos:]):
        out.append((match.group(0), pos + match.start()))
        if len(out) >= limit:
            break
    return out


ADJECTIVE_ENDINGS = ("able", "ible", "ous", "ful", "less")


def _adjective(word: str) -> bool:
    """'2,000 billable time entries', 'dangerous goods': a describing word before the noun
    (a word the lexicon knows as a thing, such as 'vegetable' or 'timetable', is not)."""
    if len(word) < 6 or not word.endswith(ADJECTIVE_ENDINGS) or is_plural(word):
        return False
    from datagen.agent.offline.lexicon import candidates

    return not candidates(word)


def _noun_after(text: str, pos: int, skip: set[str]) -> tuple[str | None, int]:
    """The (possibly two-word) noun starting at pos, skipping fillers; (None, pos) when none."""
    words = _words_after(text, pos, 6)
    i = 0
    while i < len(words) and (
        words[i][0].lower() in FILLER
        or words[i][0].lower() in skip
        or (i + 1 < len(words) and _adjective(words[i][0].lower()))
    ):
        i += 1
    if i >= len(words):
        return None, pos
    word, start = words[i]
    low = word.lower()
    if not low[0].isalpha() or low in _STOP:
        return None, pos
    end = start + len(word)
    nxt = words[i + 1][0].lower() if i + 1 < len(words) else ""
    if (
        nxt
        and nxt[0].isalpha()
        and nxt not in _STOP
        and nxt not in FILLER
        and not is_plural(low)
        and is_plural(nxt)
        and singular(nxt) not in TIME_UNITS
    ):
        low = f"{low}_{nxt}"
        end = words[i + 1][1] + len(words[i + 1][0])
    parts = low.replace("-", "_").split("_")
    parts[-1] = singular(parts[-1])
    return "_".join(p for p in parts if p), end


_PER = re.compile(r"\s*(?:per|each|a|an|every|/)\s+([A-Za-z][A-Za-z-]*)", re.IGNORECASE)
_EACH_HAS = re.compile(
    r"\beach\s+([a-z][a-z_-]*)\s+(?:has|have|places|makes|gets|sends|writes|takes|generates|"
    r"receives|holds|owns|books|files|creates|produces|logs|posts|records|emits|opens)\s+"
    r"(?:about|around|roughly|approximately|up to|on average|~)?\s*(\d[\d.,]*\s*[km]?)\s+",
    re.IGNORECASE,
)


ONCE_TWICE = {"once": 1.0, "twice": 2.0, "thrice": 3.0}
_TIMES_PER = re.compile(
    r"\b(?P<subj>[A-Za-z][A-Za-z-]*s)\s+(?P<verb>[a-z]+)(?:\s+(?:in|on|out|up))?\s+"
    r"(?:about\s+|around\s+|roughly\s+|on\s+average\s+)?"
    r"(?:(?P<num>\d[\d.,]*)\s+times|(?P<word>once|twice|thrice))\s+"
    r"(?:a|an|per|each|every)\s+(?P<unit>day|week|month|year)\b",
    re.IGNORECASE,
)
# what a verb's events are called: 'log in' makes sessions, 'book' bookings
_VERB_EVENTS = {"log": "session", "sign": "session", "login": "session", "book": "booking",
                "check": "check_in",
                "buy": "purchase", "shop": "order", "play": "session", "watch": "stream",
                "listen": "stream", "stream": "stream", "borrow": "loan", "fly": "flight"}  # fmt: skip
_AVERAGE_BEFORE = re.compile(
    r"\b(?:on\s+average|on\s+avg\.?|an?\s+average\s+of|average\s+of|typically|usually)\s+"
    r"(?:about\s+|around\s+|roughly\s+)?$",
    re.IGNORECASE,
)
_AVERAGE_AFTER = re.compile(r"\s+(?:on\s+average|on\s+avg\b|each\b|apiece\b)", re.IGNORECASE)


def _subject_before(text: str, pos: int, skip: set[str]) -> str | None:
    """Who a figure is about: the first plural noun of its clause ('students enroll in 3
    courses'), or the noun after 'per'/'each' ('an average of 3 items per order' is the
    parser's `per` already)."""
    clauses = re.split(r"[,.;:()]|\b(?:and|but|while|whereas)\b", text[:pos])
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", clauses[-1])
    for index, word in enumerate(words):
        low = word.lower()
        if low in ("each", "every"):
            # 'each player plays 30 matches': the noun after 'each'; 'subscribers, each making
            # 120 calls': the plural right before the comma
            nxt = words[index + 1].lower() if index + 1 < len(words) else ""
            if nxt and not nxt.endswith("ing") and nxt not in _STOP and nxt not in skip:
                return singular(nxt)
            before = re.findall(r"[A-Za-z][A-Za-z'-]*", clauses[-2]) if len(clauses) > 1 else []
            last = before[-1].lower() if before else ""
            return singular(last) if last and is_plural(last) and last not in _STOP else None
        if low in _STOP or low in FILLER or low in skip:
            continue
        return singular(low) if is_plural(low) else None
    return None


def _plural_before(text: str, pos: int, skip: set[str]) -> str | None:
    """The plural noun right before "and|with|of <number>" in the sentence ('30 cinemas and 8
    screens each'), else None."""
    sentence = re.split(r"[.;:()]", text[:pos])[-1]
    found = re.search(r"([A-Za-z][A-Za-z'-]*)\s+(?:and|with|of)\s*$", sentence)
    if found is None:
        return None
    word = found.group(1).lower()
    return singular(word) if is_plural(word) and word not in _STOP and word not in skip else None


# '16 teams of 6 players', '40 fields each with 5 soil sensors': a count of a counted parent
_COUNTED_PARENT = re.compile(
    r"\d[\d,.]*[kKmM]?\s+([A-Za-z][A-Za-z'-]*)\s*,?\s+(?:of|each\s+with|each\s+having)\s+"
    r"(?:about\s+|around\s+|roughly\s+)?$"
)
_YEAR_RANGE = re.compile(r"\b(?:19|20)\d\d\s*(?:-|–|—|/|to)\s*(?:(?:19|20)\d\d|\d\d)\b")
_RANGE_LOW = re.compile(r"(\d[\d,.]*)\s*(?:-|–|—|to)\s*$")
_RANGE_HIGH = re.compile(r"^\s*(?:-|–|—|to)\s*\d")
SMALL_RANGE = 50  # "4 to 6 courses" spreads per parent; "400 to 500 courses" is a total


def _in_year_range(text: str, start: int, end: int) -> bool:
    """A number that is one end of '2023-2024' or '2023/24' (a window, not a count)."""
    return any(m.start() <= start and end <= m.end() for m in _YEAR_RANGE.finditer(text))


def _range_head(text: str, start: int, end: int) -> bool:
    """Either end of a small range 'N to M' ('4 to 6 courses')."""
    low = _RANGE_LOW.search(text[max(0, start - 20) : start])
    if low is not None:
        first = parse_number(low.group(1))
        number = parse_number(text[start:end].strip())
        return first is not None and number is not None and number <= SMALL_RANGE
    high = _RANGE_HIGH.match(text[end:])
    number = parse_number(text[start:end].strip())
    return high is not None and number is not None and number <= SMALL_RANGE


def _other_year(text: str, value: float) -> bool:
    """Another year-like number in the text: then '2000 customers in 2023' counts customers."""
    return any(int(y) != value for y in re.findall(r"(?<![\d,.])((?:19|20)\d\d)(?![\d,])", text))


SERVICE_LINES = {"211", "311", "411", "511", "911", "999", "112"}


def find_counts(text: str, countries: set[str] | None = None) -> list[Count]:
    """Numbers followed by a noun: '10k customers', 'about 2 million orders', '5 orders per customer'."""
    skip = {w.lower() for w in (countries or set())} | COUNTRY_ADJECTIVES
    normalized = words_to_digits(text)
    counts: list[Count] = []
    for match in _NUMERIC.finditer(normalized):
        raw, suffix = match.group(1), match.group(2)
        after = normalized[match.end() :]
        if re.match(r"\s*(%|percent|per ?cent|x\b|times\b)", after, re.IGNORECASE):
            continue
        if re.match(r"-?\s*(?:" + "|".join(TIME_UNITS) + r")s?\b", after, re.IGNORECASE):
            continue
        value = parse_number(raw + (suffix or ""))
        if value is None:
            continue
        if _in_year_range(normalized, match.start(), match.end()):
            continue
        person = re.match(r"-(?:person|people|employee|staff|strong)\b", after, re.IGNORECASE)
        if person:  # "a 2,500-person company": its employees
            counts.append(
                Count(
                    value, "employee", None, normalized[match.start() : match.end() + person.end()]
                )
            )
            continue
        if _range_head(normalized, match.start(), match.end()):
            continue  # "4 to 6 courses": a spread per parent, not a total
        before = normalized[: match.start()].split()
        prev = before[-1].lower().strip(",(") if before else ""
        if (
            not suffix
            and "," not in raw
            and "." not in raw
            and 1900 <= value <= 2100
            and prev not in _COUNT_CUES
            and (
                prev in _YEAR_CONTEXT or prev.startswith("q") or not _other_year(normalized, value)
            )
        ):
            continue
        if prev in ("q", "top", "version", "v", "level", "step", "phase", "#"):
            continue
        if raw in SERVICE_LINES and not suffix and not prev[:1].isdigit():
            continue  # "311 service requests", "911 calls": the line's name, not a count
        noun, end = _noun_after(normalized, match.end(), skip)
        of_match = re.match(r"\s+of\s+", normalized[end:]) if noun in ("row", "record") else None
        if of_match:  # "100K rows of transactions"
            noun, end = _noun_after(normalized, end + of_match.end(), skip)
        if noun is None or noun in _NON_TABLE or noun.split("_")[-1] in TIME_UNITS:
            continue
        per = None
        per_match = _PER.match(normalized, end)
        if per_match and re.match(r"\s+(?:about|around|roughly|approximately|~|\d)",
                                  normalized[per_match.end() :]):  # fmt: skip
            per_match = None  # 'listeners each play about 10 episodes': a verb, not per play
        if per_match:
            per_word = singular(per_match.group(1).lower())
            if per_word in TIME_UNITS:
                per = TIME_UNITS[per_word]
            elif per_word not in _STOP and per_word not in FILLER and per_word.isalpha():
                per = per_word
        period = None
        counted_parent = _COUNTED_PARENT.search(normalized[: match.start()])
        if per is None and counted_parent is not None:
            parent = counted_parent.group(1).lower()
            if is_plural(parent) and parent not in _STOP and singular(parent) != noun:
                per = singular(parent)  # '16 teams of 6 players': 6 per team
        if per is None or per in TIME_UNITS.values():
            rate = _AVERAGE_BEFORE.search(normalized[: match.start()]) or _AVERAGE_AFTER.match(
                normalized, end
            )
            each_verb = re.match(r"\s+each\s+[a-z]", normalized[end:], re.IGNORECASE)
            if rate is not None and each_verb:
                rate = None  # '500,000 listeners each play 10 episodes': a total, then its verb
            subject = _subject_before(normalized, match.start(), skip)
            if subject == noun:
                subject = None
            if subject is None and rate is not None and rate.group(0).strip().lower() == "each":
                # '30 cinemas and 8 screens each': 8 per cinema
                subject = _plural_before(normalized, match.start(), skip)
            if rate is not None and subject is None:
                continue  # "on average 3 items": with no subject named it is no count at all
            if rate is not None or (per is not None and subject is not None):
                # "students enroll in 3 courses on average", "players play 3 sessions a day":
                # so many per student / player (per day), never a total
                period, per = per, subject
                if period is not None and per_match is not None:
                    end = per_match.end()
        counts.append(Count(value, noun, per, normalized[match.start() : end].strip(), period))
    for match in _TIMES_PER.finditer(normalized):
        # "members visit 2 times a week", "users log in 5 times per week": the verb's events,
        # so many per subject per period
        word = (match.group("word") or "").lower()
        value = ONCE_TWICE[word] if word else parse_number(match.group("num"))
        subject = singular(match.group("subj").lower())
        verb = match.group("verb").lower()
        if value is None or subject in _STOP or verb in _STOP:
            continue
        event = _VERB_EVENTS.get(verb, singular(verb))
        unit = TIME_UNITS.get(singular(match.group("unit").lower()))
        counts.append(Count(value, event, subject, match.group(0).strip(), unit))
    for match in _EACH_HAS.finditer(normalized):
        value = parse_number(match.group(2).strip())
        noun, end = _noun_after(normalized, match.end(), skip)
        parent = singular(match.group(1).lower())
        if value is None or noun is None:
            continue
        counts = [c for c in counts if c.noun != noun]
        period = None
        per_match = _PER.match(normalized, end)  # 'each scooter makes 6 trips a day'
        if per_match and singular(per_match.group(1).lower()) in TIME_UNITS:
            period = TIME_UNITS[singular(per_match.group(1).lower())]
            end = per_match.end()
        counts.append(Count(value, noun, parent, normalized[match.start() : end].strip(), period))
    return counts


# --------------------------------------------------------------------------- time windows

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_YEAR = r"((?:19|20)\d\d)"
_ISO = r"(\d{4}-\d{2}-\d{2})"
_TO = r"\s*(?:to|and|until|till|through|thru|-|–|—)\s*"


@dataclass(frozen=True)
class TimeWindow:
    start: date
    end: date  # exclusive
    phrase: str
    relative: bool = False  # counted back from the reference date


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def find_window(text: str, today: date = REFERENCE_DATE) -> TimeWindow | None:
    """The dataset's time window, or None when the description names none."""
    low = words_to_digits(fix_typos(text)).lower()
    m = re.search(rf"(?:from|between)?\s*{_ISO}{_TO}{_ISO}", low)
    if m:
        start, end = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
        if end >= start:
            return TimeWindow(start, end + timedelta(days=1), m.group(0).strip())
    m = re.search(
        rf"\b(?:from|between)\s+(?:the\s+)?{_MONTH}(?:\s+{_YEAR})?{_TO}(?:the\s+end\s+of\s+)?"
        rf"{_MONTH}\s*,?\s*{_YEAR}",
        low,
    )
    if m:
        m1, y1, m2, y2 = MONTHS[m.group(1)], m.group(2), MONTHS[m.group(3)], int(m.group(4))
        year1 = int(y1) if y1 else (y2 if m1 <= m2 else y2 - 1)
        start, end = _month_start(year1, m1), add_months(_month_start(y2, m2), 1)
        if end > start:
            return TimeWindow(start, end, m.group(0).strip())
    m = re.search(
        rf"\b{_YEAR}\s*(?:-|–|—|/|to)\s*((?:19|20)?\d\d)\s+(?:school|academic|fiscal|financial|"
        rf"season|term)(?:\s+year)?\b",
        low,
    ) or re.search(rf"\b{_YEAR}\s*/\s*(\d\d)\b", low)
    if m:
        y1 = int(m.group(1))
        y2 = int(m.group(2)) if len(m.group(2)) == 4 else 100 * (y1 // 100) + int(m.group(2))
        if y2 == y1 + 1:  # a school year or a season: September to the next summer
            return TimeWindow(date(y1, 9, 1), date(y2, 7, 1), m.group(0).strip())
    m = re.search(
        rf"\b(?:from|between)\s+(?:the\s+year\s+)?{_YEAR}{_TO}{_YEAR}\b", low
    ) or re.search(rf"\b{_YEAR}\s*(?:-|–|—|to)\s*{_YEAR}\b", low)
    if m:
        y1, y2 = int(m.group(1)), int(m.group(2))
        if y2 >= y1:
            return TimeWindow(date(y1, 1, 1), date(y2 + 1, 1, 1), m.group(0).strip())
    m = _span_within(low)
    if m:
        inner = find_window(m.group("inner"), today)
        if inner is not None and not inner.relative:
            amount = 1.0 if m.group(1) in ("a", "an", "one") else float(m.group(1))
            length = _back_from(today, amount, m.group(2), "")
            end = min(inner.start + (length.end - length.start), inner.end)
            return TimeWindow(inner.start, end, m.group(0).strip())
    m = next(
        (
            found
            for found in re.finditer(
                r"\b(?:the\s+)?(?:last|past|previous|recent|trailing|prior)\s+(\d+(?:\.\d+)?\s+)?"
                r"(day|week|month|quarter|year)s?\b",
                low,
            )
            if not re.search(rf"\b(?:{LASTING})\s+$", low[: found.start()])
        ),
        None,
    )  # "loans last 21 days": how long each loan lasts, not the window
    if m:
        amount = float(m.group(1)) if m.group(1) else 1.0
        return _back_from(today, amount, m.group(2), m.group(0).strip())
    m = re.search(rf"\b(first|second|1st|2nd)\s+half\s+of\s+{_YEAR}\b", low) or re.search(
        rf"\bh([12])\s*{_YEAR}\b", low
    )
    if m:
        second = m.group(1) in ("second", "2nd", "2")
        start = date(int(m.group(2)), 7 if second else 1, 1)
        return TimeWindow(start, add_months(start, 6), m.group(0).strip())
    m = re.search(rf"\b{_MONTH}\s*(?:-|–|—|to|through|until)\s*{_MONTH}\s*,?\s*{_YEAR}\b", low)
    if m:
        m1, m2, y2 = MONTHS[m.group(1)], MONTHS[m.group(2)], int(m.group(3))
        start = _month_start(y2 if m1 <= m2 else y2 - 1, m1)
        return TimeWindow(start, add_months(_month_start(y2, m2), 1), m.group(0).strip())
    m = re.search(
        r"\b(\d+(?:\.\d+)?|a|an|one)\s+(day|week|month|quarter|year)s?\s+(?:worth\s+)?of\b"
        r"(?!\s+(?:the\s+|all\s+|our\s+)?[a-z]+s\b)",  # "a quarter of orders" is a share
        low,
    )
    if m:
        amount = 1.0 if m.group(1) in ("a", "an", "one") else float(m.group(1))
        return _back_from(today, amount, m.group(2), m.group(0).strip())
    m = re.search(rf"\bq([1-4])\s*(?:of\s+)?{_YEAR}\b", low) or re.search(
        rf"\b{_YEAR}\s*q([1-4])\b", low
    )
    if m:
        groups = m.groups()
        quarter, year = (
            (int(groups[0]), int(groups[1]))
            if len(groups[0]) == 1
            else (int(groups[1]), int(groups[0]))
        )
        start = date(year, 3 * (quarter - 1) + 1, 1)
        return TimeWindow(start, add_months(start, 3), m.group(0).strip())
    m = re.search(rf"\bsince\s+(?:{_MONTH}\s+)?{_YEAR}\b", low)
    if m:
        month = MONTHS[m.group(1)] if m.group(1) else 1
        start = date(int(m.group(2)), month, 1)
        if start < today:
            return TimeWindow(start, today, m.group(0).strip(), relative=True)
    m = re.search(
        rf"\b(?:in|during|for|throughout|over|of|across)\s+{_MONTH}\s*,?\s+{_YEAR}\b", low
    )
    if m:
        start = date(int(m.group(2)), MONTHS[m.group(1)], 1)
        return TimeWindow(start, add_months(start, 1), m.group(0).strip())
    m = re.search(
        rf"\b(?:in|during|for|throughout|over|of|across|covering|within)\s+"
        rf"(?:the\s+)?(?:(?:calendar|fiscal|whole|full|entire)\s+)?(?:year\s+)?{_YEAR}\b",
        low,
    )
    if m:
        year = int(m.group(1))
        return TimeWindow(date(year, 1, 1), date(year + 1, 1, 1), m.group(0).strip())
    m = re.search(
        r"\b(?:for|over|spanning|covering|across)\s+(?:a\s+period\s+of\s+)?(\d+(?:\.\d+)?)"
        r"\s*-?\s*(day|week|month|quarter|year)s?\b",
        low,
    ) or re.search(
        r"\b(\d+(?:\.\d+)?)\s*-\s*(day|week|month|quarter|year)\s+(?:window|period|span|history)\b",
        low,
    )
    if m:
        return _back_from(today, float(m.group(1)), m.group(2), m.group(0).strip())
    counted = {int(c.value) for c in find_counts(text)}
    found = re.findall(rf"(?<![\d,.-]){_YEAR}(?![\d,])", low)
    years = sorted({int(y) for y in found} - counted)
    if len(years) == 1:
        return TimeWindow(date(years[0], 1, 1), date(years[0] + 1, 1, 1), str(years[0]))
    if len(years) > 1 and years[-1] - years[0] <= 10:
        return TimeWindow(
            date(years[0], 1, 1), date(years[-1] + 1, 1, 1), f"{years[0]} ... {years[-1]}"
        )
    return None


def _span_within(low: str) -> re.Match[str] | None:
    """'for one week in march 2024': a length from the start of a named window."""
    return re.search(
        r"\b(?:for|over|spanning|covering)\s+(\d+(?:\.\d+)?|a|an|one)\s*-?\s*(day|week|month)s?\s+"
        rf"(?P<inner>(?:in|during|of)\s+(?:{_MONTH}\s*,?\s+)?{_YEAR})\b",
        low,
    )


def _back_from(today: date, amount: float, unit: str, phrase: str) -> TimeWindow:
    if unit == "day":
        start = today - timedelta(days=max(1, round(amount)))
    elif unit == "week":
        start = today - timedelta(days=max(7, round(amount * 7)))
    else:
        months = {"month": 1, "quarter": 3, "year": 12}[unit] * amount
        whole = max(1, round(months))
        start = add_months(date(today.year, today.month, 1), -whole)
        if today.day != 1:
            start = add_months(start, 1)
    return TimeWindow(start, today, phrase, relative=True)


# --------------------------------------------------------------------------- behaviours


@dataclass(frozen=True)
class Behaviour:
    kind: str
    phrase: str
    rate: float | None = None


_PERCENT = r"(\d+(?:\.\d+)?)\s*(?:%|percent|per cent)"
_BEHAVIOURS: list[tuple[str, str]] = [
    (
        "weekend_spike",
        r"weekend\w*\s+(?:spikes?|peaks?|surges?|rush|lift|boosts?|highs?|bumps?|"
        r"traffic|heavy|activity)|busier\s+(?:on\s+)?weekends?|more\s+(?:\w+\s+)?(?:on|at|during)\s+"
        r"(?:the\s+)?weekends?|weekends?\s+(?:are|is)\s+(?:busier|busy|higher|heavier|peak)|"
        r"(?:spikes?|peaks?|surges?)\s+(?:on|at|during|over)\s+(?:the\s+)?weekends?|weekend[- ]heavy|"
        r"busy\s+weekends?|weekends?\s+(?:rush|surge)|(?:more|busier|peaks?|spikes?)\w*\s+"
        r"(?:\w+\s+){0,3}on\s+(?:saturdays?|sundays?)",
    ),
    (
        "weekday",
        r"weekdays?\s+only|only\s+on\s+weekdays|(?:quiet|slow|empty|no)\s+weekends?|"
        r"working\s+days|workdays|mon(?:day)?\s*(?:-|to|through)\s*fri(?:day)?|closed\s+on\s+weekends?",
    ),
    (
        "december_peak",
        r"(?:december|christmas|xmas)(?:\s+(?:peaks?|spikes?|rush|surge|highs?|season))?|"
        r"holiday\s+season|holiday\s+(?:peak|spike|rush)|"
        r"black\s+friday|year[- ]end\s+(?:peak|spike|rush)|festive",
    ),
    ("seasonal", r"\bseasonal\w*"),
    (
        "summer_peak",
        r"summer\s+(?:peak|spike|season|high|rush|surge)|(?:peak|spike|high)s?\s+in\s+"
        r"(?:the\s+)?summer|busy\s+summers?",
    ),
    (
        "business_hours",
        r"business\s+hours|office\s+hours|working\s+hours|9\s*(?:to|-)\s*5|"
        r"nine\s+to\s+five|during\s+the\s+day\b|daytime",
    ),
    (
        "evening_peak",
        r"evening\s+(?:peaks?|spikes?|rush|traffic)|(?:peaks?|spikes?)\s+in\s+the\s+"
        r"evenings?|at\s+night|night[- ]?time|late[- ]night|prime\s+time",
    ),
    ("meal_peaks", r"lunch|dinner|meal\s*times?|rush\s+hours?"),
    ("fraud", r"fraud\w*"),
    (
        "power_users",
        r"power[- ]users?|heavy\s+users?|super[- ]?users?|whales?|a\s+few\s+(?:very\s+)?"
        r"(?:big|large|heavy|top|active|loyal)\s+\w+|long[- ]tail|pareto|80\s*/\s*20|"
        r"vip\s+customers?|most\s+active\s+users?",
    ),
    (
        "popularity",
        r"(?:popular|best[- ]?sell\w*|top[- ]?sell\w*|hit)\s+(?:products?|items?|"
        r"songs?|titles?|restaurants?|merchants?|stores?|courses?|posts?)|skewed\s+popularity|"
        r"popularity\s+skew|bestsellers?",
    ),
    ("churn", r"churn\w*|attrition|cancell?ations?|cancel\s+their|unsubscrib\w+"),
    (
        "growth",
        r"\bgrow(?:s|ing|th)?\b|upward\s+trend|increas\w+\s+(?:over\s+time|steadily|each)|"
        r"ramp[- ]?up",
    ),
    ("decline", r"declin\w+|shrink\w*|downward\s+trend|decreas\w+\s+(?:over\s+time|steadily)"),
    (
        "outliers",
        r"outliers?|anomal\w+|unusual\s+(?:values?|amounts?|transactions?)|"
        r"extreme\s+values?|(?:spikes?|glitch\w*)\s+in\s+(?:the\s+)?(?:readings?|values?|amounts?)",
    ),
    (
        "missing",
        r"missing\s+values?|nulls?\b|incomplete\s+(?:data|records?)|dirty\s+data|"
        r"messy\s+data|gaps?\s+in\s+the\s+data",
    ),
]


_TYPO_VOCABULARY = [
    "fraud",
    "fraudulent",
    "weekend",
    "weekends",
    "december",
    "christmas",
    "holiday",
    "business",
    "hours",
    "churn",
    "outliers",
    "anomalies",
    "summer",
    "evening",
    "evenings",
    "lunch",
    "dinner",
    "missing",
    "growth",
    "growing",
    "spikes",
    "popular",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "during",
    "between",
    "weekdays",
    "attrition",
    "cancellations",
    "seasonal",
    "seasonality",
    "season",  # 'the 2024 season' is a word of its own, not a misspelt 'seasonal'
    "seasons",
    "quarter",
    "months",
    "million",
    "thousand",
    "billion",
    "hundred",
]


def fix_typos(text: str) -> str:
    """Respell near-misses of the words behaviours and windows hang on ('fradulent', 'Decmber')."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        low = word.lower()
        if len(low) < 5 or low in _TYPO_VOCABULARY:
            return word
        close = difflib.get_close_matches(low, _TYPO_VOCABULARY, n=1, cutoff=0.84)
        return close[0] if close else word

    return re.sub(r"[A-Za-z]+", fix, text)


def find_behaviours(text: str) -> list[Behaviour]:
    """Behaviours named in the text, in a fixed order, each with its rate when one is given."""
    low = words_to_digits(fix_typos(text)).lower()
    found: list[Behaviour] = []
    for kind, pattern in _BEHAVIOURS:
        m = re.search(pattern, low)
        if not m:
            continue
        rate = _rate_near(low, m.start(), m.end())
        if kind == "fraud" and re.search(r"\bno\s+fraud|without\s+fraud|fraud[- ]free", low):
            continue
        if kind in ("growth", "decline") and not re.search(
            r"grow|trend|increas|ramp|declin|shrink|decreas", m.group(0)
        ):
            continue
        if (
            kind == "growth"
            and re.search(r"growing\s+(?:company|startup|business|team)", low)
            and (rate is None)
        ):
            continue
        found.append(Behaviour(kind, m.group(0), rate))
    kinds = {b.kind for b in found}
    if "weekend_spike" in kinds and "weekday" in kinds:
        found = [b for b in found if b.kind != "weekday"]
    return found


def _rate_near(low: str, start: int, end: int) -> float | None:
    """A percentage within a few words before or after a behaviour phrase."""
    before = low[max(0, start - 40) : start]
    after = low[end : end + 40]
    m = re.search(_PERCENT + r"\s*(?:of\s+[\w\s]{0,20})?\W*$", before) or re.match(
        r"\W*(?:rate\s+)?(?:of|at|around|about|is|=|:|~)?\s*(?:rate\s+of\s+)?(?:about\s+|around\s+|"
        r"roughly\s+|~)?" + _PERCENT,
        after,
    )
    if not m:
        return None
    value = float(m.group(1)) / 100
    return value if 0 < value < 1 else None


_AVERAGE = re.compile(
    # the words between never cross into the next clause ('calls last 3 minutes on average
    # and 2% of calls are dropped' has no average of 2), and a share is no amount
    r"\b(?:average|avg|mean|typical|median)\s+(?:(?!(?:and|or|but|while)\b)[a-z]+\s+){0,3}?"
    r"(?:of|around|about|is|=|:|at)?\s*"
    r"(?:about|around|roughly|~)?\s*[$€£]?\s*(\d[\d,]*(?:\.\d+)?\s*k?)\b(?!\s*%)|"
    r"\baveraging\s+(?:about|around|roughly|~)?\s*[$€£]?\s*(\d[\d,]*(?:\.\d+)?\s*k?)\b(?!\s*%)",
    re.IGNORECASE,
)


_CURRENCY_WORDS = {"dollars", "euros", "pounds", "usd", "eur", "gbp", "bucks", "francs", "yens"}


def find_average_amount(text: str) -> tuple[float, str] | None:
    """'an average order value of $50', 'orders averaging €80' -> (50.0, phrase)."""
    m = _AVERAGE.search(text)
    if not m:
        return None
    after = re.match(r"\s*([a-z]+)", text[m.end() :], re.IGNORECASE)
    if after and is_plural(after.group(1)) and after.group(1).lower() not in _CURRENCY_WORDS:
        return None  # "an average of 3 orders per customer" is a count
    value = parse_number((m.group(1) or m.group(2)).replace(" ", ""))
    if value is None or value <= 0:
        return None
    return value, m.group(0).strip()


# --------------------------------------------------------------------------- countries

COUNTRIES: dict[str, str] = {
    "united states": "US",
    "usa": "US",
    "u.s.": "US",
    "us": "US",
    "america": "US",
    "american": "US",
    "americans": "US",
    "united kingdom": "GB",
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "british": "GB",
    "england": "GB",
    "english": "GB",
    "germany": "DE",
    "german": "DE",
    "germans": "DE",
    "france": "FR",
    "french": "FR",
    "spain": "ES",
    "spanish": "ES",
    "italy": "IT",
    "italian": "IT",
    "italians": "IT",
    "netherlands": "NL",
    "holland": "NL",
    "dutch": "NL",
    "belgium": "BE",
    "belgian": "BE",
    "poland": "PL",
    "polish": "PL",
    "portugal": "PT",
    "portuguese": "PT",
    "brazil": "BR",
    "brazilian": "BR",
    "mexico": "MX",
    "mexican": "MX",
    "canada": "CA",
    "canadian": "CA",
    "canadians": "CA",
    "japan": "JP",
    "japanese": "JP",
    "china": "CN",
    "chinese": "CN",
    "india": "IN",
    "indian": "IN",
    "australia": "AU",
    "australian": "AU",
    "new zealand": "NZ",
    "sweden": "SE",
    "swedish": "SE",
    "norway": "NO",
    "norwegian": "NO",
    "denmark": "DK",
    "danish": "DK",
    "finland": "FI",
    "finnish": "FI",
    "austria": "AT",
    "austrian": "AT",
    "switzerland": "CH",
    "swiss": "CH",
    "ireland": "IE",
    "irish": "IE",
    "czechia": "CZ",
    "czech republic": "CZ",
    "korea": "KR",
    "south korea": "KR",
    "korean": "KR",
    "turkey": "TR",
    "turkish": "TR",
    "argentina": "AR",
    "colombia": "CO",
    "chile": "CL",
    "romania": "RO",
    "greece": "GR",
    "greek": "GR",
    "hungary": "HU",
    "ukraine": "UA",
    "israel": "IL",
    "south africa": "ZA",
}
REGIONS: dict[str, list[str]] = {
    "europe": ["DE", "FR", "GB", "ES", "IT", "NL"],
    "european": ["DE", "FR", "GB", "ES", "IT", "NL"],
    "eu": ["DE", "FR", "ES", "IT", "NL", "PL"],
    "dach": ["DE", "AT", "CH"],
    "nordics": ["SE", "NO", "DK", "FI"],
    "scandinavia": ["SE", "NO", "DK"],
    "latin america": ["BR", "MX", "AR", "CO", "CL"],
    "north america": ["US", "CA", "MX"],
    "benelux": ["NL", "BE"],
    "worldwide": ["US", "GB", "DE", "FR", "IN", "BR", "JP", "AU"],
    "global": ["US", "GB", "DE", "FR", "IN", "BR", "JP", "AU"],
    "international": ["US", "GB", "DE", "FR", "IN", "BR", "JP", "AU"],
}
COUNTRY_ADJECTIVES = {k for k in COUNTRIES if not k.endswith(("land", "ia", "y", "a", "o"))}
_AMBIGUOUS = {"us", "in"}  # the pronoun / preposition only count in caps ("US", "IN" never)


def find_countries(text: str) -> list[str]:
    """ISO codes of the countries and regions named, in order of first mention."""
    found: list[tuple[int, str]] = []
    low = text.lower()
    names = sorted([*COUNTRIES, *REGIONS], key=len, reverse=True)
    taken: list[tuple[int, int]] = []
    for name in names:
        for m in re.finditer(rf"(?<![\w.]){re.escape(name)}(?![\w])", low):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if name in _AMBIGUOUS and text[m.start() : m.end()] != name.upper():
                continue
            if name == "america" and re.search(r"latin\s+$|north\s+$|south\s+$", low[: m.start()]):
                continue
            if name in ("global", "international") and not re.search(
                r"(?:customers|users|clients|shoppers|players|merchants|students|audience|"
                r"presence|footprint)",
                low,
            ):
                continue
            taken.append((m.start(), m.end()))
            codes = REGIONS.get(name) or [COUNTRIES[name]]
            for code in codes:
                found.append((m.start(), code))
    found.sort(key=lambda item: item[0])
    return list(dict.fromkeys(code for _, code in found))


# --------------------------------------------------------------------------- names


@dataclass(frozen=True)
class ColumnMention:
    table: str | None  # singular snake_case noun, None when the text does not say
    column: str
    values: tuple[str, ...] = ()
    phrase: str = ""


def _split_list(text: str) -> list[str]:
    parts = re.split(r"\s*(?:,|/|;|\band\b|\bor\b|\bplus\b|\|)\s*", text.strip())
    return [p.strip(" .'\"`()[]") for p in parts if p.strip(" .'\"`()[]")]


def find_named_tables(text: str) -> list[str]:
    """Tables listed explicitly: 'with tables stores, products and sales' -> [store, product, sale]."""
    m = re.search(
        r"\b(?:tables?|entities|datasets?\s+of)\s*(?:called|named|for|like)?\s*:?\s*"
        r"((?:[a-z][\w-]*(?:\s+[a-z][\w-]*)?\s*(?:,\s*(?:and\s+)?|\s+and\s+|/\s*)?)+)",
        text,
        re.IGNORECASE,
    )
    if not m:
        m = re.search(
            r"\b(\d+|two|three|four|five|six|seven)\s+tables?\s*(?:\(|:)\s*([^).;]+)",
            text,
            re.IGNORECASE,
        )
        if not m:
            return []
        chunk = m.group(2)
    else:
        chunk = m.group(1)
    names: list[str] = []
    for item in _split_list(chunk):
        words = [w for w in re.findall(r"[a-z][\w-]*", item.lower()) if w not in FILLER]
        if not words or words[0] in _STOP or len(words) > 2:
            if names:
                break
            continue
        names.append(
            "_".join(w.replace("-", "_") for w in words[:-1])
            + ("_" if len(words) > 1 else "")
            + singular(words[-1])
        )
    return [n for n in dict.fromkeys(names) if n not in _STOP and n not in _NON_TABLE]


_COLUMN_WORD = r"([a-z][a-z0-9_ -]{0,30}?)"
_VALUES = r"([a-z0-9][\w' -]*(?:\s*(?:,|/|\bor\b|\band\b)\s*[a-z0-9][\w' -]*)+)"


def find_columns(text: str) -> list[ColumnMention]:
    """'each order has a status: pending, shipped, delivered' and 'with columns x, y and z'."""
    low = words_to_digits(text).lower()
    found: list[ColumnMention] = []
    for m in re.finditer(
        rf"\b(?:each|every|all)?\s*([a-z][a-z_-]*?)s?\s+(?:has|have|with|having|carries|carry|gets?)\s+"
        rf"(?:a|an|the|one)?\s*{_COLUMN_WORD}\s*(?:column|field|attribute)?\s*(?::|\(|of\s+|"
        rf"which\s+is\s+(?:one\s+of\s+)?|one\s+of\s+|among\s+|either\s+|in\s+\{{?|=)\s*{_VALUES}",
        low,
    ):
        values = tuple(v for v in _split_list(m.group(3)) if len(v) <= 40)
        if len(values) < 2:
            continue
        column = "_".join(w for w in re.findall(r"[a-z0-9]+", m.group(2)) if w not in FILLER)
        if not column:
            continue
        found.append(ColumnMention(singular(m.group(1)), column, values, m.group(0).strip()))
    for m in re.finditer(
        r"\b([a-z][a-z_-]*)\s+(?:table\s+)?(?:has|have|with|having)\s+(?:the\s+)?(?:columns?|fields?|"
        r"attributes?)\s*:?\s*([a-z][\w -]*(?:\s*,\s*[a-z][\w -]*)*(?:\s*,?\s*and\s+[a-z][\w -]*)?)",
        low,
    ):
        for item in _split_list(m.group(2)):
            words = [w for w in re.findall(r"[a-z0-9]+", item) if w not in ("a", "an", "the")]
            if not words or len(words) > 3:
                break
            found.append(
                ColumnMention(singular(m.group(1)), "_".join(words), (), m.group(0).strip())
            )
    return found


# --------------------------------------------------------------------------- refusal

_HOSTILE = [
    r"ignore\s+(?:all\s+)?(?:the\s+)?(?:previous|prior|above|earlier|your)\s+(?:instructions|prompts?|rules)",
    r"disregard\s+(?:all\s+)?(?:the\s+)?(?:previous|prior|above|your)\s+",
    r"\brm\s+-\w*[rf]",
    r"\bsudo\b",
    r"\bdrop\s+(?:table|database)\b",
    r"<\s*script",
    r"\bsystem\s+prompt\b",
    r"__import__|\bos\.system|\bsubprocess\b|\beval\s*\(|\bexec\s*\(",
    r"(?:reveal|print|show|leak)\s+(?:your|the)\s+(?:api\s+)?(?:key|secret|password|token)s?",
    r"/etc/passwd",
    r"\bcurl\s+http",
    r"\bwget\s+http",
    r"jailbreak",
]


def refusal_reason(text: str) -> str | None:
    """Why a description cannot be authored (empty, no words, hostile), or None."""
    if not text or not text.strip():
        return "the description is empty: say what data you need, e.g. 'an online shop with orders'"
    words = re.findall(r"[A-Za-z]{3,}", text)
    if not words:
        return (
            "the description has no words to work from: say what data you need, "
            "e.g. 'patients and their hospital visits during 2024'"
        )
    low = text.lower()
    for pattern in _HOSTILE:
        if re.search(pattern, low):
            return (
                "the description looks like an instruction to the tool, not a dataset "
                "description; nothing was generated. Describe the data you need instead"
            )
    return None


# --------------------------------------------------------------------------- all at once


@dataclass
class Parsed:
    text: str
    counts: list[Count] = field(default_factory=list)
    window: TimeWindow | None = None
    behaviours: list[Behaviour] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    named_tables: list[str] = field(default_factory=list)
    columns: list[ColumnMention] = field(default_factory=list)
    average_amount: tuple[float, str] | None = None
    tokens: list[str] = field(default_factory=list)  # singular lower-case words, in order

    def behaviour(self, kind: str) -> Behaviour | None:
        return next((b for b in self.behaviours if b.kind == kind), None)


def tokens_of(text: str) -> list[str]:
    return [singular(w) for w in re.findall(r"[a-z][a-z'-]*", text.lower().replace("'s", ""))]


def parse(text: str, today: date = REFERENCE_DATE) -> Parsed:
    countries = find_countries(text)
    names = {k for k, v in COUNTRIES.items() if v in countries}
    return Parsed(
        text=text,
        counts=find_counts(text, names),
        window=find_window(text, today),
        behaviours=find_behaviours(text),
        countries=countries,
        named_tables=find_named_tables(text),
        columns=find_columns(text),
        average_amount=find_average_amount(text),
        tokens=tokens_of(text),
    )
