"""A share claim's binding must measure what its phrase names, whoever bound it."""

from __future__ import annotations

from typing import Any

import pytest

from datagen.agent.claims import bind_claims, extract_claims
from datagen.agent.claims.verify import binding_mismatch
from datagen.agent.offline.provider import author
from datagen.engine import dsl

BOOKINGS: dict[str, Any] = {
    "version": "1.0",
    "timeframe": {"start": "2024-01-01", "end": "2025-01-01"},
    "nodes": [
        {"id": "hotel_booking", "kind": "entity", "rows": 50, "pk": "hotel_booking_id",
         "columns": [
            {"name": "hotel_booking_id", "type": "int", "generator": {"sequence": {}}},
            {"name": "channel", "type": "string", "generator": {"choice": {
                "choices": ["direct", "booking_com", "expedia"]}}},
            {"name": "status", "type": "string", "generator": {"choice": {
                "choices": ["completed", "cancelled", "paid"]}}},
            {"name": "paid", "type": "bool", "generator": {"choice": {
                "choices": [True, False]}}},
         ]},
    ],
}  # fmt: skip


def authored(text: str, where: str) -> dsl.Claim:
    claim = extract_claims(text)[0]
    binding = {"measure": "share", "table": "hotel_booking", "where": where}
    return claim.model_copy(
        update={"bound_to": dsl.ClaimBinding.model_validate(binding), "status": "bound"}
    )


@pytest.mark.parametrize(
    ("text", "where", "wrong"),
    [
        # the value shares only the table's noun: a channel is no cancellation
        ("8% of bookings are cancelled", "channel == 'booking_com'", "not what"),
        ("8% of bookings are cancelled", "status == 'cancelled'", None),
        # the negation dropped: 28% paid is not 28% never paid
        ("28% of bookings are never paid", "paid == true", "negation"),
        ("28% of bookings are never paid", "paid == false", None),
        ("28% of bookings are never paid", "status != 'paid'", None),
        # the qualifier dropped: paid is not paid late
        ("25% of bookings are paid late", "status == 'paid'", "late"),
    ],
)
def test_a_binding_must_name_the_phrases_state(text: str, where: str, wrong: str | None) -> None:
    dataset = dsl.Dataset.model_validate(BOOKINGS)
    claim = authored(text, where)
    assert claim.bound_to is not None
    found = binding_mismatch(dataset, claim, claim.bound_to)
    if wrong is None:
        assert found is None
    else:
        assert found is not None and wrong in found


def test_a_wrong_author_binding_is_rebound_or_not_modelled() -> None:
    dataset = dsl.Dataset.model_validate(BOOKINGS)
    rebound, _ = bind_claims(dataset, [authored("8% of bookings are cancelled", "channel == 'x'")])
    assert rebound.claims[0].bound_to is not None
    assert rebound.claims[0].bound_to.model_dump()["where"] == "status == 'cancelled'"
    lying = authored("28% of bookings are never paid", "paid == true")
    result, assumptions = bind_claims(dataset, [lying])
    assert result.claims[0].status == "not_modelled"
    assert "negation" in (result.claims[0].reason or "") and assumptions


def _binding(schema: dict[str, Any], phrase: str) -> dict[str, Any]:
    """The author's binding of a phrase, as the loop's check keeps it (verified again)."""
    from datagen.agent.claims.check import attach_claims
    from datagen.engine.load import parse_dataset

    extracted = extract_claims(schema["metadata"]["description"])
    dataset, _ = attach_claims(parse_dataset(schema), extracted)
    claim = next(c for c in dataset.claims if c.text == phrase)
    assert claim.status == "bound" and claim.bound_to is not None, claim.reason
    return claim.bound_to.model_dump()


def _weights(schema: dict[str, Any], table: str, column: str) -> dict[Any, float]:
    node = next(n for n in schema["nodes"] if n["id"] == table)
    choice = next(c for c in node["columns"] if c["name"] == column)["generator"]["choice"]
    total = sum(choice["weights"])
    return {v: w / total for v, w in zip(choice["choices"], choice["weights"], strict=True)}


def test_the_offline_author_binds_the_state_the_phrase_names() -> None:
    """u8 measured 'booking_com' for 'cancelled', u2 a status 'toed' for 'surge pricing
    applies to', u7 'listing_standard' for 'houses': each scored 100."""
    hotel = author("A hotel group with 15 hotels; 90,000 bookings in 2024, and 8% of "
                   "bookings are cancelled.")  # fmt: skip
    cancelled = _binding(hotel, "8% of bookings are cancelled")
    assert cancelled["where"] == "status == 'cancelled'"
    status = _weights(hotel, cancelled["table"], "status")
    assert status["cancelled"] == pytest.approx(0.08, 1e-3)

    rides = author("A ride-hailing app: 3,000 drivers, 600,000 rides in 2024; surge pricing "
                   "applies to 15% of rides.")  # fmt: skip
    where = _binding(rides, "surge pricing applies to 15% of rides")["where"]
    assert where == "surge_multiplier > 1"
    assert _weights(rides, "ride", "surge_multiplier")[1.0] == pytest.approx(0.85, 1e-3)

    homes = author("A real estate agency: 40 agents, 2,500 listings in 2023, 70% of listings "
                   "are houses and 30% apartments.")  # fmt: skip
    assert _binding(homes, "70% of listings are houses") == {
        "measure": "share", "table": "listing", "where": "property_type == 'house'"}  # fmt: skip
    assert _binding(homes, "30% apartments")["table"] == "listing"
    types = _weights(homes, "listing", "property_type")
    assert types["house"] == pytest.approx(0.7, 1e-3)
    assert types["apartment"] == pytest.approx(0.3, 1e-3)


def test_a_later_share_of_the_same_column_keeps_the_earlier_one() -> None:
    pets = author("A vet clinic: 9,000 pets, 30,000 appointments in 2024. Dogs are 60% of "
                  "pets, cats 35%.")  # fmt: skip
    assert _binding(pets, "cats 35%")["where"] == "species == 'cat'"
    species = _weights(pets, "pet", "species")
    assert species["dog"] == pytest.approx(0.6, 1e-3)
    assert species["cat"] == pytest.approx(0.35, 1e-3)


def test_a_negated_or_qualified_state_is_modelled_as_said() -> None:
    tickets = author("Parking officers issue tickets to vehicles in 30 zones; about 28% of "
                     "tickets are never paid")  # fmt: skip
    assert _binding(tickets, "about 28% of tickets are never paid")["where"] in (
        "paid == false", "status != 'paid'")  # fmt: skip
    invoices = author("500 clients receive invoices; a quarter of invoices are paid late")
    where = _binding(invoices, "a quarter of invoices are paid late")["where"]
    assert "late" in where


@pytest.mark.parametrize(
    ("text", "phrase", "about"),
    [
        ("Dogs are 60% of pets, cats 35%.", "cats 35%", ["cat", "pet"]),
        ("70% of listings are houses and 30% apartments", "30% apartments",
         ["apartment", "listing"]),
        ("surge pricing applies to 15% of rides", "surge pricing applies to 15% of rides",
         ["surge pricing", "ride"]),
        # a sentence apart: no rows carried over
        ("70% of listings are houses. 5% late", "5% late", ["late"]),
    ],
)  # fmt: skip
def test_shares_read_with_their_rows(text: str, phrase: str, about: list[str]) -> None:
    claims = {c.text: c for c in extract_claims(text)}
    assert claims[phrase].kind == "rate"
    assert claims[phrase].about == about


def test_a_plan_and_an_average_ticket_are_modelled() -> None:
    """'25% of subscribers are on the family plan' was 'no column value or flag matches
    subscriber'; 'average ticket $7.50' had no numeric column for `ticket`."""
    streaming = author("A streaming service: 20,000 subscribers, 5,000 titles, and 25% of "
                       "subscribers are on the family plan.")  # fmt: skip
    plan = _binding(streaming, "25% of subscribers are on the family plan")
    assert plan["where"] == "plan == 'family'"
    assert _weights(streaming, plan["table"], "plan")["family"] == pytest.approx(0.25, 1e-3)
    coffee = author("A coffee chain with 25 shops, 150,000 transactions in 2023, average "
                    "ticket $7.50.")  # fmt: skip
    ticket = _binding(coffee, "average ticket $7.50")
    assert ticket["measure"] == "mean" and ticket["table"] == "transaction"


def test_a_share_within_a_gap_must_time_the_event_it_names() -> None:
    """'12% of patients are readmitted within 30 days' set the stays' median to 54 days (so
    that 12% fell under 30: 'stays last 2 to 10 days' broke) and was bound to the days from
    birth to registration; with no readmission in the schema it is now not modelled."""
    hospital = author("A hospital with 400 beds and 25,000 admissions in 2024; stays last 2 to "
                      "10 days and 12% of patients are readmitted within 30 days.")  # fmt: skip
    assert _binding(hospital, "stays last 2 to 10 days")["measure"] == "duration"
    notes = [n for n in hospital["metadata"]["assumptions"] if "follows" in n]
    assert notes and all("median of 4.47" in n for n in notes), notes
    from datagen.agent.claims.check import attach_claims
    from datagen.engine.load import parse_dataset

    extracted = extract_claims(hospital["metadata"]["description"])
    dataset, _ = attach_claims(parse_dataset(hospital), extracted)
    readmitted = next(c for c in dataset.claims if "readmitted" in c.text)
    assert readmitted.status == "not_modelled" and "no event" in (readmitted.reason or "")


def test_genders_free_shipping_and_light_verbs_bind_to_what_they_say() -> None:
    """'40% women' was bound to `name == 'Woman Echo 9'` (a pool of generated names) and a
    `woman` table was made; '30% of orders ship for free' to `status == 'shipped'`; '3% of
    players make a purchase' read as '3% of players'."""
    dating = author("A dating app with 100,000 users; 60% of users are men, 40% women, and 5% "
                    "of swipes become matches.")  # fmt: skip
    assert "woman" not in [n["id"] for n in dating["nodes"]]
    men, women = _binding(dating, "60% of users are men"), _binding(dating, "40% women")
    assert (men["where"], women["where"]) == ("gender == 'male'", "gender == 'female'")
    genders = _weights(dating, "user", "gender")
    assert (genders["male"], genders["female"]) == (pytest.approx(0.6), pytest.approx(0.4))
    shop = author("A marketplace: 300,000 orders in 2024; 30% of orders ship for free.")
    assert "free" in _binding(shop, "30% of orders ship for free")["where"]
    game = author("A mobile game with 500,000 players; 3% of players make a purchase.")
    assert _binding(game, "3% of players make a purchase")["where"] == "made_purchase == true"


def test_the_leads_unseen_payroll_and_wind_farm_claims() -> None:
    """'overtime applies to 25% of paychecks' was split in two (a flag `overtimed_applies_to`),
    '10% of employees are contractors' measured 100% (`contractor` the only role), and
    'between 0 and 3.5 MW' was read as night hours 0-2 (and made a table `mw`)."""
    text = ("A payroll system for 800 employees paid biweekly in 2024; 10% of employees are "
            "contractors, and overtime applies to 25% of paychecks.")  # fmt: skip
    claims = {c.text: c for c in extract_claims(text)}
    assert claims["overtime applies to 25% of paychecks"].about == ["overtime", "paycheck"]
    payroll = author(text)
    role = _binding(payroll, "10% of employees are contractors")
    assert role["where"] == "role == 'contractor'"
    assert _weights(payroll, "employee", "role")["contractor"] == pytest.approx(0.1, 1e-3)
    wind = ("A wind farm with 40 turbines reporting power output every 10 minutes during 2024; "
            "output is between 0 and 3.5 MW and turbines are offline 3% of the time.")  # fmt: skip
    read = {c.text: c for c in extract_claims(wind)}
    assert "between 0 and 3" not in read
    assert read["output is between 0 and 3.5 MW"].kind == "range"
    assert read["output is between 0 and 3.5 MW"].about == ["output"]
    assert "mw" not in [n["id"] for n in author(wind)["nodes"]]


def test_an_irregular_past_names_its_verb() -> None:
    """'the higher-ranked team wins 65% of matches' bound to `is_won`: 'wins' is 'won'."""
    dataset = dsl.Dataset.model_validate({
        "version": "1.0",
        "nodes": [{"id": "match", "kind": "entity", "rows": 9, "pk": "match_id", "columns": [
            {"name": "match_id", "type": "int", "generator": {"sequence": {}}},
            {"name": "is_won", "type": "bool", "generator": {"choice": {
                "choices": [True, False]}}}]}],
    })  # fmt: skip
    claim = extract_claims("the higher-ranked team wins 65% of matches")[0]
    binding = dsl.ClaimBinding.model_validate(
        {"measure": "share", "table": "match", "where": "is_won == true"}
    )
    assert binding_mismatch(dataset, claim, binding) is None
    lost = dsl.ClaimBinding.model_validate(
        {"measure": "share", "table": "match", "where": "is_won == false"}
    )
    assert "denies" in (binding_mismatch(dataset, claim, lost) or "")


def test_a_groups_average_spend_is_measured_on_the_group() -> None:
    """'paying users spend $20 a month on average' was unread: it is the mean monthly spend
    of the paying players (0 for the others)."""
    text = ("An online game with 10,000 players; 5% of players are paying users, and paying "
            "users spend $20 a month on average.")  # fmt: skip
    claims = {c.text: c for c in extract_claims(text)}
    spend = claims["paying users spend $20 a month on average"]
    assert spend.kind == "average" and spend.expected.value == 20.0
    game = author(text)
    binding = _binding(game, "paying users spend $20 a month on average")
    assert binding == {"measure": "mean", "table": "player", "column": "monthly_spend",
                       "where": "is_paying == true"}  # fmt: skip


def _bookings_with(*columns: dict[str, Any]) -> dsl.Dataset:
    spec = {**BOOKINGS, "nodes": [{**BOOKINGS["nodes"][0]}]}
    spec["nodes"][0]["columns"] = [*BOOKINGS["nodes"][0]["columns"], *columns]
    return dsl.Dataset.model_validate(spec)


@pytest.mark.parametrize(
    ("text", "binding", "wrong"),
    [
        # 'through OTAs' narrows the rows: the booked ones of any channel are not those
        ("18% booked through OTAs", {"where": "status == 'booked'"}, "ota"),
        ("18% booked through OTAs", {"where": "channel == 'ota'"}, None),
        ("8% of bookings are by casual guests", {"where": "status == 'completed'"}, "casual"),
        # an amount measured on a column its words do not name
        ("an average lead time of 30 days", {"measure": "mean", "column": "nights"}, "lead"),
        ("an average lead time of 30 days", {"measure": "mean", "column": "lead_time_days"}, None),
        ("bookings average 3 nights", {"measure": "mean", "column": "nights"}, None),
    ],
)
def test_a_binding_keeps_every_narrowing_word(
    text: str, binding: dict[str, Any], wrong: str | None
) -> None:
    """Score lies of the lead's hotel (round 7): '18% booked through OTAs' measured on
    `status == 'booked'` and 'an average lead time of 30 days' on `nights`, both honoured."""
    number = {
        "type": "int",
        "generator": {"distribution": {"type": "poisson", "params": {"lam": 3}}},
    }
    dataset = _bookings_with({"name": "nights", **number}, {"name": "lead_time_days", **number})
    claim = extract_claims(text)[0]
    assert text in claim.text
    bound = dsl.ClaimBinding.model_validate(
        {"measure": "share", "table": "hotel_booking", **binding}
    )
    found = binding_mismatch(dataset, claim, bound)
    if wrong is None:
        assert found is None
    else:
        assert found is not None and wrong in found


def test_the_offline_author_binds_the_channel_and_the_lead_time() -> None:
    schema = author(
        "4 hotels, 70,000 reservations in 2024 with 18% booked through OTAs and an average "
        "lead time of 30 days."
    )
    bound = {c["text"]: c.get("bound_to") for c in schema["claims"]}
    ota = bound["18% booked through OTAs"]
    lead = bound["an average lead time of 30 days"]
    assert ota is not None and "ota" in ota["where"]
    assert lead is not None and "lead" in lead["column"]


def test_a_randomised_allocation_is_an_arm_column() -> None:
    """The lead's clinical trial (round 7) scored 100 with 'randomised 1:1 to drug or
    placebo' unread: it is the patients' arm, half of them on the drug."""
    text = "Clinical trial: 3 sites, 450 patients randomised 1:1 to drug or placebo."
    claim = next(c for c in extract_claims(text) if "randomised" in c.text)
    assert claim.kind == "share" and claim.expected.value == 0.5
    bound = next(c for c in author(text)["claims"] if "randomised" in c["text"])["bound_to"]
    assert bound == {"measure": "share", "table": "patient", "where": "arm == 'drug'"}
