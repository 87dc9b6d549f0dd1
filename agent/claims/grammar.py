"""The extractor's grammar: the `Found` span, the rule registry, qualifiers, noun phrases.

A rule is a function (text, reference date) -> Found spans, registered with a
priority: lower runs first, and a span it claims is not claimed again by a
later rule ("each order has 1 to 5 lines" is a relationship, not a range too).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from datagen.agent.claims.words import STOP


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


# --------------------------------------------------------------------------- qualifiers

APPROX = (
    r"(?:(?P<approx>about|around|roughly|approximately|approx\.?|circa|ca\.|~|some|nearly|"
    r"almost|close\s+to|just\s+under|just\s+over|give\s+or\s+take|maybe|like|perhaps)\s*)"
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
    if re.match(r"(?:a\s+couple|a\s+few|several)\b", groups.get("num") or "", re.IGNORECASE):
        relative = 0.5  # "a couple thousand": roughly
    tolerance = max(abs(value) * relative, floor)
    if float(value).is_integer() and abs(value) >= 1 and not floor:
        tolerance = float(int(tolerance))  # counts: whole rows ("5 categories" means 5)
    return {"value": value, "tolerance": tolerance}


def plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def words_after(text: str, pos: int, limit: int = 3) -> tuple[list[str], int]:
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


def words_before(text: str, pos: int, limit: int = 2) -> tuple[list[str], int]:
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
