"""Which tables a new user gets, how they link and how many rows (issue 16, the lead's tries
of 2026-12-03): no junk tables, rates per parent, sizes per parent. Checked on the schema the
offline author writes and on the engine's planned row counts."""

from __future__ import annotations

from typing import Any

from datagen.agent.offline import author
from datagen.engine.load import parse_dataset
from datagen.engine.plan import build_plan


def node(schema: dict[str, Any], table: str) -> dict[str, Any]:
    return next(n for n in schema["nodes"] if n["id"] == table)


def tables(schema: dict[str, Any]) -> set[str]:
    return {n["id"] for n in schema["nodes"]}


def planned(schema: dict[str, Any]) -> dict[str, int]:
    plan = build_plan(parse_dataset(schema), seed=42)
    return {t: p.estimated_rows for t, p in plan.tables.items()}


def notes(schema: dict[str, Any]) -> str:
    return "\n".join(schema["metadata"]["assumptions"])


def test_a_verb_after_each_is_no_table_and_unnamed_template_events_are_left_out() -> None:
    """u3: 'each student takes' became `student_take`; `submission` got 398,628 rows unasked."""
    schema = author(
        "A university registrar: 12 faculties, 900 professors, 25,000 students, each student "
        "takes 4 to 6 courses per semester, grades A to F with B most common, 3% of students "
        "drop out each year."
    )
    assert not {"student_take", "submission"} & tables(schema)
    assert {"student", "course", "faculty", "enrollment"} <= tables(schema)
    assert "`submission`" in notes(schema)  # said, not dropped silently


def test_a_rate_per_player_hangs_the_matches_from_the_player() -> None:
    """u4: 'each player plays about 30 matches a month' -> `match` without a key to `player`
    and a junk `play` table; no window given, so one month is chosen and said."""
    schema = author(
        "An online game with 100,000 players; each player plays about 30 matches a month, "
        "5% of players are paying users, and paying users spend $20 a month on average."
    )
    assert "play" not in tables(schema)
    match = node(schema, "match")
    assert match["parents"][0] == "player"
    assert schema["timeframe"]["start"] == "2024-01-01"
    assert schema["timeframe"]["end"] == "2024-02-01"
    rows = planned(schema)
    assert rows["player"] == 100_000
    assert 2_700_000 <= rows["match"] <= 3_300_000  # 30 a month for a month
    assert "over a whole year would be about" in notes(schema)


def test_an_enormous_rate_is_capped_by_fewer_parents_and_says_how_to_get_the_full_size() -> None:
    """u9: 'each subscriber watches about 40 sessions a month' -> `session` 452 rows."""
    schema = author(
        "A streaming service: 200,000 subscribers, 5,000 titles, each subscriber watches about "
        "40 sessions a month, sessions last 45 minutes on average, and 25% of subscribers are "
        "on the family plan."
    )
    session = next(n for n in schema["nodes"] if n["kind"] == "fact")
    assert session["parents"][0] == "subscriber"
    assert 38 <= session["fanout"]["lambda"] <= 42  # the rate holds
    rows = planned(schema)
    assert 4_000_000 <= rows[session["id"]] <= 5_100_000
    assert rows["subscriber"] < 200_000
    assert "--rows subscriber=200000" in notes(schema)
    assert not {"account", "user", "event", "subscription"} & tables(schema)


def test_template_extras_named_by_nobody_are_left_out_but_a_needed_link_stays() -> None:
    """Telecom: `data_session` and `invoice` beside the calls asked for; a shop that names
    products keeps the order lines that link them to orders."""
    telecom = author("A telecom operator with 50,000 subscribers and their calls in 2024")
    assert {"subscriber", "call"} <= tables(telecom)
    assert not {"data_session", "invoice"} & tables(telecom)
    shop = author("An online shop selling 500 products to 2,000 customers; 30,000 orders in 2024")
    assert {"customer", "product", "order", "order_item"} <= tables(shop)
    assert "payment" not in tables(shop)
