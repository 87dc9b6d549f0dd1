"""bind_claims: each extracted claim tied to a measure of the schema, or not_modelled."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from datagen.agent.claims import bind_claims, extract_claims
from datagen.engine import dsl
from tests.test_claims_measure import SCHEMA


def bound(text: str, schema: dict[str, Any] | None = None) -> dict[str, dsl.Claim]:
    dataset = dsl.Dataset.model_validate(schema or SCHEMA)
    claims = extract_claims(text, reference_date=dt.date(2025, 1, 1))
    result, assumptions = bind_claims(dataset, claims)
    assert len(result.claims) == len(claims)
    unmodelled = [c for c in result.claims if c.status == "not_modelled"]
    assert len(assumptions) == len(unmodelled)
    return {c.text: c for c in result.claims}


def binding(claim: dsl.Claim) -> dict[str, Any]:
    assert claim.bound_to is not None, claim.reason
    return claim.bound_to.model_dump()


def test_counts_rates_and_windows_bind_to_measures() -> None:
    claims = bound("4 patients with about 20% no-shows during Q3 2024")
    assert binding(claims["4 patients"]) == {"measure": "rows", "table": "patient"}
    assert binding(claims["about 20% no-shows"]) == {
        "measure": "share",
        "table": "visit",
        "where": "status == 'no_show'",
    }
    assert binding(claims["Q3 2024"]) == {
        "measure": "window",
        "table": "visit",
        "column": "arrived_at",
    }
    assert all(c.status == "bound" for c in claims.values())


def test_unknown_noun_is_not_modelled_with_a_reason() -> None:
    claims = bound("40 bakeries and 8% refunds")
    assert claims["40 bakeries"].status == "not_modelled"
    assert "bakeries" in (claims["40 bakeries"].reason or "") or "bakery" in (
        claims["40 bakeries"].reason or ""
    )
    assert claims["8% refunds"].status == "not_modelled"


def test_an_authors_binding_is_kept() -> None:
    dataset = dsl.Dataset.model_validate(SCHEMA)
    claim = dsl.Claim(
        id="c1",
        text="mostly done",
        kind="share",
        expected=dsl.ClaimExpected(min=0.5),
        bound_to=dsl.ClaimBinding.model_validate(
            {"measure": "share", "table": "visit", "where": "status != 'no_show'"}
        ),
        status="bound",
    )
    result, assumptions = bind_claims(dataset, [claim])
    assert result.claims == [claim] and not assumptions


def test_a_broken_author_binding_is_rebound() -> None:
    schema = copy.deepcopy(SCHEMA)
    dataset = dsl.Dataset.model_validate(schema)
    claim = extract_claims("about 20% no-shows")[0].model_copy(
        update={
            "bound_to": dsl.ClaimBinding.model_validate(
                {"measure": "share", "table": "visits", "where": "x"}
            ),
            "status": "bound",
        }
    )
    result, _ = bind_claims(dataset, [claim])
    assert result.claims[0].bound_to is not None
    assert result.claims[0].bound_to.model_dump()["table"] == "visit"
