"""Claims about groups, conditions and time cells that once scored 100 while measuring
something else, or were left unread: a share of rows in time cells ('40% of tickets sold on
weekends'), a volume subject ('occupancy is higher in summer'), a rank's pay over the others
('managers earn 30% more than their reports'), a parent's group ('partners bill twice as many
hours as associates') and a condition of the row ('longer on rainy days')."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from datagen.agent.claims import extract_claims
from datagen.agent.offline import author
from tests.test_offline_claims_honoured import _claims_on_data


def claims(text: str) -> dict[str, dict[str, Any]]:
    found = extract_claims(text, reference_date=dt.date(2025, 1, 1))
    return {c.text: {"kind": c.kind, "about": c.about, **c.expected.model_dump(exclude_none=True)}
            for c in found}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "phrase", "cells"),
    [
        ("2 million tickets sold in 2024, with 40% of tickets sold on weekends",
         "40% of tickets sold on weekends", {"weekdays": [5, 6], "value": 0.4}),
        ("half of orders arrive between 6pm and 9pm", "half of orders arrive between 6pm and 9pm",
         {"hours": [18, 19, 20], "value": 0.5}),
        ("30% of bookings are in July and August", "30% of bookings are in July and August",
         {"months": [7, 8], "value": 0.3}),
    ],
)  # fmt: skip
def test_a_share_of_rows_in_time_cells_is_one_time_pattern(
    text: str, phrase: str, cells: dict[str, Any]
) -> None:
    found = claims(text)
    claim = found[phrase]
    assert claim["kind"] == "time_pattern" and claim["unit"] == "share"
    assert {k: claim[k] for k in cells} == cells
    assert not any(c["kind"] == "rate" for c in found.values())  # not '40% of tickets sold'


def test_a_share_with_a_state_verb_stays_a_rate() -> None:
    found = claims("25% of orders are returned in December")
    assert found["25% of orders are returned"]["kind"] == "rate"


def test_a_volume_subject_is_part_of_the_time_pattern() -> None:
    claim = claims("90,000 bookings in 2024, occupancy is higher in summer")
    assert claim["occupancy is higher in summer"]["about"] == ["occupancy"]


def test_twice_as_many_hours_names_the_value_and_both_groups() -> None:
    claim = claims("partners bill about twice as many hours as associates")
    got = claim["partners bill about twice as many hours as associates"]
    assert got["kind"] == "ratio" and got["value"] == 2
    assert got["values"] == ["partners", "associates"] and got["about"] == ["hour"]


def test_a_comparative_after_a_comma_is_said_of_the_clause_before() -> None:
    claim = claims("Deliveries take 20 to 50 minutes, longer on rainy days.")
    got = claim["longer on rainy days"]
    assert got["kind"] == "compare" and got["values"] == ["rainy days"]
    assert got["about"] == ["delivery", "duration"]


def test_tickets_sold_on_weekends_weighs_the_screenings_and_measures_the_tickets() -> None:
    text = "A cinema chain with 30 cinemas and 8 screens each; 2 million tickets sold in 2024, with 40% of tickets sold on weekends."
    claim = _claims_on_data(text, rows=3000)["40% of tickets sold on weekends"]
    assert claim["bound_to"]["measure"] == "time_share", claim
    assert claim["status"] == "honoured", claim
    assert abs(claim["measured"]["share"] - 0.4) < 0.05


def test_a_stated_share_below_the_cells_time_lowers_them() -> None:
    text = "An online shop with 5,000 customers and 60,000 orders in 2024; 10% of orders are placed on weekends."
    claim = _claims_on_data(text, rows=3000)["10% of orders are placed on weekends"]
    assert claim["status"] == "honoured", claim
    assert claim["measured"]["share"] < 0.15


def test_occupancy_in_summer_is_measured_on_the_stays_start() -> None:
    text = "A hotel group with 15 hotels and 2,400 rooms; 90,000 bookings in 2024, stays last 1 to 7 nights, occupancy is higher in summer, and 8% of bookings are cancelled."
    claim = _claims_on_data(text, rows=3000)["occupancy is higher in summer"]
    assert claim["bound_to"]["column"] == "check_in_date", claim
    assert claim["status"] == "honoured", claim


def test_managers_earn_more_than_their_reports_adds_a_rank() -> None:
    text = "A payroll/HR system for a 2,500-person company: departments, employees, salaries between 40k and 250k, and managers earn 30% more than their reports."
    employee = next(n for n in author(text)["nodes"] if n["id"] == "employee")
    role = next(c for c in employee["columns"] if c["name"] == "role")
    assert role["generator"]["choice"]["choices"] == ["manager", "staff"]
    claim = _claims_on_data(text, rows=2500)["managers earn 30% more than their reports"]
    assert claim["bound_to"]["column"] == "salary", claim
    assert claim["status"] == "honoured", claim


def test_a_parents_group_is_copied_onto_the_rows_compared() -> None:
    text = "A law firm with 40 partners and 160 associates, 500 clients and 20,000 billable time entries in 2024; partners bill about twice as many hours as associates."
    claim = _claims_on_data(text, rows=3000)[
        "partners bill about twice as many hours as associates"
    ]
    assert claim["bound_to"]["where"] == "lawyer_role == 'partner'", claim
    assert claim["bound_to"]["versus"] == "lawyer_role == 'associate'", claim
    assert claim["status"] == "honoured", claim
    assert 1.7 <= claim["measured"] <= 2.3


def test_longer_on_rainy_days_records_the_weather() -> None:
    text = "A food delivery platform in Lisbon: 300 restaurants and 40,000 orders in 2024. Deliveries take 20 to 50 minutes, longer on rainy days."
    claim = _claims_on_data(text, rows=3000)["longer on rainy days"]
    assert claim["bound_to"]["where"] == "weather == 'rainy'", claim
    assert claim["status"] == "honoured", claim
    duration = _claims_on_data(text, rows=3000)["Deliveries take 20 to 50 minutes"]
    assert duration["status"] == "honoured", duration


def test_turnover_is_a_leaving_date_on_the_people_not_a_flag_elsewhere() -> None:
    text = "A payroll/HR system for a 2,500-person company: departments, employees, and 15% annual turnover."
    schema = author(text)
    assert "is_annual_turnover" not in str(schema)
    claim = _claims_on_data(text, rows=2500)["15% annual turnover"]
    assert claim["bound_to"] == {"measure": "present", "table": "employee", "column": "left_at"}
    assert claim["status"] == "honoured", claim


def test_volume_growing_each_month_weights_the_months_of_a_one_year_window() -> None:
    text = "A crypto exchange with 20,000 traders and 500,000 trades in 2024; trading volume grows 5% a month."
    claim = _claims_on_data(text, rows=5000)["volume grows 5% a month"]
    assert claim["bound_to"]["measure"] == "growth", claim
    assert claim["status"] == "honoured", claim
