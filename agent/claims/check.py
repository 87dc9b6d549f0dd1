"""Claims in the authoring loop: merged into every draft, bound, and turned into problems.

The extractor's claims are the reference: a draft keeps the claims its author
bound (matched by phrase) and gets every other one added, so a provider cannot
drop a claim by leaving it out. What the dry run's validator says about them
becomes repair problems quoting the phrase and the measured value.
"""

from __future__ import annotations

import re
from typing import Any

from datagen.agent.claims.bind import bind_claims
from datagen.agent.claims.calendar import HOLIDAY
from datagen.agent.claims.numbers import NUMBER_RE
from datagen.engine import dsl
from datagen.engine.errors import Problem
from datagen.engine.validate.claims import claim_line


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def _same_phrase(a: str, b: str) -> bool:
    a, b = _key(a), _key(b)
    return bool(a and b) and (a in b or b in a)


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
        if any(_same_phrase(claim.text, mine.text) for mine in authored):
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
    bound, assumptions = bind_claims(dataset, claims)
    notes = []
    if missing and dataset.claims:
        notes.append("the author left out claim(s) " + "; ".join(f"'{m}'" for m in missing))
    return bound, notes + assumptions


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
        problems.append(Problem(f"claims[{index}]", claim_line(claim), fix))
    return problems


def uncovered_mentions(text: str, claims: list[dsl.Claim]) -> list[str]:
    """Numbers and holidays of the description that no claim's phrase covers."""
    covered = [_key(c.text) for c in claims]
    found: list[str] = []
    for pattern in (NUMBER_RE, re.compile(HOLIDAY, re.IGNORECASE)):
        for match in pattern.finditer(text):
            mention = match.group(0).strip()
            if not mention or mention.lower() in ("a", "an", "one"):
                continue
            if not any(_key(mention) in c for c in covered):
                found.append(mention)
    return list(dict.fromkeys(found))
