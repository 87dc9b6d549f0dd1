"""Scales and their usual value: read, modelled by the offline author, measured on data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from datagen.agent.claims import extract_claims
from datagen.agent.offline.provider import author
from datagen.engine import dsl
from datagen.engine.validate.claims import MEASURES, ModeArgs
from tests.test_claims_verify import _binding, _weights


@pytest.mark.parametrize(
    ("text", "phrase", "expected", "about"),
    [
        ("grades A to F with B most common", "B most common", {"values": ["B"]}, ["grade"]),
        ("triage levels 1 to 5 with level 3 most common", "level 3 most common",
         {"values": [3]}, ["triage", "level"]),
        ("Course ratings go from 1 to 5 stars, mostly 4 and 5", "mostly 4 and 5",
         {"values": [4, 5], "min": 0.5, "unit": "share"}, ["course", "rating"]),
    ],
)  # fmt: skip
def test_the_usual_value_of_a_scale_is_a_mode_claim(
    text: str, phrase: str, expected: dict[str, Any], about: list[str]
) -> None:
    claims = {c.text: c for c in extract_claims(text)}
    assert claims[phrase].kind == "mode"
    assert claims[phrase].expected.model_dump(exclude_none=True) == expected
    assert claims[phrase].about == about


def test_letter_grades_are_the_values_of_the_scale_without_e() -> None:
    claims = {c.text: c for c in extract_claims("grades A to F with B most common")}
    assert claims["grades A to F"].kind == "values"
    assert claims["grades A to F"].expected.values == ["A", "B", "C", "D", "F"]


def _measure(values: list[Any], usual: list[Any], low: float | None = None) -> tuple[Any, bool]:
    from datagen.engine.validate.context import Context
    from datagen.engine.validate.source import ArrowSource

    column = pa.array(values)
    table = pa.table({"id": pa.array(np.arange(len(values))), "grade": column})
    schema = {
        "version": "1.0",
        "nodes": [{"id": "t", "kind": "entity", "rows": len(values), "pk": "id", "columns": [
            {"name": "id", "type": "int", "generator": {"sequence": {}}},
            {"name": "grade", "type": "string" if isinstance(values[0], str) else "int",
             "generator": {"choice": {"choices": sorted(set(values))}}}]}],
    }  # fmt: skip
    ctx = Context(dsl.Dataset.model_validate(schema), {"t": ArrowSource("t", table)})
    measured = MEASURES["mode"].measure(ctx, ModeArgs(table="t", column="grade", values=usual))
    expected = dsl.ClaimExpected(values=usual, min=low)
    return measured.value, MEASURES["mode"].honoured(expected, measured)


def test_the_mode_measure() -> None:
    grades = ["A"] * 20 + ["B"] * 40 + ["C"] * 30 + ["F"] * 10
    assert _measure(grades, ["B"]) == ({"mode": "B", "share": 0.4}, True)
    assert _measure(grades, ["b"])[1]  # the same value, spelled in lower case
    assert _measure(grades, ["C"]) == ({"mode": "B", "share": 0.3}, False)
    stars = [1] * 5 + [2] * 5 + [3] * 20 + [4] * 30 + [5] * 40
    assert _measure(stars, [4, 5], 0.5) == ({"mode": 5, "share": 0.7}, True)
    assert not _measure(stars, [4.0, 5.0], 0.9)[1]  # 70% is not 'nearly all'
    assert not _measure(stars, [3, 4], 0.5)[1]  # 5 is the most common


def test_the_offline_author_models_the_scale_and_its_mode() -> None:
    er = author("A hospital emergency department: 20,000 visits over 2023, triage levels 1 to "
                "5 with level 3 most common.")  # fmt: skip
    mode = _binding(er, "level 3 most common")
    assert mode["measure"] == "mode" and mode["values"] == [3]
    weights = _weights(er, mode["table"], mode["column"])
    assert list(weights) == [1, 2, 3, 4, 5] and max(weights, key=weights.__getitem__) == 3
    assert _binding(er, "triage levels 1 to 5")["column"] == mode["column"]

    school = author("A university: 25,000 students, grades A to F with B most common.")
    grade = _binding(school, "B most common")
    letters = _weights(school, grade["table"], grade["column"])
    assert list(letters) == ["A", "B", "C", "D", "F"]
    assert max(letters, key=letters.__getitem__) == "B"

    courses = author("An online course platform: 2,000 courses and 80,000 students. Course "
                     "ratings go from 1 to 5 stars, mostly 4 and 5.")  # fmt: skip
    stars = _binding(courses, "mostly 4 and 5")
    shares = _weights(courses, stars["table"], stars["column"])
    assert shares[4] + shares[5] >= 0.6


def test_a_duration_range_with_two_units_and_an_average_read_whole() -> None:
    """'sessions last 20 minutes to 10 hours' was read as a 20-minute mean ('10 hours'
    unread); 'calls last 3 minutes on average' left 'average' unread."""
    claims = {c.text: c for c in extract_claims(
        "sessions last 20 minutes to 10 hours; calls last 3 minutes on average")}  # fmt: skip
    session = claims["sessions last 20 minutes to 10 hours"].expected
    assert (session.min, session.max, session.unit) == (pytest.approx(1 / 3), 10.0, "h")
    assert claims["calls last 3 minutes on average"].expected.value == 3.0


def test_a_stored_duration_in_seconds_follows_the_stated_minutes() -> None:
    """`ended_at = add_minutes(started_at, duration_seconds / 60)`: the seconds are the lag."""
    calls = author("A telecom operator: 5,000 subscribers; calls last 3 minutes on average and "
                   "2% of calls are dropped.")  # fmt: skip
    binding = _binding(calls, "calls last 3 minutes on average")
    assert binding["measure"] == "duration" and binding["end"] == "ended_at"
    node = next(n for n in calls["nodes"] if n["id"] == binding["table"])
    lag = next(c for c in node["columns"] if c["name"] == "duration_seconds")
    assert lag["generator"]["distribution"]["params"]["mean"] == pytest.approx(np.log(180), 1e-3)


def test_inventory_counted_daily_is_a_daily_series_per_item() -> None:
    """'inventory counted daily' put the inventory rows on whole days (about 12 per SKU over
    the year: measured a 20-day step); a count of stock is one row per item per day."""
    stock = author("A warehouse management system: 4 warehouses, 2,000 SKUs, inventory counted "
                   "daily for 2024.")  # fmt: skip
    grain = _binding(stock, "daily")
    assert grain["measure"] == "grain" and grain["table"] == "inventory" and grain.get("by")
    notes = " ".join(stock["metadata"]["assumptions"])
    assert "has one `inventory` row every day (366 per `sku`)" in notes


def test_listings_sell_within_a_range_of_days_get_their_sale_time() -> None:
    """'listings sell within 30 to 120 days' was unread; it is the time from listing to
    sale: a `sold_at` after `listed_at`, inside the range."""
    claims = {c.text: c for c in extract_claims("2,500 listings; listings sell within 30 to "
                                                "120 days")}  # fmt: skip
    said = claims["listings sell within 30 to 120 days"]
    assert said.kind == "duration" and (said.expected.min, said.expected.max) == (30.0, 120.0)
    homes = author("A real estate agency: 40 agents, 2,500 listings in 2023, listings sell "
                   "within 30 to 120 days.")  # fmt: skip
    binding = _binding(homes, "listings sell within 30 to 120 days")
    assert (binding["start"], binding["end"]) == ("listed_at", "sold_at")


def test_twice_a_year_is_a_rate_per_subject() -> None:
    """'patients visit twice a year on average' was unread ('twice', 'average' not
    understood)."""
    claims = {c.text: c for c in extract_claims("3,000 patients; patients visit twice a year "
                                                "on average")}  # fmt: skip
    visits = claims["patients visit twice a year on average"]
    assert visits.kind == "count" and visits.about == ["visit", "patient"]
    assert (visits.expected.value, visits.expected.unit) == (2, "per_year")


def test_a_named_value_is_the_mode_of_its_category_not_a_table() -> None:
    """The lead's dental chain (round 7): 'cleanings are the most common procedure' made a
    `cleaning` table (with a `room`) and was measured on a flag `is_procedure`."""

    text = (
        "A dental chain with 8 clinics, 40 dentists and 12k patients; appointments during "
        "2024, 12% no-shows, and cleanings are the most common procedure."
    )
    claim = next(c for c in extract_claims(text) if "cleanings" in c.text)
    assert claim.kind == "mode" and claim.expected.values == ["cleaning"]
    schema = author(text)
    ids = {n["id"] for n in schema["nodes"]}
    assert not ids & {"cleaning", "room"}, ids
    bound = next(c for c in schema["claims"] if "cleanings" in c["text"])["bound_to"]
    assert bound["measure"] == "mode" and bound["column"] == "procedure"
    assert bound["values"] == ["cleaning"]
