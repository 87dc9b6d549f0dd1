"""Claims in the authoring loop: merged into every draft, bound, and turned into problems.

The extractor's claims are the reference: a draft keeps the claims its author
bound (matched by phrase) and gets every other one added, so a provider cannot
drop a claim by leaving it out. What the dry run's validator says about them
becomes repair problems quoting the phrase and the measured value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from datagen.agent.claims.bind import bind_claims
from datagen.agent.claims.calendar import HOLIDAY
from datagen.agent.claims.numbers import NUMBER
from datagen.agent.claims.rules.compare import about_the_data
from datagen.agent.claims.rules.structure import place_at
from datagen.engine import dsl
from datagen.engine.errors import Problem
from datagen.engine.validate.claims import claim_line


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def _within(a: str, b: str) -> bool:
    """`a` is a whole phrase of `b`: '5' is in 'or 5 and 7pm', not in '500,000 trips'
    nor in '2.5 hours'."""
    return bool(a and b) and re.search(rf"(?<![\w.,]){re.escape(a)}(?![\w]|[.,]\d)", b) is not None


def _same_phrase(a: str, b: str) -> bool:
    a, b = _key(a), _key(b)
    return _within(a, b) or _within(b, a)


def _covers(mine: dsl.Claim, claim: dsl.Claim) -> bool:
    """An author's claim stands for an extracted one: the same phrase, one inside the other
    (an unread phrase only by a claim quoting most of it: '5%' does not model 'battery
    level never below 5%')."""
    if claim.kind != "unread":
        return _same_phrase(claim.text, mine.text)
    a, b = _key(claim.text), _key(mine.text)
    return _within(a, b) or (_within(b, a) and 2 * len(b) >= len(a))


def merge_claims(
    authored: list[dsl.Claim], extracted: list[dsl.Claim]
) -> tuple[list[dsl.Claim], list[str]]:
    """The author's claims plus every extracted claim no author claim covers (renumbered).

    Returns the claims and the phrases the author left out.
    """
    merged = list(authored)
    missing: list[str] = []
    used = {c.id for c in authored}
    for claim in extracted:
        if any(_covers(mine, claim) for mine in authored):
            continue
        missing.append(claim.text)
        claim_id, n = claim.id, len(merged) + 1
        while claim_id in used:
            claim_id, n = f"c{n}", n + 1
        used.add(claim_id)
        merged.append(claim.model_copy(update={"id": claim_id}))
    return merged, missing


def attach_claims(
    dataset: dsl.Dataset, extracted: list[dsl.Claim]
) -> tuple[dsl.Dataset, list[str]]:
    """The draft with the description's claims merged in and bound where the binder can.

    Returns the dataset and notes: claims the author left out, claims not modelled.
    """
    claims, missing = merge_claims(list(dataset.claims), extracted)
    if not claims:
        return dataset, []
    # the phrases no rule read come first: what the report and `create` print first
    claims = sorted(claims, key=lambda c: c.kind != "unread")
    bound, assumptions = bind_claims(dataset, claims)
    text = dataset.metadata.description or ""
    qualified = _qualified(text, list(bound.claims))
    if qualified != list(bound.claims):
        assumptions += [
            f"'{c.text}': not modelled: {c.reason}"
            for c, old in zip(qualified, bound.claims, strict=True)
            if c is not old
        ]
        bound = bound.model_copy(update={"claims": qualified})
    notes = []
    if missing and dataset.claims:
        notes.append("the author left out claim(s) " + "; ".join(f"'{m}'" for m in missing))
    return bound, notes + assumptions


def _qualified(text: str, claims: list[dsl.Claim]) -> list[dsl.Claim]:
    """A claim whose phrase runs on into a phrase no rule read ('70% of trips are booked' +
    'at least 30 days ahead') is not what was asked: not modelled, whoever bound it."""
    low = text.lower()
    unread = [c.text for c in claims if c.kind == "unread" and c.text]
    out = []
    for claim in claims:
        at = low.find(claim.text.lower()) if claim.text else -1
        if at >= 0 and claim.kind != "unread" and claim.status != "not_modelled":
            end = at + len(claim.text)
            gap = len(text[end:]) - len(text[end:].lstrip(" "))
            tail = next((u for u in unread if gap and low.startswith(u.lower(), end + gap)), None)
            if tail is not None and tail.lower() not in claim.text.lower():
                reason = f"its qualifier '{tail}' was not understood"
                claim = claim.model_copy(
                    update={"status": "not_modelled", "bound_to": None, "reason": reason}
                )
        out.append(claim)
    return out


def claim_problems(report: Any) -> list[Problem]:
    """Each claim not honoured as a repair problem: path, the phrase, expected vs measured."""
    problems = []
    for index, claim in enumerate(getattr(report, "claims", None) or []):
        if claim["status"] == "honoured":
            continue
        fix = {
            "not_modelled": "model it (a table, column value, generator weight, timeframe...) "
            "and bind it, or keep `not_modelled` with a reason the user can accept",
            "not_honoured": "change the generators so the data honours it",
            "unmeasurable": "bind it to a measure whose table and columns exist",
        }[claim["status"]]
        if claim.get("kind") == "unread":
            fix = (
                "no rule of datagen read this phrase: if it states something the data can "
                "show, model it and add a claim quoting the phrase with its kind (compare, "
                "ratio, bound, rate, duration...) bound to a measure; else leave it"
            )
        problems.append(Problem(f"claims[{index}]", claim_line(claim), fix))
    return problems


# --------------------------------------------------------------------------- unread facts

# What makes a phrase state a fact (docs/claims.md lists them): a phrase with one of
# these cues that no claim covers is itself a claim, `unread` and not modelled.
_COMPARATIVE = (
    r"longer|shorter|higher|lower|bigger|larger|smaller|cheaper|pricier|more\s+expensive|"
    r"less\s+expensive|faster|slower|older|younger|heavier|lighter|busier|quieter|more|fewer|less"
)
_GROUP = r"(?:on|in|at|during|than|among|for|from|over|after|before)"
# what follows "never" / "always" when it bounds a value
_VALUE_WORDS = (
    r"\d[\d,.]*|below|above|over|under|before|after|exceeds?|exceeding|more|less|fewer|"
    r"negative|positive|zero|null|nulls|empty|blank|missing|unique|duplicated?|late|early|"
    r"between|within|during|same|different|future|past|higher|lower|greater|smaller|longer|"
    r"shorter|one|two|three|four|five|ten|hundred"
)
FACT_CUES: dict[str, re.Pattern[str]] = {
    # a number: "never below 5%", "2,000 entries", "version 7" aside
    "number": re.compile(rf"{NUMBER}(?![\w/])", re.IGNORECASE),
    # a multiple: "twice the hourly rate", "three times as many", "a 3x spike"
    "multiple": re.compile(
        r"\b(?:twice|double|triple|treble|quadruple|half\s+as|\w+\s+times\s+(?:as|the|more|"
        r"higher|larger|longer)|\d+(?:\.\d+)?\s*x\b|\w+-fold)",
        re.IGNORECASE,
    ),
    # a comparative between groups: "longer rides on weekends", "cheaper than in summer"
    "comparative": re.compile(
        rf"\b(?:{_COMPARATIVE})\b(?=(?:\s+[A-Za-z][\w'-]*){{0,3}}?\s+{_GROUP}\s+[A-Za-z0-9])",
        re.IGNORECASE,
    ),
    # a bound: "at most", "no more than", "capped at"; "never"/"always"/"must not" only
    # before what a value can be ("never below", "always unique", "never null"), not before
    # an instruction ("always use realistic names", "must not contain PII")
    "bound": re.compile(
        r"\b(?:at\s+most|at\s+least|no\s+more\s+than|no\s+less\s+than|not\s+more\s+than|"
        r"no\s+fewer\s+than|capped\s+at|cannot\s+exceed|"
        rf"(?:never|always|must\s+not)(?=(?:\s+[A-Za-z][\w'-]*){{0,2}}?\s+(?:{_VALUE_WORDS})\b))"
        r"(?=\s+\w)",
        re.IGNORECASE,
    ),
    "holiday": re.compile(rf"\b{HOLIDAY}\b", re.IGNORECASE),
    # which value is usual: "level 3 most common", "mostly 4 and 5"
    "mode": re.compile(
        r"\b(?:most\s+(?:common|frequent|popular|likely|often)|mostly\s+\d)", re.IGNORECASE
    ),
}
# numbers that name things, not amounts: "311 requests" (a phone line), "version 7", "24/7"
_NAMING_NUMBER = re.compile(
    r"(?:version|v|release|model|level|tier|gen|series|route|line|gate|platform|room|ward|iso|"
    r"rfc|utf|web|python|java|ipv|covid|sha|mp|s&p|fortune|russell|ftse|nasdaq|dow|k-?|step|"
    r"phase|stage|part|chapter|section|number|no\.?|#)\s*-?$",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(
    r"[;:!?()\[\]\n]|,(?=\s|$)(?!\s*(?:19|20)\d\d\b)|\.(?=\s|$)|\s[-\u2013\u2014]\s|"
    r"(?<!\d\s)\band\b|\b(?:but|while|whereas|with|plus)\b",
    re.IGNORECASE,
)
_EDGE_WORDS = {"a", "an", "the", "and", "or", "with", "of", "to", "for", "but", "plus", "so"}
UNREAD_REASON = "not understood by the claim extractor, so nothing checks it on the data"


def _claim_spans(text: str, claims: list[dsl.Claim]) -> list[tuple[int, int]]:
    low = text.lower()
    spans = []
    for claim in claims:
        phrase = claim.text.lower().strip()
        if not phrase:
            continue
        at = low.find(phrase)
        while at >= 0:
            spans.append((at, at + len(phrase)))
            at = low.find(phrase, at + 1)
    return spans


def _cues(text: str) -> Iterator[tuple[str, int, int]]:
    for cue, pattern in FACT_CUES.items():
        for m in pattern.finditer(text):
            mention = m.group(0).strip()
            if cue == "number":
                if mention.lower() in ("a", "an", "one", "zero") or re.fullmatch(
                    r"[2-9]11", mention
                ):
                    continue
                if _NAMING_NUMBER.search(text[: m.start()]) or re.match(r"/\d", text[m.end() :]):
                    continue
                if m.start() and text[m.start() - 1] in "/:" or text[m.end() : m.end() + 1] == ":":
                    continue  # "24/7", "1:1 meetings"
                if re.match(r"-(?:sided|way|step|fold|factor|d|dimensional)\b", text[m.end() :]):
                    continue  # "a 2-sided marketplace", "3-way matching": a kind of thing
            if cue == "comparative":
                after = re.findall(r"[A-Za-z][\w'-]*", text[m.end() : m.end() + 60])[:4]
                if after and about_the_data(after[:4]):
                    continue  # "more data for testing", "more rows in the orders table"
            yield cue, m.start(), m.end()
    # a capitalized run's first word, not a sentence's ('York' in 'New York' is no place)
    for m in re.finditer(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w'-]+", text):
        if re.search(r"[A-Z][\w'-]*\s+$", text[: m.start()]):
            continue
        found = place_at(text, m.start())
        if found is not None:
            yield "place", m.start(), found[2]


def _phrase_around(
    text: str, start: int, end: int, covered: list[tuple[int, int]]
) -> tuple[int, int]:
    """The clause around a cue, cut at the claims' spans and at most 8 words either side."""
    low, high = 0, len(text)
    for m in _CLAUSE_BREAK.finditer(text):
        if m.end() <= start and not _inside(m.start(), start, end):
            low = max(low, m.end())
        elif m.start() >= end:
            high = min(high, m.start())
            break
    for a, b in covered:
        if b <= start:
            low = max(low, b)
        elif a >= end:
            high = min(high, a)
    before = list(re.finditer(r"\S+", text[low:start]))[-8:]
    after = list(re.finditer(r"\S+", text[end:high]))[:6]
    low = low + before[0].start() if before else start
    high = end + after[-1].end() if after else end
    words = list(re.finditer(r"[^\s,;:.]+", text[low:high]))
    while words and words[0].group(0).lower() in _EDGE_WORDS and low + words[0].end() <= start:
        low += words[1].start() if len(words) > 1 else words[0].end()
        words = list(re.finditer(r"[^\s,;:.]+", text[low:high]))
    return low, high


def _inside(pos: int, start: int, end: int) -> bool:
    return start <= pos < end


def unread_claims(text: str, claims: list[dsl.Claim]) -> list[dsl.Claim]:
    """The phrases that state a fact (FACT_CUES) no claim covers, each a claim of kind
    `unread`, not modelled, quoting the phrase: counted in the fidelity, so a description
    the extractor did not fully read can never score 100."""
    covered = _claim_spans(text, claims)
    found: list[tuple[int, int, str]] = []
    for cue, start, end in sorted(_cues(text), key=lambda c: c[1]):
        if any(a <= start and end <= b for a, b in covered):
            continue
        if any(a <= start < b for a, b, _ in found):
            continue
        low, high = _phrase_around(text, start, end, covered)
        if found and low < found[-1][1]:  # one phrase with two cues: "never below 5%"
            a, _, first = found[-1]
            found[-1] = (a, max(high, found[-1][1]), first)
            continue
        found.append((low, high, cue))
    used = {c.id for c in claims}
    out: list[dsl.Claim] = []
    for low, high, cue in found:
        phrase = text[low:high].strip(" ,;:.")
        n = len(claims) + len(out) + 1
        while f"c{n}" in used:
            n += 1
        used.add(f"c{n}")
        out.append(
            dsl.Claim(
                id=f"c{n}",
                text=phrase,
                kind="unread",
                about=[cue],
                status="not_modelled",
                reason=UNREAD_REASON,
            )
        )
    return out


def uncovered_mentions(text: str, claims: list[dsl.Claim]) -> list[str]:
    """The phrases stating a fact that no claim covers (see `unread_claims`)."""
    return [c.text for c in unread_claims(text, claims)]
