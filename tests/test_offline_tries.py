"""The lead's tries of new descriptions (helper `tries`): what the offline author made of them,
checked on the schema it writes (the claims' measures are checked in test_claims_*.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from datagen.agent.offline import author


def node(schema: dict[str, Any], table: str) -> dict[str, Any]:
    return next(n for n in schema["nodes"] if n["id"] == table)


def notes(schema: dict[str, Any]) -> str:
    return "\n".join(schema["metadata"]["assumptions"])


def test_a_figure_per_subject_sets_the_link_not_a_second_total() -> None:
    """'2,000 courses ... Students enroll in 3 courses on average' made `course` 3 rows."""
    schema = author(
        "An online course platform: 500 instructors, 2,000 courses and 80,000 students. "
        "Students enroll in 3 courses on average."
    )
    assert node(schema, "course")["rows"] == 2000
    enrollment = node(schema, "enrollment")
    assert enrollment["parents"][0] == "student"
    assert enrollment["fanout"]["lambda"] == 3
    assert "not a total of `course`" in notes(schema)


def test_two_totals_of_one_table_are_said_and_the_first_kept() -> None:
    schema = author("a shop with 300 customers and orders; we have 500 customers")
    assert node(schema, "customer")["rows"] == 300
    assert "two totals for `customer`: '300 customers' and '500 customers'" in notes(schema)


def test_a_library_borrows_books_per_member_and_returns_some_late() -> None:
    schema = author(
        "A public library network with 12 branches, 60,000 books and 15,000 members; members "
        "borrow on average 8 books a year, loans last 21 days, and 7% are returned late."
    )
    assert node(schema, "book")["rows"] == 60000
    loan = node(schema, "loan")
    assert loan["parents"][0] == "member"
    assert loan["fanout"]["lambda"] == pytest.approx(8, rel=0.01)  # 8 a year over 2024
    status = next(c for c in loan["columns"] if c["name"] == "status")["generator"]["choice"]
    late = status["choices"].index("returned_late")
    assert status["weights"][late] / sum(status["weights"]) == 0.07
    assert schema["timeframe"]["start"] == "2024-01-01"  # 'last 21 days' is no window


def test_food_delivery_lines_deliveries_and_a_promo_flag() -> None:
    """'Each order has 1 to 5 items' made an 800-row `item` with no key to the order;
    'Deliveries take 20 to 50 minutes' a median of 16.7 minutes at 800 deliveries per order
    (a shipment's rows per warehouse); '12% of orders use a promo code' `order.is_use`."""
    schema = author(
        "A food delivery platform in Lisbon: 300 restaurants, 8,000 customers and 40,000 "
        "orders in 2024. Each order has 1 to 5 items. Deliveries take 20 to 50 minutes. "
        "About 12% of orders use a promo code."
    )
    line = node(schema, "order_item")
    assert line["parents"][0] == "order"
    assert line["fanout"] == {"distribution": "uniform", "min": 1, "max": 5}
    assert {c["generator"].get("lookup", {}).get("from") for c in line["columns"]} >= {
        "order.order_id",
        "item.item_id",
    }
    delivery = node(schema, "delivery")
    assert delivery["parents"][0] == "order" and delivery["fanout"]["lambda"] <= 1.0
    lag = next(c for c in delivery["columns"] if c["name"].endswith("_after"))
    spec = lag["generator"]["distribution"]
    low, high = spec["clamp"]
    assert (low, high) == (round(20 / 60, 4), round(50 / 60, 4))  # hours, in the range
    flags = [c["name"] for c in node(schema, "order")["columns"] if c["type"] == "bool"]
    assert "used_promo_code" in flags and "is_use" not in flags


def test_an_emergency_room_flag_is_on_the_visit_and_a_series_of_positions() -> None:
    schema = author(
        "A hospital emergency department: 20,000 visits over 2023; "
        "5% of patients leave without being seen."
    )
    visit = next(n for n in schema["nodes"] if n["kind"] == "fact" and n["parents"][0] == "patient")
    assert "left_without_being_seen" in [c["name"] for c in visit["columns"]]
    schema = author(
        "A fleet of 200 delivery trucks reporting GPS positions every 30 seconds for one week "
        "in March 2024; trucks are idle 20% of the time."
    )
    position = node(schema, "position")
    assert position["kind"] == "fact" and position["parents"][0] == "truck"
    assert schema["timeframe"]["start"].startswith("2024-03-01")
    assert "is_idle" in [c["name"] for c in position["columns"]]


def test_a_figure_per_subject_per_period_counts_each_period_of_the_window() -> None:
    """'subscribers watch on average 20 movies a month' made 20 streams per subscriber in a
    year; 'players play 3 sessions a day' 3 sessions a day in all (1,098 for 100,000 players)."""
    schema = author(
        "A streaming service with 500 subscribers and 200 movies in 2024; subscribers watch "
        "on average 20 movies a month."
    )
    stream = next(n for n in schema["nodes"] if n["kind"] == "fact")
    assert stream["parents"][0] == "subscriber"
    assert stream["fanout"]["lambda"] == pytest.approx(20 * 366 / 30.44, rel=0.01)
    schema = author("A mobile game with 1,000 players in 2024; players play 3 sessions a day.")
    session = node(schema, "session")
    assert session["fanout"]["lambda"] == pytest.approx(3 * 366, rel=0.01)


def test_a_share_within_a_time_shapes_the_lag_and_no_flag_is_named_after_a_table() -> None:
    from math import erf, log, sqrt

    schema = author(
        "A parcel carrier with 8 warehouses shipping 200,000 parcels in 2024; 95% are "
        "delivered within 3 days."
    )
    shipment = node(schema, "shipment")
    delivered = next(c for c in shipment["columns"] if c["name"] == "delivered_at")
    unit, lag_name = re.fullmatch(
        r"add_(\w+)\(shipped_at, (\w+)\)", delivered["generator"]["expression"]["expr"]
    ).groups()  # type: ignore[union-attr]
    lag = next(c for c in shipment["columns"] if c["name"] == lag_name)
    params = lag["generator"]["distribution"]["params"]
    gap = 3 * {"hours": 24, "days": 1, "minutes": 1440}[unit]
    below = 0.5 * (1 + erf((log(gap) - params["mean"]) / (params["sigma"] * sqrt(2))))
    assert below == pytest.approx(0.95, abs=0.005)
    schema = author("A football league with 20 teams and 380 matches; 45% of matches.")
    assert "is_match" not in [c["name"] for n in schema["nodes"] for c in n["columns"]]


def test_a_stated_lift_is_aimed_at() -> None:
    """'sales double on weekends' was weighted for a lift of 1.2 (+ a margin): x1.54."""
    schema = author(
        "A coffee chain with 25 shops and 1.5 million transactions in 2023; sales double on weekends."
    )
    spec = next(c for c in node(schema, "sale")["columns"] if "datetime_series" in c["generator"])
    dow = next(
        p for p in spec["generator"]["datetime_series"]["pattern"] if p["dimension"] == "dow"
    )
    weights = dow["weights"]
    lift = (sum(weights[5:]) / sum(weights)) / (2 / 7)
    assert lift == pytest.approx(2.0, abs=0.1)
