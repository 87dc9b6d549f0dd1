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
