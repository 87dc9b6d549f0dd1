"""The claim extractor: every fact a description states, kept with its exact phrase.

Deterministic and shared by every provider (no LLM): a provider never extracts
for itself, so it cannot hide what it dropped. The rules live in `rules/`
(amounts, time, structure), each a small function over the text registered
with a priority (grammar.py); relative windows count back from
`reference_date`, never the wall clock.
"""

from __future__ import annotations

import datetime as dt

from datagen.agent.claims import rules
from datagen.agent.claims.grammar import RULES, Found
from datagen.engine import dsl

REFERENCE_DATE = dt.date(2025, 1, 1)
assert rules.LOADED


def _clash(a: Found, b: Found) -> bool:
    """Two spans that overlap, except a count sharing only its noun with the phrase that
    follows ('3,000 claims' and 'claims filed during the policy')."""
    if not (a.start < b.end and b.start < a.end):
        return False
    first, second = (a, b) if a.start <= b.start else (b, a)
    partial = first.start < second.start and first.end < second.end
    return not (partial and first.kind == "count" and second.kind != "count")


def extract_claims(text: str, *, reference_date: dt.date = REFERENCE_DATE) -> list[dsl.Claim]:
    """Description -> claims, in the order their phrases appear; status `unbound`."""
    kept: list[Found] = []
    for _, find in RULES:
        for found in find(text, reference_date):
            if not any(_clash(found, k) for k in kept):
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
