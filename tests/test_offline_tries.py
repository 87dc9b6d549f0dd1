"""The lead's tries of new descriptions (helper `tries`): what the offline author made of them,
checked on the schema it writes (the claims' measures are checked in test_claims_*.py)."""

from __future__ import annotations

from typing import Any

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
    assert loan["parents"][0] == "member" and loan["fanout"]["lambda"] == 8
    status = next(c for c in loan["columns"] if c["name"] == "status")["generator"]["choice"]
    late = status["choices"].index("returned_late")
    assert status["weights"][late] / sum(status["weights"]) == 0.07
    assert schema["timeframe"]["start"] == "2024-01-01"  # 'last 21 days' is no window
