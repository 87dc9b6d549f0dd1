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


def test_a_size_per_parent_is_a_child_table_with_exactly_that_many_rows_each() -> None:
    """u10: '30 garages with 200 spaces each' was not modelled; the bare 'sessions' after
    'parking sessions' made a second `session` table with a telecom customer."""
    schema = author(
        "A parking garage operator: 30 garages with 200 spaces each, 1 million parking "
        "sessions in 2024, sessions last 20 minutes to 10 hours, peak occupancy between 9am "
        "and 5pm on weekdays."
    )
    space = node(schema, "space")
    assert space["parents"] == ["garage"]
    assert space["fanout"] == {"distribution": "uniform", "min": 200, "max": 200}
    assert planned(schema)["space"] == 6000
    assert not {"session", "telecom_customer"} & tables(schema)
    assert "parking_session" in tables(schema)


def test_teams_of_five_players_each_hang_the_players_from_the_teams() -> None:
    """t11: '64 teams of 5 players each' -> 5,000 players no team pointed at rightly."""
    schema = author(
        "An esports tournament site: 64 teams of 5 players each, 2,000 matches in the 2024 "
        "season, each match lasts 25 to 45 minutes."
    )
    player = node(schema, "player")
    assert player["parents"] == ["team"]
    assert planned(schema)["player"] == 320
    assert not any("player" in str(c["generator"]) for c in node(schema, "team")["columns"])


def test_events_of_one_field_hang_from_the_named_events_not_from_another_fields() -> None:
    """u6: a dentist's treatments hung from a vet's `vet_visit` of a `pet`."""
    schema = author(
        "A dental practice with 5 dentists and 3,000 patients; patients visit twice a year on "
        "average, 20% of visits include an x-ray, and treatments cost between $80 and $1,500."
    )
    assert not {"pet", "vet_visit"} & tables(schema)
    assert node(schema, "treatment")["parents"][0] == "visit"
    visit = node(schema, "visit")
    assert visit["parents"][0] == "patient"
    assert 1.9 <= visit["fanout"]["lambda"] <= 2.1  # twice a year over one year


def test_real_estate_listings_are_listings_of_properties() -> None:
    """u7: a marketplace `listing` beside 3,000 `property` rows, nothing linking them."""
    schema = author(
        "A real estate agency: 40 agents, 2,500 listings in 2023, sale prices between $200k "
        "and $2M, 70% of listings are houses and 30% apartments."
    )
    listing = node(schema, "listing")
    assert listing["kind"] == "fact" and "property" in listing["parents"]
    rows = planned(schema)
    assert rows["property"] == rows["listing"] == 2500


def test_two_nouns_for_one_money_event_make_one_table() -> None:
    """t12: a coffee chain's 'transactions' were a bank's, with 37,500 `bank_account` rows,
    beside a `sale` table for 'sales double on weekends'."""
    schema = author(
        "A coffee chain with 25 shops in Seattle and Portland, 1.5 million transactions in "
        "2023, average ticket $7.50, and sales double on weekends."
    )
    assert not {"bank_account", "transaction"} & tables(schema)
    facts = [n for n in schema["nodes"] if n["kind"] == "fact"]
    assert [f["id"] for f in facts] == ["sale"]
    assert "shop" in facts[0]["parents"]
    assert 1_400_000 <= planned(schema)["sale"] <= 1_600_000


def test_the_setting_names_the_field_a_food_delivery_order_is_a_restaurants() -> None:
    """t1: 'A food delivery platform' read as retail: a retail `order` beside a `food_order`
    added to link the restaurants, and the order pointing at an item beside its lines."""
    schema = author(
        "A food delivery platform in Lisbon: 300 restaurants, 8,000 customers and 40,000 "
        "orders in 2024. Each order has 1 to 5 items. Deliveries take 20 to 50 minutes."
    )
    assert "food_order" not in tables(schema)
    order = node(schema, "order")
    assert order["parents"][:2] == ["customer", "restaurant"]
    assert "item" not in order["parents"]
    assert node(schema, "order_item")["fanout"] == {"distribution": "uniform", "min": 1, "max": 5}


def test_a_rate_after_each_has_its_period() -> None:
    """'each scooter makes about 6 trips a day' in July was 6 trips per scooter in all."""
    schema = author(
        "A ride-sharing scooter company: 3,000 scooters in 5 cities, each scooter makes about "
        "6 trips a day in July 2024, and trips average 12 minutes."
    )
    trip = node(schema, "trip")
    assert trip["parents"][0] == "scooter"
    assert trip["fanout"]["lambda"] == 186  # 6 a day over July's 31 days


def test_a_total_before_each_and_its_verb_stays_a_total() -> None:
    """'500,000 listeners each play about 10 episodes a week' made 5,000 listeners ('per
    play') and read no rate; no window given, so one week keeps the plays near 5M."""
    schema = author(
        "A podcast platform with 2,000 shows and 60,000 episodes; 500,000 listeners each play "
        "about 10 episodes a week."
    )
    rows = planned(schema)
    assert rows["listener"] == 500_000
    play = node(schema, "play")
    assert play["parents"][0] == "listener" and play["fanout"]["lambda"] == 10
    assert (schema["timeframe"]["start"], schema["timeframe"]["end"]) == (
        "2024-01-01",
        "2024-01-08",
    )


def test_so_many_of_each_after_and_or_of_is_a_size_per_parent() -> None:
    """'30 cinemas and 8 screens each', '20 wards of 30 beds each': not modelled before."""
    cinema = author("A cinema chain with 30 cinemas and 8 screens each; 2 million tickets in 2024")
    assert node(cinema, "screen")["parents"] == ["cinema"]
    assert planned(cinema)["screen"] == 240
    hospital = author("A hospital with 20 wards of 30 beds each; 40,000 admissions in 2024")
    assert node(hospital, "bed")["parents"] == ["ward"]
    assert planned(hospital)["bed"] == 600


def test_verbs_after_a_singular_subject_are_no_tables() -> None:
    """'A software company tracks 400 engineers' made `track`; 'each customer's smart meter
    reports consumption' made `report`; 'each user logs 12 workouts' (its user named in an
    earlier clause) added an `athlete` the workouts belonged to."""
    software = author(
        "A software company tracks 400 engineers, 80 repositories and 150,000 commits in 2024."
    )
    assert "track" not in tables(software)
    utility = author(
        "A power utility with 250,000 customers; each customer's smart meter reports "
        "consumption hourly during March 2024."
    )
    assert "report" not in tables(utility)
    fitness = author(
        "A fitness app with 50,000 users; each user logs about 12 workouts a month, and "
        "workouts last 20 to 90 minutes."
    )
    assert tables(fitness) == {"user", "workout"}
    assert node(fitness, "workout")["parents"] == ["user"]


def test_a_location_is_a_thing_not_an_event() -> None:
    """'40 locations' (ends like an event) hung from each order, 0.001 per order."""
    schema = author("A restaurant chain with 40 locations; 3 million orders in 2024.")
    assert node(schema, "location")["kind"] == "entity"
    assert "location" in node(schema, "order")["parents"]


def test_no_domain_question_when_the_words_name_one_field_clearly() -> None:
    """u9: 'SaaS or telecom?' was asked of a streaming service, and the default (saas) gave
    accounts, users, events and 452 sessions; two people of two fields still ask."""
    from datagen.agent.offline.provider import questions_for

    streaming = (
        "A streaming service: 200,000 subscribers, 5,000 titles, each subscriber watches about "
        "40 sessions a month, sessions last 45 minutes on average, and 25% of subscribers are "
        "on the family plan."
    )
    assert [q.key for q in questions_for(streaming)] == []
    assert [q.key for q in questions_for("patients and students")] == ["domain"]


def test_the_setting_is_no_table_its_events_belong_to() -> None:
    """'An airline with 40 aircraft flying 200 routes': 12 `airline` rows the flights hung
    from, 400 flights each."""
    schema = author(
        "An airline with 40 aircraft flying 200 routes; 1.2 million passengers booked 2 "
        "million tickets in 2024, and 6% of flights are delayed."
    )
    assert "airline" not in tables(schema)
    assert set(node(schema, "flight")["parents"]) == {"aircraft", "route"}
    assert "airline" in tables(author("An airline alliance of 12 airlines flying 400 routes"))


def test_a_shops_orders_keep_their_lines_and_products() -> None:
    """The lead's case: 'customers and their orders' lost the products and order lines when
    every unnamed template table was left out; the payments still go."""
    schema = author("An online shop with 2,000 customers and their orders in 2024")
    assert {"customer", "order", "order_item", "product"} <= tables(schema)
    assert "payment" not in tables(schema)


def test_a_bare_field_gets_its_core_tables_not_item_and_event() -> None:
    """'a bank', 'a vet clinic': a generic `item`/`event` pair before."""
    assert {"customer", "account", "transaction"} <= tables(author("a bank"))
    vet = author("a vet clinic")
    assert {"pet", "vet_visit"} <= tables(vet)
    assert not {"item", "event"} & tables(vet)


def test_a_rate_per_semester_holds_over_one_semester() -> None:
    """u3: '4 to 6 courses per semester' was 'not modelled: no table for semester'."""
    schema = author(
        "A university registrar: 900 professors, 25,000 students, each student takes 4 to 6 "
        "courses per semester."
    )
    assert (schema["timeframe"]["start"], schema["timeframe"]["end"]) == (
        "2024-09-01",
        "2025-01-01",
    )
    enrollment = node(schema, "enrollment")
    assert enrollment["parents"][0] == "student"
    assert enrollment["fanout"] == {"distribution": "uniform", "min": 4, "max": 6}
    claim = next(c for c in schema["claims"] if c["text"] == "4 to 6 courses per semester")
    assert claim["bound_to"]["measure"] == "fanout"
    assert "semester" not in tables(schema)


def test_a_counted_compound_names_the_table_and_a_gerund_its_subjects_events() -> None:
    """'300 farmers delivering milk daily to 5 collection centers': a `center` table (the
    claim '5 collection centers' found no table) and a `warehouse` the deliveries hung from."""
    schema = author(
        "A farm cooperative of 300 farmers delivering milk daily to 5 collection centers in 2024"
    )
    assert planned(schema)["collection_center"] == 5
    assert not {"center", "warehouse"} & tables(schema)
    assert node(schema, "delivery")["parents"] == ["farmer", "collection_center"]


def test_a_total_holds_with_a_fanout_clamped_at_one() -> None:
    """The lead's unseen insurer: '70,000 policies' over 50,000 policyholders planned 82,294
    (poisson 1.4 clamped at min 1 has a mean of 1.65)."""
    schema = author("An insurance company with 50,000 policyholders, 70,000 policies in 2023")
    policy = node(schema, "policy")
    assert policy["fanout"]["min"] == 1
    assert 69_000 <= planned(schema)["policy"] <= 71_000


def test_a_verb_after_a_plural_subject_and_its_particle_is_no_table() -> None:
    """The lead's unseen gym: 'members check in 8 times a month' made a `check` table."""
    schema = author(
        "A gym chain with 10 locations and 15,000 members; members check in 8 times a month "
        "on average."
    )
    assert "check" not in tables(schema)
    visits = next(n for n in schema["nodes"] if n["kind"] == "fact")
    assert visits["parents"][0] == "member"


def test_who_visits_is_the_plural_subject_of_the_verb_not_a_new_patient() -> None:
    """Lead's food bank: 'households visit' brought a health `patient` (5,000 rows) beside the
    households; the household does the visits, and a visit word takes the lexicon's reading
    whose parents the text names (a pantry visit, not a clinic's)."""
    schema = author(
        "A food bank network: 20 pantries, 5,000 households registered, households visit "
        "about 3 times a month, and 40% of households have children."
    )
    assert tables(schema) == {"pantry", "household", "visit"}
    visit = node(schema, "visit")
    assert visit["parents"][0] == "household"
    assert "pantry" in visit["parents"]
    assert "fee" not in {c["name"] for c in visit["columns"]}
    rows = planned(schema)
    assert rows["household"] == 5_000
    assert 150_000 <= rows["visit"] <= 210_000  # 3 a month over 2024


def test_a_thing_that_makes_trips_still_gets_its_riders() -> None:
    """'each scooter makes 6 trips': the scooter is no rider; only 'riders ride' would say so."""
    schema = author("A scooter company: 3,000 scooters, each scooter makes about 6 trips a day.")
    assert "rider" in tables(schema)


def test_readings_belong_to_the_device_named_not_to_an_added_meter() -> None:
    """Lead's solar farm: the readings landed under an added `meter` (5,500 rows)."""
    schema = author("A solar farm with 2,000 panels; readings every 15 minutes in March 2024.")
    assert tables(schema) == {"panel", "reading"}
    assert node(schema, "reading")["parents"] == ["panel"]
    unknown = author("A brewery with 40 fermentation tanks; readings every 10 minutes in May 2024.")
    assert "meter" not in tables(unknown)
    assert node(unknown, "reading")["parents"][0] == "fermentation_tank"
    assert planned(unknown)["reading"] == 40 * 31 * 144


def test_an_enormous_regular_series_is_generated_for_fewer_devices_and_says_so() -> None:
    """Lead's solar farm: readings every minute over a year made 15.8M rows, uncapped."""
    schema = author("A solar farm with 30 inverters reporting readings every minute in 2024.")
    rows = planned(schema)
    assert rows["reading"] <= 10_000_000
    assert rows["reading"] == rows["inverter"] * 527_040  # every series whole
    assert "15,811,200 rows" in notes(schema)
    assert "--rows inverter=30" in notes(schema)


def test_a_marketplace_products_belong_to_the_sellers_named() -> None:
    """Lead's handmade marketplace: the orders reached no seller (the sellers hung only from
    an added `seller_review`); the products are the sellers', a few each."""
    schema = author(
        "A marketplace for handmade goods: 2,000 sellers, 60,000 buyers, 150,000 orders in "
        "2024; each order has 1 to 3 items, 4% of orders are disputed, and sellers ship "
        "within 1 to 5 days."
    )
    assert "seller_review" not in tables(schema)
    product = node(schema, "product")
    assert any(c["name"] == "seller_id" for c in product["columns"])
    assert node(schema, "order_item")["parents"] == ["order", "product"]
    rows = planned(schema)
    assert rows["seller"] == 2_000
    assert rows["product"] >= 2_000


def test_lines_of_an_order_are_order_lines_not_production_lines() -> None:
    """Lead's warehouse: 'each purchase order has 1 to 10 lines' made a `line` of machines."""
    schema = author(
        "A warehouse with 5,000 products and 200 suppliers; each purchase order has 1 to 10 "
        "lines, and 5% of deliveries arrive late."
    )
    assert "line" not in tables(schema)
    lines = node(schema, "order_line")
    assert lines["parents"][0] == "order"
    assert lines["fanout"] == {"distribution": "uniform", "min": 1, "max": 10}
    assert any(c["name"] == "product_id" for c in lines["columns"])


def test_a_car_rental_is_rented_by_customers_not_riders() -> None:
    """Lead's car rental: the renters were a mobility `rider` table with scooter columns."""
    schema = author(
        "A car rental company with 12 branches and 1,800 cars; 45,000 rentals in 2024, "
        "rentals last 1 to 14 days, 6% of rentals are returned late, and SUVs are 30% of "
        "the fleet."
    )
    assert "rider" not in tables(schema)
    rental = node(schema, "rental")
    assert rental["parents"][0] == "customer"
    assert {"car", "branch"} <= set(rental["parents"])
    assert "unlocked_at" not in {c["name"] for c in rental["columns"]}
    assert 40_000 <= planned(schema)["rental"] <= 50_000


def test_an_acronym_plural_names_its_events() -> None:
    """Lead's 'each engineer opens 10 PRs a month': the PRs were unread."""
    schema = author(
        "A software company with 300 engineers where each engineer opens 10 PRs a month."
    )
    pulls = node(schema, "pull_request")
    assert pulls["parents"][0] == "engineer"
    assert 110 <= pulls["fanout"]["lambda"] <= 130  # 10 a month over 2024


def test_a_verb_after_its_plural_subject_counts_the_subjects_events() -> None:
    """'members attend twice a week' made a table `attend` (a thing, 300 rows)."""
    schema = author(
        "A gym with 3 locations and 5k members; classes (yoga, spin, HIIT) run hourly "
        "6am-9pm; members attend twice a week."
    )
    assert "attend" not in tables(schema)
    booking = next(n for n in schema["nodes"] if n["kind"] == "fact")
    assert booking["parents"][0] == "member"
    assert 100 <= booking["fanout"]["lambda"] <= 110  # twice a week over 2024


def test_adjectives_and_units_are_no_tables_and_unstated_rates_stay_sane() -> None:
    """'90,000 smart water meters' made `smart` (90,000 rows); their readings at the typical
    rate made 64.8M rows; 'tonnes' made `tonne`."""
    schema = author(
        "A water utility with 90,000 smart water meters read hourly for January 2024; leaks "
        "flagged on 1% of readings."
    )
    assert "smart" not in tables(schema)
    rows = planned(schema)
    assert rows["meter"] == 90_000
    assert rows["reading"] <= 5_500_000
    assert "64,800,000 rows" in notes(schema)
    vineyard = author(
        "A vineyard with 30 plots; harvests every autumn, yields between 4 and 9 tonnes per "
        "hectare (2020-2024)."
    )
    assert tables(vineyard) == {"plot", "harvest"}
