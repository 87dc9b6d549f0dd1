"""Claims the offline author must make true on the data: durations, sub-hour grains, measure
nouns that stay columns, service-line numbers that are not counts."""

from __future__ import annotations

from typing import Any

from datagen.agent.offline import author
from datagen.engine.load import parse_dataset


def _claims_on_data(description: str, rows: int = 300) -> dict[str, dict[str, Any]]:
    from datagen.engine.execute import dry_run
    from datagen.engine.validate.run import validate_tables

    dataset = parse_dataset(author(description))
    tables = dry_run(dataset, seed=3, rows_per_table=rows)
    shrunk = {n.id: tables[n.id].num_rows for n in dataset.nodes if n.kind == "entity"}
    report = validate_tables(dataset, tables, rows_expected=shrunk)
    return {c["text"]: c for c in report.claims}


def _node(schema: dict[str, Any], table: str) -> dict[str, Any]:
    return next(n for n in schema["nodes"] if n["id"] == table)


def test_a_due_date_is_exactly_its_lag_after_the_start() -> None:
    text = "A library with 800 members borrowing books; loans are due 21 days after checkout"
    claims = _claims_on_data(text)
    due = claims["due 21 days after checkout"]
    assert due["status"] == "honoured", due
    assert due["measured"] == 21


def test_a_typical_duration_is_the_median_not_a_constant() -> None:
    text = "bike sharing with 200 stations; rides last 18 minutes on average"
    schema = author(text)
    spec = next(
        c["generator"] for c in _node(schema, "ride")["columns"] if c["name"].endswith("_after")
    )
    assert "distribution" in spec  # a spread, not every ride 18 minutes
    claim = next(c for c in _claims_on_data(text).values() if c["kind"] == "duration")
    assert claim["status"] == "honoured", claim


def test_a_stored_duration_takes_the_claims_unit() -> None:
    text = "A call center with 150 agents handling calls, average handle time of 6 minutes"
    call = _node(author(text), "call")
    assert any(c["name"] == "duration_minutes" for c in call["columns"])
    claim = next(c for c in _claims_on_data(text).values() if c["kind"] == "duration")
    assert claim["status"] == "honoured", claim


def test_a_ten_minute_grain_is_a_regular_series_per_parent() -> None:
    text = "smart meters in 50 homes reporting electricity readings every 10 minutes for one month"
    schema = author(text)
    reading = next(n for n in schema["nodes"] if n["kind"] == "fact")
    assert reading["fanout"] == {"distribution": "uniform", "min": 4464, "max": 4464}
    grain = next(c for c in _claims_on_data(text, rows=5000).values() if c["kind"] == "grain")
    assert grain["status"] == "honoured", grain
    assert grain["measured"] == 600


def test_measure_nouns_are_columns_never_tables() -> None:
    schema = author(
        "A taxi company with 500 drivers and trips; fares from 4 to 120 euros. "
        "A hotel with guests and reservations, average stay of 3 nights"
    )
    ids = {n["id"] for n in schema["nodes"]}
    assert not ids & {"fare", "night"}, ids


def test_a_service_line_number_is_not_a_count() -> None:
    schema = author("A city's 311 service requests across 10 districts")
    assert _node(schema, "district")["rows"] == 10
    assert not any("311" in a for a in schema["metadata"]["assumptions"] if "rows" in a)


def test_weekday_nights_hold_on_the_hours_and_the_weekdays_together() -> None:
    text = "A taxi company with 50 drivers and trips, mostly on Friday and Saturday nights"
    claim = next(
        c for c in _claims_on_data(text, rows=2000).values() if c["kind"] == "time_pattern"
    )
    assert claim["status"] == "honoured", claim


def test_events_during_their_parents_span() -> None:
    text = "An insurance company with 1,000 policies and claims filed during the policy"
    schema = author(text)
    claim = _node(schema, "claim")
    hidden = [c for c in claim["columns"] if c.get("hidden")]
    assert {c["generator"]["lookup"]["from"] for c in hidden} == {
        "policy.start_date",
        "policy.end_date",
    }
    within = _claims_on_data(text, rows=1000)["claims filed during the policy"]
    assert within["status"] == "honoured", within
    assert within["measured"] == 1


def test_role_nouns_are_values_of_the_staff_table() -> None:
    text = (
        "A law firm with 40 partners, 200 associates and 3,000 clients; matters and billable hours"
    )
    schema = author(text)
    ids = {n["id"] for n in schema["nodes"]}
    assert not ids & {"partner", "associate"}, ids
    lawyer = _node(schema, "lawyer")
    assert lawyer["rows"] == 240
    role = next(c for c in lawyer["columns"] if c["name"] == "role")
    assert role["generator"]["choice"]["choices"] == ["partner", "associate"]
    claims = _claims_on_data(text, rows=2000)
    assert claims["40 partners"]["status"] == "honoured", claims["40 partners"]
    assert claims["40 partners"]["bound_to"]["measure"] == "share"


def test_a_role_within_a_counted_staff_leaves_the_rest_to_other_roles() -> None:
    schema = author("A hospital with 300 nurses and 40 doctors, including 12 interns")
    ids = {n["id"] for n in schema["nodes"]}
    assert "intern" not in ids
    doctors = next(n for n in schema["nodes"] if any(c["name"] == "role" for c in n["columns"]))
    assert doctors["rows"] == 40
    role = next(c for c in doctors["columns"] if c["name"] == "role")["generator"]["choice"]
    assert role["choices"] == ["intern", "other"]
    assert role["weights"][0] == 0.3
    nurse = _node(schema, "nurse")
    assert any(c["name"] == "full_name" for c in nurse["columns"])  # the lexicon's nurse


def test_a_range_names_its_column_through_the_verb_or_a_money_synonym() -> None:
    claims = _claims_on_data(
        "An online marketplace where sellers list products and buyers leave reviews rated 1 to 5; "
        "an airline with passengers and bookings, ticket prices from 60 to 900 dollars"
    )
    rated = claims["reviews rated 1 to 5"]
    assert rated["status"] == "honoured" and rated["bound_to"]["column"] == "rating", rated
    prices = claims["ticket prices from 60 to 900 dollars"]
    assert prices["status"] == "honoured" and prices["bound_to"]["column"] == "fare", prices


def test_a_weekday_peak_is_measured_where_it_was_weighted() -> None:
    text = "A crypto exchange with 2,500 traders placing orders on 40 trading pairs; trades peak on weekdays"
    peak = next(c for c in _claims_on_data(text).values() if c["kind"] == "time_pattern")
    assert peak["status"] == "honoured", peak


def test_a_monthly_series_spans_the_window() -> None:
    claims = _claims_on_data("monthly payroll for 350 employees in 2024")
    assert claims["in 2024"]["status"] == "honoured", claims["in 2024"]
    assert claims["in 2024"]["bound_to"]["table"] == "payroll"


def test_a_grain_said_of_the_sensors_lands_on_their_readings() -> None:
    text = "IoT temperature sensors in 3 factories reporting every 15 minutes during March 2024"
    claims = _claims_on_data(text)
    grain = claims["every 15 minutes"]
    assert grain["status"] == "honoured" and grain["measured"] == 900, grain
    schema = author(text)
    assert not any("drawn at random" in a for a in schema["metadata"]["assumptions"])


def test_monthly_dates_step_by_whole_days() -> None:
    text = "Telecom operator with 500 subscribers, call detail records and monthly invoices"
    grain = next(c for c in _claims_on_data(text).values() if c["kind"] == "grain")
    assert grain["status"] == "honoured", grain


def test_an_average_with_spikes_aims_the_bulk_below_it() -> None:
    text = "an online shop in the UK with 5k customers and an average order value of £45, plus outliers"
    claim = _claims_on_data(text, rows=2000)["an average order value of £45"]
    assert claim["status"] == "honoured", claim


def test_power_users_make_the_fanout_heavy_tailed() -> None:
    text = "webshop orders with a few power users"
    order = _node(author(text), "order")
    assert order["fanout"]["distribution"] == "negative_binomial"
    claim = _claims_on_data(text)["power users"]
    assert claim["status"] == "honoured", claim


def test_a_misspelt_rate_lands_on_the_templates_flag() -> None:
    schema = author("credit card fraud detection datset with 2% fradulent payments")
    names = {c["name"] for n in schema["nodes"] for c in n["columns"]}
    assert "is_fradulent" not in names
    target = schema["targets"]["mean_in_range"][0]
    assert (target["column"], target["min"], target["max"]) == ("is_fraud", 0.016, 0.024)
    claim = _claims_on_data("credit card payments with 2% fradulent payments", rows=2000)
    assert claim["2% fradulent payments"]["status"] == "honoured"


def test_one_keyword_of_a_template_does_not_choose_it() -> None:
    text = "A ferry operator with 8 ships sailing 15 routes; crossings last 90 minutes on average"
    schema = author(text)
    ids = {n["id"] for n in schema["nodes"]}
    assert ids == {"ship", "route", "crossing"}, ids  # not telecom's subscribers and calls
    assert _node(schema, "crossing")["kind"] == "fact"
    crossing = next(c for c in _claims_on_data(text).values() if c["kind"] == "duration")
    assert crossing["status"] == "honoured", crossing
    assert crossing["bound_to"]["end"] == "ended_at"


def test_a_stated_duration_replaces_the_templates_mean_target() -> None:
    schema = author(
        "A courier company with 200 couriers delivering 50,000 parcels; delivered within 2 days"
    )
    parse_dataset(schema)  # no mean target left contradicting the new lag


def test_a_proper_noun_is_a_place_not_a_table() -> None:
    text = "A cinema chain with 12 cinemas in Manchester and Leeds, screenings and ticket sales"
    schema = author(text)
    ids = {n["id"] for n in schema["nodes"]}
    assert ids == {"cinema", "screening", "ticket_sale"}, ids
    place = _claims_on_data(text)["in Manchester and Leeds"]
    assert place["status"] == "honoured", place


def test_a_count_by_a_synonym_is_checked_on_the_templates_table() -> None:
    claims = _claims_on_data("A courier company with 200 couriers delivering 50,000 parcels")
    parcels = claims["50,000 parcels"]
    assert parcels["status"] == "honoured", parcels
    assert parcels["bound_to"]["table"] == "shipment"


def test_a_duration_between_two_stamps_uses_their_lag() -> None:
    text = "A car rental company with 1,500 cars and rentals; cars are returned 3 days after pickup"
    claim = next(c for c in _claims_on_data(text).values() if c["kind"] == "duration")
    assert claim["status"] == "honoured", claim
    assert claim["bound_to"]["end"] == "returned_at"  # the stamp the phrase names
    assert claim["measured"] == 3  # a rule: exactly 3 days
    loose = next(
        c for c in _claims_on_data(text + " on average").values() if c["kind"] == "duration"
    )
    assert loose["status"] == "honoured" and loose["measured"] != 3, loose  # a spread


VET = (
    "A veterinary clinic chain: 12 clinics, 3,000 pets with their owners, 20,000 appointments "
    "over 2024; about 15% of appointments are vaccinations, dogs are 60% of pets"
)


def test_a_share_of_rows_that_are_a_value_makes_no_table_of_that_value() -> None:
    tables = [n["id"] for n in author(VET)["nodes"]]
    assert "vaccination" not in tables and "appointment" in tables
    claims = _claims_on_data(VET)
    assert claims["about 15% of appointments are vaccinations"]["status"] == "honoured"


def test_a_value_the_description_also_counts_stays_a_table() -> None:
    text = VET + "; 5,000 vaccinations are recorded with their batch numbers"
    assert "vaccination" in [n["id"] for n in author(text)["nodes"]]


UNIVERSITY = (
    "A university: 8 faculties, 200 courses, 6,000 students, each student enrols in 4 to 6 "
    "courses; grades from 0 to 100 averaging 68"
)


def test_a_verb_after_a_number_is_no_table_and_a_link_fanout_is_honoured() -> None:
    tables = [n["id"] for n in author(UNIVERSITY)["nodes"]]
    assert "averaging" not in tables
    claims = _claims_on_data(UNIVERSITY)
    per_student = claims["each student enrols in 4 to 6 courses"]
    assert per_student["status"] == "honoured", per_student


def test_a_ratio_between_two_roles_becomes_a_distribution_by_role() -> None:
    text = (
        "A law firm: 300 lawyers, 400 clients, 2,000 billable time entries; partners bill "
        "about twice the hourly rate of associates"
    )
    lawyer = _node(author(text), "lawyer")
    rate = next(c for c in lawyer["columns"] if c["name"] == "hourly_rate")
    assert rate["generator"]["distribution"]["by"] == "role"
    claim = _claims_on_data(text)["partners bill about twice the hourly rate of associates"]
    assert claim["status"] == "honoured", claim
    assert 1.6 <= claim["measured"] <= 2.4
    tables = [n["id"] for n in author(text)["nodes"]]
    assert "billable" not in tables and "time_entry" in tables


def test_longer_on_weekends_multiplies_the_duration_in_those_cells() -> None:
    text = "Scooter rentals: 900 scooters, 40,000 rides over summer 2024, longer rides on weekends"
    claim = _claims_on_data(text, rows=2000)["longer rides on weekends"]
    assert claim["status"] == "honoured", claim
    assert claim["measured"] >= 1.2


def test_a_bound_clamps_its_column_and_a_unit_is_no_table() -> None:
    text = "IoT: 300 sensors reporting temperature every minute for 3 days; temperature never above 45 degrees"
    assert "degree" not in [n["id"] for n in author(text)["nodes"]]
    claim = _claims_on_data(text)["temperature never above 45"]
    assert claim["status"] == "honoured" and claim["measured"]["max"] <= 45


def test_a_peak_on_a_regular_series_is_in_the_value_not_the_row_count() -> None:
    text = (
        "500 smart meters reporting electricity usage every 15 minutes in January 2025; "
        "usage peaks between 6pm and 9pm"
    )
    schema = author(text)
    assert {n["id"] for n in schema["nodes"]} == {"meter", "meter_reading"}  # kWh, not IoT
    claim = next(
        c for c in _claims_on_data(text, rows=3000).values() if c["kind"] == "time_pattern"
    )
    assert claim["bound_to"]["measure"] == "compare" and claim["bound_to"]["column"] == "kwh"
    assert claim["status"] == "honoured", claim
    assert claim["measured"] >= 1.2


def test_a_group_that_acts_more_often_gets_a_fanout_by_a_parent_column() -> None:
    text = "A gym with 2,000 members; premium members visit twice as often"
    schema = author(text)
    fact = next(n for n in schema["nodes"] if n["kind"] == "fact")
    assert fact["fanout"]["by"] == "tier" and set(fact["fanout"]["cases"]) == {"premium"}
    claim = _claims_on_data(text, rows=2000)["premium members visit twice as often"]
    assert claim["bound_to"]["measure"] == "compare" and claim["bound_to"]["rows_of"] == fact["id"]
    assert claim["status"] == "honoured", claim
    assert 1.7 <= claim["measured"] <= 2.3


def test_an_existing_segment_value_drives_the_fanout() -> None:
    text = "an online shop with 5,000 customers; VIP customers order three times as often"
    order = _node(author(text), "order")
    assert order["fanout"]["by"] == "segment" and "vip" in order["fanout"]["cases"]
    claim = _claims_on_data(text, rows=3000)["VIP customers order three times as often"]
    assert claim["status"] == "honoured", claim


def test_a_peak_goes_on_the_table_named_right_before_it() -> None:
    text = (
        "a mobile carrier with 2,000 subscribers, SMS messages and data sessions; "
        "data usage peaks in the evening"
    )
    claim = _claims_on_data(text, rows=2000)["peaks in the evening"]
    assert claim["bound_to"]["table"] == "data_usage", claim
    assert claim["status"] == "honoured", claim
    sms = _node(author(text), "sms_message")
    sent_at = next(c for c in sms["columns"] if c["name"] == "sent_at")
    assert not sent_at["generator"]["datetime_series"].get("pattern")  # the SMS are untouched


def test_a_churn_share_sets_how_many_churned_at_are_filled() -> None:
    text = "telco customers with monthly bills and churn events, 3% of customers churn"
    claim = _claims_on_data(text, rows=2000)["3% of customers churn"]
    assert claim["bound_to"]["column"] == "churned_at", claim
    assert claim["status"] == "honoured", claim
