"""The claim extractor over many phrasings: each case is (description, phrase, kind, expected).

`expected` lists the fields of the claim's `expected` that must match (numbers
approximately); `about` (when given) the words the claim must be about.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from datagen.agent.claims import extract_claims

TODAY = dt.date(2025, 1, 1)


def find(text: str, phrase: str) -> Any:
    claims = extract_claims(text, reference_date=TODAY)
    matching = [c for c in claims if c.text == phrase]
    assert matching, f"no claim with phrase {phrase!r} in {[c.text for c in claims]}"
    return matching[0]


def check(claim: Any, kind: str, expected: dict[str, Any], about: list[str] | None) -> None:
    assert claim.kind == kind
    got = claim.expected.model_dump(mode="json", exclude_none=True)
    for key, value in expected.items():
        if isinstance(value, float):
            assert got.get(key) == pytest.approx(value, rel=1e-6), (key, got)
        else:
            assert got.get(key) == value, (key, got)
    if about is not None:
        assert claim.about == about


COUNTS = [
    ("A chain of 40 bakeries", "40 bakeries", {"value": 40.0}, ["bakery"]),
    ("25k riders in the city", "25k riders", {"value": 25000.0}, ["rider"]),
    ("about 2,000 customers", "about 2,000 customers", {"value": 2000.0, "tolerance": 200.0},
     ["customer"]),
    ("twenty-five thousand riders", "twenty-five thousand riders", {"value": 25000.0},
     ["rider"]),
    ("a million users", "a million users", {"value": 1e6}, ["user"]),
    ("1.5M sessions", "1.5M sessions", {"value": 1.5e6}, ["session"]),
    ("at least 300 stores", "at least 300 stores", {"min": 300.0}, ["store"]),
    ("up to 50 warehouses", "up to 50 warehouses", {"max": 50.0}, ["warehouse"]),
    ("roughly 10 million events", "roughly 10 million events",
     {"value": 1e7, "tolerance": 1e6}, ["event"]),
    ("a dozen clinics", "a dozen clinics", {"value": 12.0}, ["clinic"]),
    ("five hundred patients", "five hundred patients", {"value": 500.0}, ["patient"]),
    ("10,000 trips per day", "10,000 trips per day", {"value": 10000.0, "unit": "per_day"},
     ["trip"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "phrase", "expected", "about"), COUNTS)
def test_counts(text: str, phrase: str, expected: dict[str, Any], about: list[str]) -> None:
    check(find(text, phrase), "count", expected, about)


RATES = [
    ("about 8% no-shows", "about 8% no-shows", {"value": 0.08, "tolerance": 0.02},
     ["no-show"]),
    ("25% of orders are returned", "25% of orders are returned", {"value": 0.25},
     ["returned", "order"]),
    ("a click rate around 2%", "click rate around 2%", {"value": 0.02}, ["click"]),
    ("one in ten orders is refunded", "one in ten orders is refunded", {"value": 0.1},
     ["refunded", "order"]),
    ("0.5% fraudulent", "0.5% fraudulent", {"value": 0.005}, ["fraudulent"]),
    ("eight percent cancelled", "eight percent cancelled", {"value": 0.08}, ["cancelled"]),
    ("a quarter of orders are refunded", "a quarter of orders are refunded", {"value": 0.25},
     ["refunded", "order"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "phrase", "expected", "about"), RATES)
def test_rates(text: str, phrase: str, expected: dict[str, Any], about: list[str]) -> None:
    check(find(text, phrase), "rate", expected, about)


WINDOWS = [
    ("sales in Q3 2024", "Q3 2024", "2024-07-01", "2024-10-01"),
    ("orders in 2024", "in 2024", "2024-01-01", "2025-01-01"),
    ("the last 18 months", "the last 18 months", "2023-07-01", "2025-01-01"),
    ("the past 30 days", "the past 30 days", "2024-12-02", "2025-01-01"),
    ("from March to June 2024", "from March to June 2024", "2024-03-01", "2024-07-01"),
    ("first half of 2024", "first half of 2024", "2024-01-01", "2024-07-01"),
    ("2022-2023", "2022-2023", "2022-01-01", "2024-01-01"),
    ("from 2024-02-01 to 2024-02-29", "from 2024-02-01 to 2024-02-29", "2024-02-01",
     "2024-03-01"),
    ("every 10 minutes for one month", "for one month", "2024-12-01", "2025-01-01"),
    ("in March 2024", "March 2024", "2024-03-01", "2024-04-01"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "phrase", "start", "end"), WINDOWS)
def test_windows(text: str, phrase: str, start: str, end: str) -> None:
    check(find(text, phrase), "window", {"min": start, "max": end}, None)


def test_sizes() -> None:
    check(find("1M rows please", "1M rows"), "size", {"value": 1e6, "unit": "rows"}, None)
    check(find("about 5 GB of data", "about 5 GB"), "size", {"value": 5e9, "unit": "bytes"}, None)


def test_claims_are_numbered_in_text_order_and_deterministic() -> None:
    text = "40 bakeries with about 8% no-shows during Q3 2024"
    first = extract_claims(text, reference_date=TODAY)
    assert [c.id for c in first] == ["c1", "c2", "c3"]
    assert [c.text for c in first] == ["40 bakeries", "about 8% no-shows", "Q3 2024"]
    assert first == extract_claims(text, reference_date=TODAY)
    assert all(c.status == "unbound" and c.bound_to is None for c in first)


def test_years_and_time_amounts_are_no_counts() -> None:
    kinds = {
        c.text: c.kind for c in extract_claims("in 2024, over 18 months", reference_date=TODAY)
    }
    assert "count" not in kinds.values()
