"""The claim extractor: every fact a description states, kept with its exact phrase.

Deterministic and shared by every provider (no LLM): a provider never extracts
for itself, so it cannot hide what it dropped. Each rule is a small function
over the text yielding `Found` spans; rules run in priority order and a span
already claimed is not claimed again ("each order has 1 to 5 lines" is a
relationship, not also a range). Relative windows count back from
`reference_date`, never the wall clock.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from datagen.agent.claims import calendar
from datagen.agent.claims.numbers import FRACTION, NUMBER, ONE_IN, PERCENT, share_of
from datagen.agent.claims.numbers import to_number as number
from datagen.agent.claims.words import STOP, TIME_UNIT, singular, time_unit_seconds
from datagen.engine import dsl

REFERENCE_DATE = dt.date(2025, 1, 1)


@dataclass
class Found:
    kind: str
    start: int
    end: int
    expected: dict[str, Any]
    about: list[str] = field(default_factory=list)


Rule = Callable[[str, dt.date], Iterator[Found]]
# (priority, rule): lower runs first and its spans win over later rules' overlapping ones
RULES: list[tuple[int, Rule]] = []


def rule(priority: int) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES.append((priority, fn))
        RULES.sort(key=lambda item: item[0])
        return fn

    return register


def extract_claims(text: str, *, reference_date: dt.date = REFERENCE_DATE) -> list[dsl.Claim]:
    """Description -> claims, in the order their phrases appear; status `unbound`."""
    kept: list[Found] = []
    for _, find in RULES:
        for found in find(text, reference_date):
            if not any(found.start < k.end and k.start < found.end for k in kept):
                kept.append(found)
    kept.sort(key=lambda f: (f.start, f.end))
    claims = []
    for index, found in enumerate(kept, start=1):
        phrase = text[found.start : found.end].strip(" ,;:.")
        claims.append(
            dsl.Claim(
                id=f"c{index}",
                text=phrase,
                kind=found.kind,  # type: ignore[arg-type]
                expected=dsl.ClaimExpected.model_validate(found.expected),
                about=found.about,
            )
        )
    return claims


# --------------------------------------------------------------------------- qualifiers

APPROX = (
    r"(?:(?P<approx>about|around|roughly|approximately|approx\.?|circa|ca\.|~|some|nearly|"
    r"almost|close\s+to|just\s+under|just\s+over|give\s+or\s+take)\s*)"
)
BOUND = (
    r"(?:(?P<bound>at\s+least|more\s+than|over|above|upwards\s+of|at\s+most|up\s+to|under|"
    r"below|less\s+than|fewer\s+than|no\s+more\s+than|no\s+less\s+than)\s+)"
)
QUAL = rf"(?:{APPROX}|{BOUND})?"
_MIN_BOUNDS = {"at least", "more than", "over", "above", "upwards of", "no less than"}


def expected_number(
    value: float, match: re.Match[str], exact: float, about: float, floor: float = 0.0
) -> dict[str, Any]:
    """{value, tolerance} or {min}/{max} from the qualifier before a number.

    `exact` and `about` are relative tolerances for a plain and an approximate
    number; `floor` is the smallest absolute tolerance.
    """
    groups = match.groupdict()
    bound = re.sub(r"\s+", " ", (groups.get("bound") or "").lower())
    if bound:
        return {"min": value} if bound in _MIN_BOUNDS else {"max": value}
    relative = about if groups.get("approx") else exact
    return {"value": value, "tolerance": max(abs(value) * relative, floor)}


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _words_after(text: str, pos: int, limit: int = 3) -> tuple[list[str], int]:
    """Up to `limit` content words right after `pos` (a noun phrase), and where they end."""
    words: list[str] = []
    end = pos
    for found in re.finditer(r"\s*([A-Za-z][\w'-]*)", text[pos:]):
        if found.start() != end - pos or len(words) >= limit:
            break
        word = found.group(1)
        if word.lower() in STOP:
            break
        words.append(word)
        end = pos + found.end()
    return words, end


def _words_before(text: str, pos: int, limit: int = 2) -> tuple[list[str], int]:
    """Up to `limit` content words right before `pos`, and where they start."""
    words: list[str] = []
    start = pos
    for found in reversed(list(re.finditer(r"([A-Za-z][\w'-]*)\s*", text[:pos]))):
        if found.end() != start or len(words) >= limit:
            break
        word = found.group(1)
        if word.lower() in STOP:
            break
        words.insert(0, word)
        start = found.start()
    return words, start


# --------------------------------------------------------------------------- sizes and counts

BYTES = {
    "kb": 1e3,
    "mb": 1e6,
    "gb": 1e9,
    "tb": 1e12,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}
_ROW_WORDS = {"row", "record", "line", "entry", "event", "datapoint", "data point"}
_NOT_NOUNS = {"percent", "pct", "times", "x", "am", "pm", "th", "st", "nd", "rd"}


@rule(10)
def sizes(text: str, today: dt.date) -> Iterator[Found]:
    """'1M rows', 'about 5 GB', '10 million records'."""
    pattern = re.compile(
        rf"{QUAL}(?P<num>{NUMBER})\s*(?:(?P<unit>[KMGT]i?B)\b|(?P<rows>rows|records)\b"
        rf"(?:\s+of\s+(?P<of>[A-Za-z][\w-]*))?)",
        re.IGNORECASE,
    )
    for m in pattern.finditer(text):
        value = number(m.group("num"))
        if value is None:
            continue
        if m.group("unit"):
            value *= BYTES[m.group("unit").lower()]
            yield Found(
                "size",
                m.start(),
                m.end(),
                {**expected_number(value, m, 0.1, 0.25), "unit": "bytes"},
            )
        elif m.group("of"):
            noun = singular(m.group("of"))
            yield Found(
                "count",
                m.start(),
                m.end(),
                {**expected_number(_plain(value), m, 0.02, 0.1), "unit": "rows"},
                [noun],
            )
        else:
            yield Found(
                "size",
                m.start(),
                m.end(),
                {**expected_number(_plain(value), m, 0.05, 0.15), "unit": "rows"},
            )


_YEARISH = re.compile(r"(?:19|20)\d\d")


@rule(90)
def counts(text: str, today: dt.date) -> Iterator[Found]:
    """'40 bakeries', '25k riders', 'about 2,000 active customers', 'ten thousand users'."""
    pattern = re.compile(rf"{QUAL}(?P<num>{NUMBER})(?![\w%.-])", re.IGNORECASE)
    for m in pattern.finditer(text):
        raw = m.group("num")
        if _YEARISH.fullmatch(raw.strip()):
            continue
        value = number(raw)
        if value is None or value <= 0:
            continue
        words, end = _words_after(text, m.end())
        if not words:
            continue
        noun = words[-1].lower()
        if noun in _NOT_NOUNS or time_unit_seconds(noun) or noun in calendar.MONTH_WORDS:
            continue
        if value > 1 and singular(noun) == noun and not noun.endswith("s"):
            # "40 bakery" is no count of bakeries; "5 star" is an adjective
            continue
        per = re.match(rf"\s+(?:per|a|an|each|every)\s+(?P<unit>{TIME_UNIT})\b", text[end:])
        expected = {**expected_number(_plain(value), m, 0.02, 0.1), "unit": "rows"}
        if per:
            expected["unit"] = "per_" + singular(per.group("unit").lower())
            end += per.end()
        yield Found("count", m.start(), end, expected, [singular(noun)])


# --------------------------------------------------------------------------- rates and shares

_VERBS = (
    r"(?:are|is|were|was|get|gets|got|go|end\s+up|end|ends|become|becomes|will\s+be|"
    r"being|have|has|had|do|does)"
)
_SHARE = rf"(?:{PERCENT}|{FRACTION}|{ONE_IN})"


@rule(40)
def rates(text: str, today: dt.date) -> Iterator[Found]:
    """'8% no-shows', '25% of orders are returned', 'one in ten orders is returned',
    'a click rate around 2%', 'a quarter of orders are refunded'."""
    named_rate = re.compile(
        rf"(?P<what>[A-Za-z][\w-]*)\s+rates?\s+(?:of\s+|is\s+|at\s+|near\s+|=\s*)?{QUAL}"
        rf"{PERCENT}",
        re.IGNORECASE,
    )
    for m in named_rate.finditer(text):
        share = share_of(m)
        if share is None:
            continue
        words, start = _words_before(text, m.start("what"), 1)
        about = [singular(w) for w in [*words, m.group("what")]]
        yield Found("rate", start, m.end(), _rate_expected(share, m), about)

    stated = re.compile(rf"{QUAL}{_SHARE}", re.IGNORECASE)
    verb = re.compile(rf"\s+{_VERBS}\b", re.IGNORECASE)
    for m in stated.finditer(text):
        share = share_of(m)
        if share is None or share > 1:
            continue
        end = m.end()
        of_words: list[str] = []
        of = re.match(r"\s+of\s+(?:the\s+|all\s+|our\s+|their\s+)?", text[end:])
        if of or m.group("one"):
            of_words, end = _words_after(text, end + (of.end() if of else 0), 2)
        if of_words and (found := verb.match(text[end:])):
            end += found.end()
        words, end = _words_after(text, end, 2)
        if not words and not of_words:
            continue
        about = [singular(w) for w in words] + [singular(w) for w in of_words]
        yield Found("rate", m.start(), end, _rate_expected(share, m), about)


def _rate_expected(share: float, m: re.Match[str]) -> dict[str, Any]:
    expected = expected_number(round(share, 6), m, 0.15, 0.25, floor=0.002)
    expected["unit"] = "share"
    return expected


# --------------------------------------------------------------------------- windows


def _window(start: dt.date, end: dt.date) -> dict[str, Any]:
    return {"min": start.isoformat(), "max": end.isoformat()}


@rule(20)
def windows(text: str, today: dt.date) -> Iterator[Found]:
    """'Q3 2024', 'in 2024', 'the last 18 months', '2023-2024', 'March to June 2024'."""
    for m in calendar.WINDOW_RE.finditer(text):
        span = calendar.window_of(m, today)
        if span is not None:
            yield Found("window", m.start(), m.end(), _window(*span))
