"""Generic tables for nouns no blueprint knows: a person, a place, a thing, or an event.

Used to add a table the description names ("with tables stores, ...") and to
build a whole schema when the description is in no known domain.
"""

from __future__ import annotations

from typing import Any

from datagen.agent.offline.blueprints import Blueprint
from datagen.agent.offline.blueprints.parts import (
    DOW_MILD,
    HOUR_CONSUMER,
    entity,
    fact,
    fake,
    fk,
    num,
    person,
    pick,
    ts,
)
from datagen.agent.offline.lexicon.columns import generator_for_column

PERSON_NOUNS = {
    "user",
    "customer",
    "member",
    "player",
    "person",
    "client",
    "patient",
    "student",
    "employee",
    "driver",
    "author",
    "artist",
    "athlete",
    "subscriber",
    "visitor",
    "guest",
    "reader",
    "listener",
    "viewer",
    "volunteer",
    "donor",
    "voter",
    "tenant",
    "owner",
    "pet_owner",
    "agent",
    "seller",
    "buyer",
    "contact",
    "lead",
    "candidate",
    "applicant",
    "participant",
    "attendee",
    "fan",
    "wizard",
    "pilot",
    "doctor",
    "teacher",
    "coach",
    "musician",
    "chef",
    "farmer",
    "runner",
    "gamer",
    "character",
    "hero",
    "staff",
    "worker",
    "influencer",
    "creator",
    "host",
    "traveler",
    "trainer",
    "policyholder",
    "cardholder",
    "instructor",
    "mentor",
    "borrower",
    "resident",
    "citizen",
    "child",
    "parent",
}
PLACE_NOUNS = {
    "store",
    "shop",
    "location",
    "site",
    "branch",
    "office",
    "venue",
    "restaurant",
    "hotel",
    "warehouse",
    "school",
    "hospital",
    "clinic",
    "gym",
    "library",
    "museum",
    "park",
    "castle",
    "city",
    "farm",
    "station",
    "airport",
    "stadium",
    "theater",
    "theatre",
    "cinema",
    "campus",
    "building",
    "region",
    "market",
    "kitchen",
    "garage",
    "lab",
    "club",
    "bar",
    "cafe",
    "salon",
}
EVENT_NOUNS = {
    "event",
    "click",
    "view",
    "page_view",
    "visit",
    "log",
    "login",
    "transaction",
    "message",
    "call",
    "order",
    "purchase",
    "sale",
    "booking",
    "reservation",
    "session",
    "game",
    "match",
    "play",
    "stream",
    "ride",
    "trip",
    "donation",
    "payment",
    "review",
    "rating",
    "vote",
    "post",
    "comment",
    "like",
    "check_in",
    "checkin",
    "appointment",
    "incident",
    "ticket",
    "request",
    "sighting",
    "observation",
    "reading",
    "measurement",
    "attempt",
    "spell",
    "quest",
    "battle",
    "workout",
    "run",
    "shift",
    "delivery",
    "rental",
    "loan",
    "borrow",
    "checkout",
    "lesson",
    "flight",
    "race",
    "episode",
    "song_play",
    "listen",
    "download",
    "upload",
    "transfer",
    "harvest",
    "adoption",
    "inspection",
    "repair",
    "visit_log",
    "entry",
    "activity",
    "action",
    "repayment",
    "result",
    "test",
    "vaccination",
    "claim",
    "invoice",
    "bill",
    "note",
    "score",
    "installment",
    "treatment",
    "feeding",
    "checkup",
    "meeting",
    "tournament",
}


def generic_entity(table: str, rows: int = 500) -> dict[str, Any]:
    """A person, a place or a thing, judged by the noun."""
    last = table.split("_")[-1]
    if is_person_noun(table):
        columns = [*person(), ts("created_at", "@history")]
    elif table in PLACE_NOUNS or last in PLACE_NOUNS:
        columns = [
            fake("name", "company"),
            pick("country", ["US", "GB", "DE", "FR"], [0.55, 0.2, 0.15, 0.1]),
            fake("city", "city", locale_from="country"),
            ts("opened_at", "@history"),
        ]
    else:
        columns = [
            generator_for_column(table, "name")[0],
            pick("category", ["standard", "premium", "basic", "special"], [0.45, 0.2, 0.25, 0.1]),
            num("value", "lognormal", (0.5, 10_000.0), mean=3.5, sigma=0.8),
            ts("created_at", "@history"),
        ]
    return entity(table, rows, columns)


def generic_event(
    table: str, parent: str, lam: float = 5.0, *, refs: list[str] | None = None
) -> dict[str, Any]:
    """Timestamped rows per parent row, with an optional skewed FK to each of `refs`."""
    columns = [fk(ref, skew="zipf@1.1") for ref in refs or []]
    columns += [
        ts("occurred_at", dow=DOW_MILD, hour=HOUR_CONSUMER),
        pick("status", ["completed", "pending", "cancelled"], [0.85, 0.1, 0.05]),
        num("amount", "lognormal", (0.0, 10_000.0), mean=3.2, sigma=0.9),
    ]
    return fact(table, parent, lam, columns, extra_parents=list(refs or []))


def is_event_noun(noun: str) -> bool:
    last = noun.split("_")[-1]
    # 'crossings', 'screenings', 'bookings': a noun in -ing names something that happens
    return noun in EVENT_NOUNS or last in EVENT_NOUNS or (len(last) > 6 and last.endswith("ing"))


# staff roles and trades, and the endings of such nouns ('dispatcher', 'hygienist')
WORKER_NOUNS = {
    "dispatcher", "cashier", "clerk", "guard", "janitor", "receptionist", "courier", "mechanic",
    "technician", "inspector", "auditor", "planner", "scheduler", "cleaner", "porter",
    "concierge", "usher", "steward", "attendant", "referee", "tutor", "lecturer", "cook",
    "waiter", "waitress", "bartender", "barista", "plumber", "electrician", "firefighter",
    "paramedic", "midwife", "caregiver", "nanny", "volunteer", "intern", "trainee", "partner",
    "associate", "apprentice", "contractor", "freelancer", "consultant", "accountant",
    "engineer", "developer", "designer", "manager", "director", "supervisor", "officer",
    "analyst", "broker", "dealer", "adjuster", "underwriter", "teller", "banker", "surveyor",
}  # fmt: skip
PERSON_ENDINGS = ("ist", "ician", "arian", "ologist")


def is_person_noun(noun: str) -> bool:
    last = noun.split("_")[-1]
    return (
        noun in PERSON_NOUNS
        or last in PERSON_NOUNS
        or last in WORKER_NOUNS
        or (len(last) > 5 and last.endswith(PERSON_ENDINGS))
    )


def generic_blueprint(nouns: list[str]) -> Blueprint:
    """A schema from the nouns found: the first person-like noun (or the first noun) is the
    entity, the first event-like noun (or the second noun) its events, the rest things the
    events point at."""
    nouns = list(dict.fromkeys(nouns))
    if not nouns:
        nouns = ["item", "event"]
    people = [n for n in nouns if is_person_noun(n)]
    events = [n for n in nouns if is_event_noun(n) and n not in people]
    main = people[0] if people else next((n for n in nouns if n not in events), None)
    if main is None:
        main = "user" if "user" not in nouns else "account"
    rest = [n for n in nouns if n != main]
    event = events[0] if events else (rest[0] if rest else f"{main}_event")
    others = [n for n in rest if n != event][:3]
    nodes = [generic_entity(main, 1000)]
    nodes += [generic_entity(n, 200) for n in others]
    nodes.append(generic_event(event, main, 5.0, refs=others))
    signup = next(c["name"] for c in nodes[0]["columns"] if c["type"] == "datetime")
    country = "country" if any(c["name"] == "country" for c in nodes[0]["columns"]) else None
    return Blueprint(
        domain="generic",
        title="generic (built from the nouns in the description)",
        keywords={},
        nodes=nodes,
        main_entity=main,
        main_fact=event,
        time_column="occurred_at",
        amount_column="amount",
        signup_column=signup,
        country_column=country,
        synonyms={},
        inequalities=[(f"{event}.occurred_at", ">=", f"{main}.{signup}")],
        ranges=[(f"{event}.amount", 0, None)],
        means=[],
        popular_fk=f"{event}.{others[0]}_id" if others else None,
    )
