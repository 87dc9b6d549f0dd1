"""Checks of the claims' bindings: a registered measure, its arguments, tables and columns."""

from __future__ import annotations

from collections.abc import Iterator

from datagen.engine import dsl
from datagen.engine.errors import Problem, did_you_mean


def claim_problems(dataset: dsl.Dataset) -> Iterator[Problem]:
    if all(claim.bound_to is None for claim in dataset.claims):
        return  # the validator (and the rich console it imports) is not needed to generate
    from datagen.engine.validate.claims import MEASURES, binding_problems

    for i, claim in enumerate(dataset.claims):
        if claim.bound_to is None:
            continue
        path = f"claims[{i}].bound_to"
        for message in binding_problems(dataset, claim.bound_to):
            hint = None
            if message.startswith("unknown measure"):
                hint = did_you_mean(claim.bound_to.measure, MEASURES)
            yield Problem(path, f"'{claim.text}': {message}", None, hint)
