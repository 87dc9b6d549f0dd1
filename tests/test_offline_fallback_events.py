"""The offline author's event tables: one table when two nouns name the same event, and a
fallback event from the field of the entities named when the text names no events."""

from __future__ import annotations

from datetime import date

import pytest

from datagen.agent.offline.compose import compose


def _tables(description: str) -> dict[str, dict]:
    schema = compose(description, {}, date(2026, 1, 15))
    return {n["id"]: n for n in schema["nodes"]}


def _facts(description: str) -> list[str]:
    return [t for t, n in _tables(description).items() if n["kind"] == "fact"]


@pytest.mark.parametrize(
    "description",
    [
        "scooter rentals in Berlin: riders take rides on scooters",
        "An e-scooter rental company with 2,000 scooters and 50,000 riders; rides last 5 to 40 minutes",
        "A bike sharing system in Paris with 1,200 stations and 20,000 bikes; rides last 18 minutes",
    ],
)
def test_rentals_and_rides_of_scooters_are_one_event_table(description: str) -> None:
    facts = _facts(description)
    assert len(facts) == 1, facts
    columns = {c["name"] for c in _tables(description)[facts[0]]["columns"]}
    assert {"unlocked_at", "locked_at"} <= columns  # a scooter rental, not a taxi ride


def test_rides_with_drivers_stay_taxi_rides() -> None:
    tables = _tables("ride-hailing: 300 drivers and 5,000 riders taking rides")
    assert "surge_multiplier" in {c["name"] for c in tables["ride"]["columns"]}


@pytest.mark.parametrize(
    ("description", "event", "not_wanted"),
    [
        ("a dog-walking app with 500 walkers", "dog_walk", "vet_visit"),
        (
            "A dog-walking app with 500 walkers, 3,000 dogs and their owners",
            "dog_walk",
            "vet_visit",
        ),
        ("a solar panel installer with 300 customers", "solar_installation", "energy_bill"),
        ("an airline with 40 aircraft and 120 pilots", "flight", "mission"),
    ],
)
def test_an_event_the_text_does_not_name_comes_from_its_field(
    description: str, event: str, not_wanted: str
) -> None:
    facts = _facts(description)
    assert event in facts and not_wanted not in facts, facts


def test_a_hyphenated_gerund_read_as_the_events_is_not_listed_as_unread() -> None:
    schema = compose("a dog-walking app with 500 walkers", {}, date(2026, 1, 15))
    assert not any("dog-walking" in a for a in schema["metadata"]["assumptions"])


@pytest.mark.parametrize(
    ("description", "wanted", "junk"),
    [
        (
            "a food bank with 120 volunteers running 900 shifts and distributing parcels "
            "to 5,000 households",
            {"volunteer", "shift", "parcel", "household"},
            {"run", "truck"},
        ),
        (
            "a genomics lab with 50 researchers running sequencing runs on 3,000 samples",
            {"researcher", "sequencing_run", "sample"},
            {"run", "truck"},
        ),
        (
            "a cold-chain warehouse with 200 temperature sensors reporting every 5 minutes "
            "during June 2025; temperature stays between 2 and 8 degrees",
            {"reading"},
            {"stay", "patient"},
        ),
        (
            "a boutique hotel group with 8 hotels, 600 rooms and room service orders",
            {"hotel", "room", "room_service_order"},
            {"machine", "service_order"},
        ),
        (
            "a driving school with 30 instructors and 900 students taking lessons",
            {"instructor", "student", "lesson"},
            {"course", "enrollment", "submission"},
        ),
    ],
)
def test_verbs_and_compounds_name_the_right_tables(
    description: str, wanted: set[str], junk: set[str]
) -> None:
    tables = set(_tables(description))
    assert wanted <= tables and not junk & tables, tables


def test_a_season_named_by_its_year_is_not_a_seasonal_peak() -> None:
    schema = compose(
        "an esports league with 24 teams, 150 players and 400 matches in the 2024 season",
        {},
        date(2026, 1, 15),
    )
    patterns = [
        p
        for n in schema["nodes"]
        for c in n["columns"]
        for p in c["generator"].get("datetime_series", {}).get("pattern", [])
    ]
    assert not any(p["dimension"] == "month" for p in patterns)


def test_a_grower_is_not_growth() -> None:
    schema = compose("a greenhouse grower with 12 greenhouses and harvests", {}, date(2026, 1, 15))
    modifiers = [m for n in schema["nodes"] for c in n["columns"] for m in c.get("modifiers", [])]
    assert not any(m["transform"] == "trend" for m in modifiers)


@pytest.mark.parametrize(
    ("description", "event", "parent"),
    [
        (
            "a steel plant with 6 furnaces, 300 workers and heats tapped every 90 minutes",
            "heat",
            "furnace",
        ),
        ("A football league with 20 teams, 500 players and matches", "match", "team"),
    ],
)
def test_a_noun_listed_before_the_events_is_not_their_subject(
    description: str, event: str, parent: str
) -> None:
    assert _tables(description)[event]["parents"][0] == parent


def test_collectors_trading_nfts_make_one_sale_table() -> None:
    facts = _facts(
        "an NFT marketplace with 8,000 collectors trading 50,000 NFTs; most sales on Ethereum"
    )
    assert facts == ["nft_sale"], facts


def test_the_apps_users_swipe_at_the_lexicons_rate_and_a_match_is_a_flag() -> None:
    tables = _tables(
        "a dating app with 2,000 users swiping and matching; 3% of swipes become matches"
    )
    swipe = tables["swipe"]
    assert swipe["fanout"]["lambda"] > 100  # a user's swipes, not capped at 3 like a follow-up
    assert "is_match" in {c["name"] for c in swipe["columns"]}
