"""Groups compared: ratios ('partners bill about twice the hourly rate of associates'),
comparatives ('longer rides on weekends', 'higher premiums for smokers') and bounds
('battery level never below 5%', 'discounts capped at 30%').

A `ratio` or `compare` claim's `about` names the value compared (with `duration` when the
phrase compares lengths: longer, shorter); the groups are `expected.values` (words: the
first group, then the other when named) or time cells (`weekdays`, `hours`, `months`: the
rows in them against the rest). `expected` is the first group's mean over the other's
(`unit: ratio`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from datagen.agent.claims.grammar import APPROX, Found, expected_number, rule, words_after
from datagen.agent.claims.numbers import NUMBER
from datagen.agent.claims.numbers import to_number as number
from datagen.agent.claims.rules.time import (
    STATED_LIFT,
    TIME_EXPR,
    first_window,
    stated_lift,
    time_cells,
)
from datagen.agent.claims.words import STOP, VOLUME, singular

# verbs between a group and the amount: "partners bill", "members spend", "fares are"
VERBS = {
    "are", "is", "be", "were", "was", "bill", "bills", "billed", "earn", "earns", "pay",
    "pays", "paid", "cost", "costs", "spend", "spends", "charge", "charges", "make", "makes",
    "get", "gets", "have", "has", "stay", "stays", "last", "lasts", "take", "takes", "buy",
    "buys", "receive", "receives", "generate", "generates", "use", "uses", "run", "runs",
    "tend", "tends", "typically", "usually", "often", "generally", "on", "average", "about",
}  # fmt: skip
# what a verb says is compared when the phrase names no value
VERB_VALUES = {
    "bill": ["rate", "amount"], "bills": ["rate", "amount"], "billed": ["rate", "amount"],
    "earn": ["salary", "pay"], "earns": ["salary", "pay"], "pay": ["amount", "pay"],
    "pays": ["amount", "pay"], "paid": ["amount", "pay"], "cost": ["price", "cost"],
    "costs": ["price", "cost"], "spend": ["amount", "spend"], "spends": ["amount", "spend"],
    "charge": ["price", "fee"], "charges": ["price", "fee"], "buy": ["quantity", "amount"],
    "buys": ["quantity", "amount"], "stay": ["duration"], "stays": ["duration"],
    "last": ["duration"], "lasts": ["duration"], "take": ["duration"], "takes": ["duration"],
}  # fmt: skip
_CLAUSE = re.compile(r"[;:!?()\n]|[,.](?=\s|$)|\b(?:and|but|while|whereas|with|where)\b")


def _clause_start(text: str, pos: int) -> int:
    starts = [m.end() for m in _CLAUSE.finditer(text, 0, pos)]
    return starts[-1] if starts else 0


def _left(text: str, pos: int, skip: set[str] = VERBS) -> tuple[list[str], str | None, int]:
    """The group named before `pos` in its clause ('partners bill about'): its words, the
    verb, and where the phrase starts."""
    start = _clause_start(text, pos)
    words = list(re.finditer(r"[A-Za-z][\w'-]*", text[start:pos]))
    verb = next((w.group(0).lower() for w in words if w.group(0).lower() in VERB_VALUES), None)
    content = [w for w in words if w.group(0).lower() not in STOP | skip]
    content = content[-3:]
    begin = start + content[0].start() if content else pos
    return [w.group(0) for w in content], verb, begin


_SKIP = re.compile(
    r"\s*(?:the|as\s+much\s+as|as\s+many\s+as|as\s+long\s+as|as\s+high\s+as|as\s+large\s+as|"
    r"as\s+big\s+as|as\s+expensive\s+as|as|that\s+of|those\s+of|what|than|of|for|their|our|"
    r"its)\b",
    re.IGNORECASE,
)


_AS_MANY = re.compile(
    r"\s+as\s+(?:many|much)\s+(?P<what>[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?)\s+as\s+"
    r"(?:the\s+|their\s+|our\s+)?",
    re.IGNORECASE,
)


def _right(text: str, pos: int) -> tuple[list[str], list[str], int]:
    """After the multiple: (value words, the other group's words, end): 'the hourly rate of
    associates' -> (hourly rate, associates); 'weekday fares' -> ([], weekday fares)."""
    many = _AS_MANY.match(text, pos)
    if many is not None:  # 'twice as many hours as associates'
        other, end = words_after(text, many.end(), 2)
        if other:
            return many.group("what").split(), other, end
    while (skip := _SKIP.match(text, pos)) is not None and skip.end() > pos:
        pos = skip.end()
    words, end = words_after(text, pos, 3)
    of = re.match(r"\s+(?:of|for)\s+(?:the\s+|our\s+|their\s+)?", text[end:], re.IGNORECASE)
    if words and of:
        other, end2 = words_after(text, end + of.end(), 2)
        if other:
            return words, other, end2
    return [], words, end


def _split_common(a: list[str], b: list[str]) -> tuple[list[str], list[str], list[str]]:
    """'weekend fares' vs 'weekday fares': the value (fare) and the groups (weekend, weekday)."""
    if a and b and singular(a[-1]) == singular(b[-1]) and (len(a) > 1 or len(b) > 1):
        return [singular(a[-1])], a[:-1], b[:-1]
    return [], a, b


def _group_cells(
    words: list[str], today: dt.date, window: tuple[dt.date, dt.date]
) -> dict[str, Any]:
    """Time cells named by a group's words ('weekend', 'night', 'December'), else {}."""
    phrase = " ".join(words)
    m = TIME_EXPR.fullmatch(phrase) or TIME_EXPR.match(phrase)
    if m is None or m.end() != len(phrase):
        return {}
    return time_cells(m, today, window)


def _groups_expected(
    a: list[str], b: list[str], today: dt.date, window: tuple[dt.date, dt.date]
) -> dict[str, Any] | None:
    """The groups as `expected` fields: time cells for the first group (the rest is the
    other), else their words as `values`."""
    cells = _group_cells(a, today, window)
    if cells:
        return cells
    if not a:
        return None
    values = [" ".join(a)] + ([" ".join(b)] if b and not _group_cells(b, today, window) else [])
    return {"values": values}


# --------------------------------------------------------------------------- ratios

_MULTIPLE = re.compile(
    rf"(?:{APPROX})?(?P<mult>\btwice\b|\bdouble\b|\btriple\b|\btreble\b|\bquadruple\b|"
    rf"\bhalf\b(?=\s+(?:the|as|of|what))|(?P<times>{NUMBER})\s*(?:times\b|x\b|-?fold\b)|"
    rf"(?P<pct>{NUMBER})\s*(?:%|\s+percent\b)\s+(?P<dir>more|higher|larger|bigger|longer|"
    rf"greater|less|lower|smaller|shorter|cheaper))",
    re.IGNORECASE,
)
_MORE_THAN = re.compile(
    r"\s+(?:more|as\s+many)\s+(?P<what>[A-Za-z][\w-]*s)\s+(?:than|as)\s+(?:the\s+)?"
    r"(?P<other>[A-Za-z][\w-]*)(?:\s+(?:ones|accounts|customers|users|members))?",
    re.IGNORECASE,
)
_MULTIPLES = {"twice": 2.0, "double": 2.0, "triple": 3.0, "treble": 3.0, "quadruple": 4.0,
              "half": 0.5}  # fmt: skip
_DOWN = {"less", "lower", "smaller", "shorter", "cheaper"}


@rule(18)
def ratios(text: str, today: dt.date) -> Iterator[Found]:
    """'partners bill about twice the hourly rate of associates', 'weekend fares are 1.5x
    weekday fares', 'premium members spend three times as much as free users', 'night
    shifts pay 20% more than day shifts'."""
    window = first_window(text, today)
    for m in _MULTIPLE.finditer(text):
        if re.match(r"[\s-]*(?:a\s+|per\s+|every\s+)?(?:day|daily|week|weekly|month|monthly|year|"
                    r"yearly|hour|hourly)\b", text[m.end():], re.IGNORECASE):  # fmt: skip
            continue  # "twice a day", "twice-daily": a frequency
        if m.group("pct"):
            pct = number(m.group("pct"))
            if pct is None:
                continue
            value = 1 - pct / 100 if m.group("dir").lower() in _DOWN else 1 + pct / 100
        elif m.group("times"):
            times = number(m.group("times"))
            if times is None or times <= 0:
                continue
            value = times
        else:
            value = _MULTIPLES[m.group("mult").lower()]
        left, verb, start = _left(text, m.start())
        many = _MORE_THAN.match(text, m.end())
        if many is not None and left and m.group("times"):
            # "enterprise accounts have 5 times more users than basic ones": rows of the
            # child per row of each group of the parent
            group = [w for w in left if singular(w) == w.lower()] or left[:1]
            expected = expected_number(round(value, 6), m, 0.1, 0.2, floor=1e-9)
            expected["tolerance"] = round(expected["tolerance"], 6)
            values = [" ".join(group), many.group("other")]
            yield Found("ratio", start, many.end(), {**expected, "unit": "ratio", "values": values},
                        [singular(many.group("what")), "count"])  # fmt: skip
            continue
        what, right, end = _right(text, m.end())
        if not left or not right:
            continue
        common, a, b = _split_common(left, right)
        what = what or common + (VERB_VALUES[verb] if verb else [])
        if not what:  # "business class tickets cost 4 times economy": the subject's value
            what, a = [a[-1]], a[:-1] or a
        groups = _groups_expected(a, b, today, window)
        if groups is None:
            continue
        expected = expected_number(round(value, 6), m, 0.1, 0.2, floor=1e-9)
        expected["tolerance"] = round(expected["tolerance"], 6)
        expected.update(unit="ratio", **groups)
        yield Found("ratio", start, end, expected, [singular(w) for w in what])


# --------------------------------------------------------------------------- comparatives

_UP = {"longer", "higher", "bigger", "larger", "pricier", "more expensive", "heavier",
       "older", "greater", "costlier", "steeper"}  # fmt: skip
_DOWN_CMP = {"shorter", "lower", "smaller", "cheaper", "less expensive", "lighter",
             "younger"}  # fmt: skip
_LENGTH = {"longer", "shorter"}
_COMPARATIVE = "|".join(
    re.escape(w).replace(r"\ ", r"\s+") for w in sorted(_UP | _DOWN_CMP, key=len, reverse=True)
)
CROWDS = {"traffic", "demand", "volume", "volumes", "crowd", "crowds", "footfall",
          "attendance", "turnout", "queues", "queue"}  # fmt: skip
_DEGREE = {"much": 1.5, "far": 1.5, "significantly": 1.5, "substantially": 1.5, "way": 1.5,
           "considerably": 1.5, "slightly": 1.02, "somewhat": 1.02, "a bit": 1.02,
           "a little": 1.02, "marginally": 1.02}  # fmt: skip
_DEGREES = "|".join(k.replace(" ", r"\s+") for k in _DEGREE)
_MARKER = r"(?:on|in|at|during|for|from|among|over|around|near|than)"
COMPARATIVE_RE = re.compile(
    rf"\b(?:(?P<deg>{_DEGREES})\s+)?(?P<cmp>{_COMPARATIVE})\b(?P<what>(?:\s+[A-Za-z][\w'-]*)"
    rf"{{0,3}}?)\s+(?P<marker>{_MARKER})\s+(?:the\s+|our\s+|their\s+)?",
    re.IGNORECASE,
)
DEFAULT_LIFT = 1.1
# what the dataset itself is, or what it is for: "a larger dataset for benchmarking",
# "more rows for load tests", "higher quality data for demos" state nothing about the data
META = {"dataset", "datasets", "data", "table", "tables", "row", "rows", "record", "records",
        "column", "columns", "field", "fields", "schema", "schemas", "sample", "samples",
        "file", "files", "quality", "latency", "throughput", "performance", "variety",
        "detail", "details", "realism", "coverage", "volume", "volumes", "size", "scale",
        "example", "examples", "test", "tests", "version", "versions"}  # fmt: skip
PURPOSES = {"testing", "tests", "test", "demos", "demo", "benchmarking", "benchmarks",
            "benchmark", "training", "development", "dev", "qa", "staging", "production",
            "analytics", "dashboards", "dashboard", "reports", "reporting", "load",
            "prototyping", "teaching", "learning", "practice", "experiments", "research",
            "our", "my", "your", "us", "me"}  # fmt: skip


def about_the_data(words: list[str]) -> bool:
    """Words that name the dataset or a purpose, not something in the data."""
    return any(w.lower() in META or w.lower() in PURPOSES for w in words)


_AND_VERB = re.compile(
    r"\band\s+(?P<verb>(?:is|are|was|were|gets?|runs?|tends?\s+to\s+be)\s+)$", re.IGNORECASE
)


def _shared_subject(text: str, pos: int) -> tuple[list[str], int]:
    """'waiting time averages 45 minutes and is longer at night': a verb right after 'and'
    shares the subject of the clause before it (its first two words); the phrase starts at
    the verb."""
    low = max(0, pos - 40)
    joined = _AND_VERB.search(text[low:pos])
    if joined is None:
        return [], pos
    words, _ = words_after(text, _clause_start(text, low + joined.start()), 2)
    return [w for w in words if w.lower() not in STOP], low + joined.start("verb")


def _previous_subject(text: str, pos: int) -> tuple[list[str], int]:
    """'Deliveries take 20 to 50 minutes, longer on rainy days': a comparative right after a
    comma is said of the subject of the clause before it (its first word); the phrase starts
    at the comparative."""
    comma = re.search(r",\s*$", text[max(0, pos - 5) : pos])
    if comma is None:
        return [], pos
    at = max(0, pos - 5) + comma.start()
    clause = text[_clause_start(text, at) : at]
    subject = re.match(
        r"\s*(?:the\s+|our\s+|their\s+|all\s+|most\s+)?([A-Za-z][\w-]*)\s+"
        r"(?:take|takes|last|lasts|are|is|cost|costs|run|runs)\b",
        clause,
        re.I,
    )
    if subject is None or subject.group(1).lower() in STOP:
        return [], pos
    return [subject.group(1)], pos


@rule(33)
def comparatives(text: str, today: dt.date) -> Iterator[Found]:
    """'longer rides on weekends', 'higher prices in December', 'premiums higher for
    smokers', 'much bigger baskets at Christmas', 'weekend rides are longer than weekday
    rides'."""
    window = first_window(text, today)
    for m in COMPARATIVE_RE.finditer(text):
        cmp = " ".join(m.group("cmp").lower().split())
        what = [w for w in m.group("what").split() if w.lower() not in STOP]
        if len(what) != len(m.group("what").split()):
            continue  # "higher than usual in ..." and other clauses between
        start = m.start()
        if not what:  # "premiums higher for smokers", "rides are longer on weekends"
            before = _left(text, m.start())
            what, start = before[0][-2:], before[2]
            if not what:
                what, start = _shared_subject(text, m.start())
            if not what:
                what, start = _previous_subject(text, m.start())
                if not what:
                    continue
        noun = what[-1].lower()
        if (cmp in ("higher", "lower") and noun in VOLUME) or noun in CROWDS:
            continue  # more rows, not bigger values: a time pattern
        if about_the_data(what):
            continue  # "a larger dataset for benchmarking"
        degree = _DEGREE.get(" ".join((m.group("deg") or "").lower().split()), DEFAULT_LIFT)
        up = cmp in _UP
        bound = degree if up else 1 / degree
        if m.group("marker").lower() == "than":
            # "weekend rides are longer than weekday rides"
            other, end = words_after(text, m.end(), 3)
            common, a, b = _split_common(what, other)
            value, groups = common or what, _groups_expected(a, b, today, window)
        else:
            group = TIME_EXPR.match(text, m.end())
            cells = time_cells(group, today, window) if group else {}
            if cells and group is not None:
                value, groups, end = what, cells, group.end()
                # 'weekday evenings', 'weekend nights': the cells are both
                while (more := re.match(r"\s+", text[end:])) is not None:
                    nxt = TIME_EXPR.match(text, end + more.end())
                    extra = time_cells(nxt, today, window) if nxt else {}
                    if nxt is None or not extra or set(extra) & set(groups):
                        break
                    groups, end = {**groups, **extra}, nxt.end()
            else:
                other, end = words_after(text, m.end(), 2)
                other = other[: next((i for i, w in enumerate(other) if w.lower() in PURPOSES),
                                     len(other))]  # fmt: skip
                if not other or about_the_data(other):
                    continue  # "bigger tables for load tests"
                value, groups = what, {"values": [" ".join(other)]}
        if not groups:
            continue
        about = [singular(w) for w in value] + (["duration"] if cmp in _LENGTH else [])
        expected = {("min" if up else "max"): round(bound, 4), "unit": "ratio", **groups}
        stated = STATED_LIFT.search(text[max(0, m.start() - 30) : m.start()])
        if stated is not None and not m.group("deg"):  # "prices 20% higher on weekends"
            expected = {**stated_lift(stated, not up), "unit": "ratio", **groups}
            start = min(start, max(0, m.start() - 30) + stated.start())
        yield Found("compare", start, end, expected, about)


MORE_RE = re.compile(
    rf"\b(?:(?P<deg>{_DEGREES})\s+)?(?P<cmp>more|fewer)\s+(?P<what>[A-Za-z][\w'-]*)\s+"
    r"(?:from|by|among|for|with)\s+(?:the\s+|our\s+|their\s+)?",
    re.IGNORECASE,
)


@rule(34)
def more_rows(text: str, today: dt.date) -> Iterator[Found]:
    """'more orders from VIP customers', 'fewer claims from young drivers': rows per row of
    a group against the rest (a group in time is a time pattern: 'more orders on Fridays')."""
    for m in MORE_RE.finditer(text):
        if TIME_EXPR.match(text, m.end()):
            continue
        what = m.group("what")
        other, end = words_after(text, m.end(), 2)
        other = other[: next((i for i, w in enumerate(other) if w.lower() in PURPOSES),
                             len(other))]  # fmt: skip
        if what.lower() in STOP or not other or about_the_data([what, *other]):
            continue
        degree = _DEGREE.get(" ".join((m.group("deg") or "").lower().split()), DEFAULT_LIFT)
        up = m.group("cmp").lower() == "more"
        groups = {"values": [" ".join(other)]}
        expected: dict[str, Any] = {("min" if up else "max"): round(degree if up else 1 / degree, 4),
                                    "unit": "ratio", **groups}  # fmt: skip
        start = m.start()
        stated = STATED_LIFT.search(text[max(0, m.start() - 30) : m.start()])
        if stated is not None and not m.group("deg"):  # "30% more orders from VIP customers"
            expected = {**stated_lift(stated, not up), "unit": "ratio", **groups}
            start = max(0, m.start() - 30) + stated.start()
        yield Found("compare", start, end, expected, [singular(what), "count"])


# --------------------------------------------------------------------------- bounds

_LOW_WORDS = r"below|under|beneath|less\s+than|lower\s+than|fewer\s+than|short\s+of"
_HIGH_WORDS = r"above|over|more\s+than|higher\s+than|greater\s+than|exceeds?|exceeding|past"
BOUND_RE = re.compile(
    rf"\b(?:(?:never|not|no)\s+(?:(?:go|goes|drop|drops|fall|falls|dip|dips|rise|rises|get|"
    rf"gets|be)\s+)?(?:(?P<low>{_LOW_WORDS})|(?P<high>{_HIGH_WORDS}))|"
    rf"(?P<cap>capped\s+at|cannot\s+exceed|can't\s+exceed|must\s+not\s+exceed|never\s+exceed|"
    rf"never\s+exceeds|maxing\s+out\s+at|max(?:imum)?\s+of|at\s+most)|"
    rf"(?P<floor>at\s+least|a\s+minimum\s+of|min(?:imum)?\s+of|no\s+less\s+than|floor\s+of))"
    rf"\s+(?P<cur>[$€£¥])?\s*(?P<num>{NUMBER})\s*(?P<pct>%|percent\b|per\s?cent\b)?",
    re.IGNORECASE,
)


# units after a bound's number: "never above 45 degrees" bounds a value, it counts nothing
UNITS = {"degrees", "kg", "grams", "km", "kilometers", "kilometres", "miles", "meters",
         "metres", "volts", "watts", "kwh", "points", "dollars", "euros", "pounds", "years",
         "mph", "bpm", "liters", "litres", "percent", "stars", "lbs", "cm", "mm"}  # fmt: skip


_BOUND_VERBS = {"stay", "stays", "remain", "remains", "drop", "drops", "fall", "falls", "go",
                "goes", "rise", "rises", "get", "gets", "reach", "reaches", "must", "should",
                "can", "may", "always", "typically", "usually"}  # fmt: skip


@rule(22)
def bounds(text: str, today: dt.date) -> Iterator[Found]:
    """'battery level never below 5%', 'discounts capped at 30%', 'temperatures never above
    45', 'a credit score of at least 300'; not 'at least 500 customers' (a count)."""
    for m in BOUND_RE.finditer(text):
        value = number(m.group("num"))
        if value is None:
            continue
        after, end = words_after(text, m.end(), 1)
        plural = after and singular(after[0]) != after[0].lower()
        if plural and not m.group("pct") and after[0].lower() not in UNITS:
            continue  # "at least 500 customers", "no more than 3 items": counts
        if after and re.match(r"(?:per|a|an|each|every)$", after[0], re.IGNORECASE):
            continue
        what, _, start = _left(text, m.start(), _BOUND_VERBS)
        if not what:
            continue
        low = m.group("low") or m.group("floor")
        expected: dict[str, Any] = {("min" if low else "max"): value}
        if m.group("pct"):
            expected["unit"] = "percent"
        yield Found("bound", start, m.end(), expected, [singular(w) for w in what[-2:]])
    signs = re.compile(
        r"\b(?:(?:are|is)\s+)?(?:never\s+negative|always\s+positive|non-?negative|"
        r"always\s+(?:at\s+least\s+)?zero\s+or\s+more)\b",
        re.IGNORECASE,
    )
    for m in signs.finditer(text):
        what, _, start = _left(text, m.start(), _BOUND_VERBS)
        after, end = words_after(text, m.end(), 2)
        if re.match(r"non", m.group(0), re.IGNORECASE) and after:
            what, start, end = after, m.start(), end  # "non-negative balances"
        elif not what:
            what, end = after, end if after else m.end()
        else:
            end = m.end()
        if not what:
            continue
        yield Found("bound", start, end, {"min": 0}, [singular(w) for w in what[-2:]])
