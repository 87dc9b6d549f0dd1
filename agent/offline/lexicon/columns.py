"""A column from its name: `generator_for_column(table, column, dsl_type)`.

Used wherever a column appears without a generator: the offline author's
tables, the DDL import, and columns added in the chat. Each rule below is one
small function that either recognises the name and returns a DSL column dict
with a short reason, or returns None; the first rule that recognises the name
wins, and a declared DSL type (from DDL) is honoured over the guess.

Money is lognormal with its `mean` in log space (ln of the median) and is
rounded to cents; categorical columns get plausible vocabularies with
weights; names are people's names only for people, company names only for
companies, and generated names (see names.py) for everything else.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from datagen.agent.offline.lexicon.names import NameKind, names_for, title_case

Col = dict[str, Any]
Guess = tuple[Col, str]
Rule = Callable[[str, str], Guess | None]

DSL_TYPES = ("int", "float", "string", "bool", "date", "datetime")
BIRTH_WINDOW = {"start": "1950-01-01", "end": "2007-01-01"}

PERSON_TABLES = {
    "user", "customer", "member", "player", "person", "client", "patient", "student",
    "employee", "driver", "rider", "passenger", "author", "artist", "athlete", "subscriber",
    "visitor", "guest", "reader", "listener", "viewer", "volunteer", "donor", "voter",
    "tenant", "owner", "agent", "buyer", "contact", "lead", "candidate", "applicant",
    "participant", "attendee", "fan", "pilot", "doctor", "physician", "nurse", "teacher",
    "coach", "musician", "chef", "farmer", "gamer", "staff", "worker", "influencer",
    "creator", "host", "traveler", "traveller", "trainer", "policyholder", "cardholder",
    "instructor", "mentor", "borrower", "resident", "citizen", "officer", "vet",
    "veterinarian", "technician", "engineer", "developer", "manager", "courier",
    "lawyer", "attorney", "judge", "scientist", "researcher", "professor", "learner",
    "account_holder", "investor", "trader", "shopper", "recipient", "sender", "caller",
    "representative", "rep", "salesperson", "inspector", "clinician", "therapist",
    "dentist", "pharmacist", "surgeon", "caregiver", "parent", "guardian", "child",
    "beneficiary", "claimant", "defendant", "plaintiff", "witness", "speaker", "mechanic",
}  # fmt: skip
COMPANY_TABLES = {
    "company", "supplier", "vendor", "merchant", "carrier", "airline", "bank", "insurer",
    "manufacturer", "brand", "publisher", "label", "studio", "distributor", "partner",
    "organization", "organisation", "employer", "sponsor", "advertiser", "shipper",
    "client_company", "firm", "law_firm", "agency", "lender", "broker", "utility",
    "operator", "provider", "payer", "retailer", "wholesaler", "seller", "exchange",
    "charity", "nonprofit", "contractor", "startup", "tenant_company", "account",
}  # fmt: skip
PLACE_TABLES = {
    "store", "shop", "location", "site", "branch", "office", "venue", "restaurant", "hotel",
    "warehouse", "school", "hospital", "clinic", "gym", "library", "museum", "park", "farm",
    "station", "stadium", "theater", "theatre", "cinema", "campus", "building", "market",
    "kitchen", "garage", "lab", "laboratory", "club", "bar", "cafe", "salon", "plant",
    "factory", "depot", "hub", "terminal", "port", "property", "facility", "pharmacy",
    "bakery", "court", "courthouse", "precinct", "district", "zone", "ward", "field",
    "charging_station", "substation", "dealership", "outlet", "center", "centre", "lot",
    "parking_lot", "airport", "marina", "resort", "camp", "shelter", "studio_space",
}  # fmt: skip
TITLE_TABLES = {
    "book", "movie", "film", "show", "series", "episode", "song", "track", "album",
    "podcast", "article", "post", "course", "game", "video", "playlist", "channel",
    "newsletter", "campaign", "project", "paper", "publication", "program", "programme",
}  # fmt: skip
TEAM_TABLES = {"team", "squad", "club_team", "franchise"}
PRODUCT_TABLES = {"product", "item", "sku", "article", "good", "merchandise", "listing", "offer",
                  "menu_item", "dish", "part", "component", "gift", "toy", "device_model"}  # fmt: skip

STATUSES: dict[str, tuple[list[str], list[float]]] = {
    "order": (
        ["placed", "shipped", "delivered", "cancelled", "returned"],
        [0.05, 0.1, 0.75, 0.05, 0.05],
    ),
    "payment": (["succeeded", "failed", "refunded", "pending"], [0.9, 0.04, 0.03, 0.03]),
    "transaction": (["completed", "pending", "failed", "reversed"], [0.93, 0.03, 0.03, 0.01]),
    "invoice": (["paid", "open", "overdue", "void"], [0.75, 0.12, 0.1, 0.03]),
    "ticket": (["open", "pending", "solved", "closed"], [0.15, 0.1, 0.25, 0.5]),
    "appointment": (
        ["completed", "scheduled", "cancelled", "no_show"],
        [0.78, 0.08, 0.08, 0.06],
    ),
    "booking": (["confirmed", "completed", "cancelled", "no_show"], [0.1, 0.75, 0.11, 0.04]),
    "reservation": (
        ["confirmed", "completed", "cancelled", "no_show"],
        [0.1, 0.75, 0.11, 0.04],
    ),
    "shipment": (
        ["created", "in_transit", "delivered", "delayed", "lost"],
        [0.05, 0.12, 0.76, 0.06, 0.01],
    ),
    "delivery": (["delivered", "in_transit", "failed", "returned"], [0.85, 0.08, 0.04, 0.03]),
    "claim": (
        ["submitted", "in_review", "approved", "denied", "paid"],
        [0.1, 0.1, 0.2, 0.15, 0.45],
    ),
    "loan": (["active", "paid_off", "late", "default"], [0.6, 0.3, 0.07, 0.03]),
    "application": (
        ["submitted", "screening", "interview", "offer", "rejected", "hired"],
        [0.3, 0.2, 0.15, 0.05, 0.25, 0.05],
    ),
    "subscription": (["active", "trialing", "past_due", "cancelled"], [0.7, 0.08, 0.04, 0.18]),
    "trip": (["completed", "cancelled", "no_show"], [0.9, 0.08, 0.02]),
    "ride": (["completed", "cancelled", "no_show"], [0.9, 0.08, 0.02]),
    "flight": (["on_time", "delayed", "cancelled", "diverted"], [0.78, 0.18, 0.03, 0.01]),
    "task": (["todo", "in_progress", "blocked", "done"], [0.25, 0.2, 0.05, 0.5]),
    "issue": (["open", "in_progress", "resolved", "closed"], [0.2, 0.15, 0.25, 0.4]),
    "incident": (["open", "investigating", "resolved", "closed"], [0.1, 0.1, 0.3, 0.5]),
    "work_order": (["open", "in_progress", "on_hold", "completed"], [0.15, 0.15, 0.05, 0.65]),
    "case": (["open", "pending", "closed", "dismissed"], [0.3, 0.2, 0.4, 0.1]),
    "enrollment": (["enrolled", "completed", "withdrawn", "failed"], [0.25, 0.6, 0.1, 0.05]),
    "deployment": (["succeeded", "failed", "rolled_back"], [0.9, 0.07, 0.03]),
    "build": (["passed", "failed", "cancelled"], [0.82, 0.15, 0.03]),
    "job": (["succeeded", "failed", "running", "queued"], [0.85, 0.07, 0.04, 0.04]),
    "device": (["online", "offline", "maintenance"], [0.88, 0.08, 0.04]),
    "sensor": (["online", "offline", "maintenance"], [0.9, 0.07, 0.03]),
    "listing": (["active", "sold", "expired", "withdrawn"], [0.45, 0.35, 0.12, 0.08]),
    "policy": (["active", "lapsed", "cancelled", "expired"], [0.75, 0.08, 0.07, 0.1]),
    "account": (["active", "dormant", "closed", "frozen"], [0.82, 0.1, 0.07, 0.01]),
    "match": (["finished", "scheduled", "postponed"], [0.9, 0.07, 0.03]),
    "permit": (["approved", "pending", "rejected", "expired"], [0.6, 0.2, 0.1, 0.1]),
    "request": (["open", "in_progress", "closed"], [0.15, 0.15, 0.7]),
    "visit": (["completed", "cancelled", "no_show"], [0.88, 0.07, 0.05]),
    "loan_item": (
        ["returned", "returned_late", "on_loan", "overdue", "lost"],
        [0.62, 0.08, 0.18, 0.1, 0.02],
    ),
    "checkout": (
        ["returned", "returned_late", "on_loan", "overdue", "lost"],
        [0.62, 0.08, 0.18, 0.1, 0.02],
    ),
}
DEFAULT_STATUS = (["active", "inactive", "suspended"], [0.85, 0.12, 0.03])
ENTITY_STATUS = DEFAULT_STATUS

CATEGORIES: dict[str, tuple[list[Any], list[float] | None]] = {
    "gender": (["female", "male", "non_binary"], [0.49, 0.49, 0.02]),
    "sex": (["female", "male"], [0.5, 0.5]),
    "plan": (["free", "basic", "pro", "enterprise"], [0.55, 0.25, 0.15, 0.05]),
    "tier": (["bronze", "silver", "gold", "platinum"], [0.5, 0.3, 0.15, 0.05]),
    "membership": (["standard", "premium", "vip"], [0.7, 0.25, 0.05]),
    "priority": (["low", "medium", "high", "urgent"], [0.3, 0.45, 0.2, 0.05]),
    "severity": (["low", "medium", "high", "critical"], [0.4, 0.35, 0.2, 0.05]),
    "level": (["beginner", "intermediate", "advanced"], [0.45, 0.38, 0.17]),
    "channel": (["web", "mobile_app", "in_store", "phone"], [0.45, 0.35, 0.15, 0.05]),
    "device": (["mobile", "desktop", "tablet"], [0.58, 0.35, 0.07]),
    "device_type": (["mobile", "desktop", "tablet"], [0.58, 0.35, 0.07]),
    "platform": (["ios", "android", "web"], [0.4, 0.42, 0.18]),
    "os": (["android", "ios", "windows", "macos", "linux"], [0.38, 0.27, 0.2, 0.1, 0.05]),
    "browser": (["chrome", "safari", "edge", "firefox", "samsung"], [0.63, 0.2, 0.06, 0.06, 0.05]),
    "payment_method": (
        ["card", "paypal", "bank_transfer", "apple_pay", "cash"],
        [0.55, 0.18, 0.1, 0.12, 0.05],
    ),
    "method": (["card", "bank_transfer", "wallet", "cash"], [0.6, 0.15, 0.15, 0.1]),
    "segment": (["consumer", "small_business", "enterprise"], [0.7, 0.22, 0.08]),
    "size": (["S", "M", "L", "XL"], [0.2, 0.35, 0.3, 0.15]),
    "region": (["north", "south", "east", "west"], None),
    "blood_type": (
        ["O+", "A+", "B+", "AB+", "O-", "A-", "B-", "AB-"],
        [0.38, 0.34, 0.09, 0.03, 0.07, 0.06, 0.02, 0.01],
    ),
    "marital_status": (["single", "married", "divorced", "widowed"], [0.4, 0.45, 0.1, 0.05]),
    "employment_type": (["full_time", "part_time", "contractor"], [0.78, 0.14, 0.08]),
    "department": (
        ["engineering", "sales", "marketing", "finance", "operations", "support", "hr"],
        [0.3, 0.18, 0.1, 0.08, 0.16, 0.12, 0.06],
    ),
    "role": (["member", "admin", "owner", "viewer"], [0.7, 0.12, 0.03, 0.15]),
    "source": (
        ["organic", "paid_search", "social", "referral", "email"],
        [0.35, 0.25, 0.2, 0.1, 0.1],
    ),
    "utm_source": (
        ["google", "facebook", "newsletter", "direct", "twitter"],
        [0.4, 0.2, 0.15, 0.2, 0.05],
    ),
    "referrer": (
        ["google", "direct", "facebook", "newsletter", "partner"],
        [0.42, 0.3, 0.14, 0.09, 0.05],
    ),
    "fuel_type": (["petrol", "diesel", "hybrid", "electric"], [0.45, 0.25, 0.18, 0.12]),
    "vehicle_type": (["car", "van", "truck", "motorcycle"], [0.7, 0.12, 0.1, 0.08]),
    "room_type": (["single", "double", "twin", "suite"], [0.2, 0.45, 0.25, 0.1]),
    "cabin_class": (["economy", "premium_economy", "business", "first"], [0.78, 0.1, 0.1, 0.02]),
    "fare_class": (["economy", "premium_economy", "business", "first"], [0.78, 0.1, 0.1, 0.02]),
    "seat_class": (["economy", "premium_economy", "business", "first"], [0.78, 0.1, 0.1, 0.02]),
    "species": (["dog", "cat", "rabbit", "bird", "other"], [0.48, 0.38, 0.05, 0.05, 0.04]),
    "breed": (
        ["mixed", "labrador", "german_shepherd", "domestic_shorthair", "poodle", "beagle"],
        [0.35, 0.15, 0.1, 0.25, 0.08, 0.07],
    ),
    "cuisine": (
        ["italian", "japanese", "mexican", "indian", "chinese", "american", "thai"],
        [0.2, 0.12, 0.15, 0.12, 0.15, 0.18, 0.08],
    ),
    "genre": (
        ["drama", "comedy", "thriller", "documentary", "sci_fi", "romance", "horror"],
        [0.24, 0.2, 0.14, 0.12, 0.1, 0.12, 0.08],
    ),
    "language": (["en", "es", "fr", "de", "pt", "ja"], [0.55, 0.15, 0.08, 0.08, 0.08, 0.06]),
    "currency": (["USD", "EUR", "GBP", "JPY", "CAD"], [0.55, 0.25, 0.1, 0.05, 0.05]),
    "country": (["US", "GB", "DE", "FR", "ES", "CA"], [0.45, 0.15, 0.12, 0.1, 0.08, 0.1]),
    "country_code": (["US", "GB", "DE", "FR", "ES", "CA"], [0.45, 0.15, 0.12, 0.1, 0.08, 0.1]),
    "unit": (["each", "kg", "litre", "box", "pack"], [0.5, 0.15, 0.1, 0.15, 0.1]),
    "shift": (["morning", "afternoon", "night"], [0.4, 0.35, 0.25]),
    "weather": (["clear", "cloudy", "rain", "snow", "fog"], [0.45, 0.3, 0.17, 0.05, 0.03]),
    "condition": (["new", "like_new", "good", "fair", "poor"], [0.25, 0.25, 0.3, 0.15, 0.05]),
    "grade": (["A", "B", "C", "D", "F"], [0.22, 0.33, 0.27, 0.12, 0.06]),
    "result": (["pass", "fail"], [0.85, 0.15]),
    "outcome": (["success", "failure"], [0.8, 0.2]),
    "sentiment": (["positive", "neutral", "negative"], [0.55, 0.3, 0.15]),
    "risk_level": (["low", "medium", "high"], [0.6, 0.3, 0.1]),
    "event_type": (["view", "click", "add_to_cart", "purchase"], [0.62, 0.25, 0.09, 0.04]),
    "action": (["view", "click", "share", "save"], [0.6, 0.25, 0.05, 0.1]),
    "asset": (["BTC", "ETH", "SOL", "USDT", "XRP", "ADA"], [0.35, 0.25, 0.1, 0.15, 0.08, 0.07]),
    "symbol": (["BTC", "ETH", "SOL", "USDT", "XRP", "ADA"], [0.35, 0.25, 0.1, 0.15, 0.08, 0.07]),
    "side": (["buy", "sell"], [0.52, 0.48]),
    "order_type": (["market", "limit", "stop"], [0.55, 0.4, 0.05]),
    "crop": (["wheat", "corn", "soybean", "barley", "rice", "potato"], None),
    "soil_type": (["loam", "clay", "sand", "silt"], [0.4, 0.25, 0.2, 0.15]),
    "material": (["steel", "aluminium", "plastic", "wood", "glass"], [0.3, 0.2, 0.3, 0.12, 0.08]),
    "shipping_method": (["standard", "express", "next_day", "pickup"], [0.6, 0.25, 0.08, 0.07]),
    "cause": (["weather", "mechanical", "crew", "air_traffic", "other"], None),
    "reason": (
        ["price", "quality", "late_delivery", "wrong_item", "other"],
        [0.2, 0.3, 0.2, 0.15, 0.15],
    ),
    "diagnosis": (
        ["hypertension", "diabetes", "asthma", "influenza", "back_pain", "anxiety"],
        [0.22, 0.15, 0.12, 0.2, 0.18, 0.13],
    ),
    "specialty": (
        ["general_practice", "cardiology", "pediatrics", "orthopedics", "dermatology"],
        [0.4, 0.15, 0.2, 0.15, 0.1],
    ),
    "triage_level": ([1, 2, 3, 4, 5], [0.03, 0.15, 0.42, 0.3, 0.1]),
    "energy_source": (["solar", "wind", "gas", "coal", "hydro", "nuclear"], None),
    "tariff": (["standard", "time_of_use", "fixed", "green"], [0.45, 0.25, 0.2, 0.1]),
    "network_type": (["5g", "4g", "3g", "wifi"], [0.35, 0.45, 0.05, 0.15]),
    "call_type": (["voice", "video", "sms", "data"], [0.4, 0.1, 0.3, 0.2]),
    "position": (["goalkeeper", "defender", "midfielder", "forward"], [0.1, 0.35, 0.35, 0.2]),
    "surface": (["grass", "clay", "hard", "artificial"], [0.4, 0.15, 0.3, 0.15]),
    "property_type": (
        ["apartment", "house", "townhouse", "condo", "land"],
        [0.4, 0.3, 0.12, 0.13, 0.05],
    ),
    "case_type": (["civil", "criminal", "family", "commercial"], [0.4, 0.25, 0.2, 0.15]),
    "environment": (["production", "staging", "development"], [0.5, 0.3, 0.2]),
    "log_level": (["INFO", "WARN", "ERROR", "DEBUG"], [0.7, 0.15, 0.05, 0.1]),
    "http_method": (["GET", "POST", "PUT", "DELETE"], [0.7, 0.2, 0.06, 0.04]),
    "status_code": ([200, 201, 301, 404, 500], [0.82, 0.06, 0.04, 0.06, 0.02]),
}

MONEY: dict[str, tuple[float, float, float, float]] = {
    # name: (median, sigma, low, high); lognormal mean = ln(median)
    "salary": (58_000, 0.4, 15_000, 600_000),
    "annual_income": (52_000, 0.6, 5_000, 2_000_000),
    "income": (52_000, 0.6, 5_000, 2_000_000),
    "wage": (22, 0.35, 7, 200),
    "hourly_rate": (28, 0.45, 8, 400),
    "rent": (1_400, 0.45, 300, 15_000),
    "balance": (2_400, 1.2, 0, 2_000_000),
    "credit_limit": (5_000, 0.7, 300, 100_000),
    "principal": (15_000, 0.9, 500, 1_000_000),
    "loan_amount": (15_000, 0.9, 500, 1_000_000),
    "premium": (95, 0.5, 10, 5_000),
    "deductible": (500, 0.6, 50, 10_000),
    "fare": (14, 0.7, 2.5, 2_000),
    "tip": (3.5, 0.6, 0, 200),
    "fee": (4.5, 0.7, 0, 500),
    "delivery_fee": (3.99, 0.4, 0, 30),
    "shipping_cost": (6.5, 0.5, 0, 200),
    "tax": (4, 0.9, 0, 5_000),
    "discount": (5, 0.8, 0, 1_000),
    "budget": (12_000, 1.0, 100, 10_000_000),
    "revenue": (850, 1.1, 0, 10_000_000),
    "cost": (35, 1.0, 0.1, 100_000),
    "price": (24, 0.9, 0.5, 10_000),
    "unit_price": (24, 0.9, 0.5, 10_000),
    "list_price": (24, 0.9, 0.5, 10_000),
    "amount": (48, 1.0, 0.5, 50_000),
    "total": (55, 0.9, 0.5, 50_000),
    "subtotal": (50, 0.9, 0.5, 50_000),
    "value": (120, 1.1, 0.5, 1_000_000),
    "donation": (50, 1.0, 1, 100_000),
    "payout": (900, 1.1, 0, 500_000),
    "bid": (120, 1.0, 1, 1_000_000),
    "sale_price": (320_000, 0.5, 30_000, 10_000_000),
    "list_price_home": (340_000, 0.5, 30_000, 10_000_000),
}
MONEY_SUFFIXES = (
    "price", "amount", "cost", "fee", "total", "revenue", "salary", "balance", "payment",
    "tax", "discount", "value", "spend", "budget", "income", "charge", "fare", "premium",
    "payout", "refund", "subtotal", "rent", "wage", "tip", "bid", "donation", "usd", "eur",
)  # fmt: skip

MEASURES: dict[str, tuple[str, dict[str, float], tuple[float, float], str]] = {
    # suffix/name: (distribution, params, clamp, unit)
    "duration_minutes": ("lognormal", {"mean": 3.0, "sigma": 0.6}, (1, 600), "minutes"),
    "minutes": ("lognormal", {"mean": 3.0, "sigma": 0.6}, (1, 600), "minutes"),
    "duration_seconds": ("lognormal", {"mean": 4.5, "sigma": 1.0}, (1, 86_400), "seconds"),
    "seconds": ("lognormal", {"mean": 4.5, "sigma": 1.0}, (1, 86_400), "seconds"),
    "duration": ("lognormal", {"mean": 3.0, "sigma": 0.6}, (1, 600), "minutes"),
    "hours": ("lognormal", {"mean": 1.6, "sigma": 0.5}, (0.1, 200), "hours"),
    "days": ("lognormal", {"mean": 1.6, "sigma": 0.7}, (0, 365), "days"),
    "nights": ("lognormal", {"mean": 0.9, "sigma": 0.5}, (1, 60), "nights"),
    "distance_km": ("lognormal", {"mean": 1.8, "sigma": 0.7}, (0.1, 500), "km"),
    "km": ("lognormal", {"mean": 1.8, "sigma": 0.7}, (0.1, 500), "km"),
    "distance": ("lognormal", {"mean": 1.8, "sigma": 0.7}, (0.1, 500), "km"),
    "miles": ("lognormal", {"mean": 1.3, "sigma": 0.7}, (0.1, 300), "miles"),
    "weight_kg": ("lognormal", {"mean": 1.0, "sigma": 0.8}, (0.05, 1_000), "kg"),
    "kg": ("lognormal", {"mean": 1.0, "sigma": 0.8}, (0.05, 1_000), "kg"),
    "weight": ("lognormal", {"mean": 1.0, "sigma": 0.8}, (0.05, 1_000), "kg"),
    "height_cm": ("normal", {"mean": 170, "std": 10}, (120, 220), "cm"),
    "temperature": ("normal", {"mean": 21, "std": 6}, (-40, 60), "degrees Celsius"),
    "temperature_c": ("normal", {"mean": 21, "std": 6}, (-40, 60), "degrees Celsius"),
    "humidity": ("normal", {"mean": 55, "std": 15}, (0, 100), "%"),
    "pressure": ("normal", {"mean": 1013, "std": 8}, (950, 1070), "hPa"),
    "kwh": ("lognormal", {"mean": 2.2, "sigma": 0.6}, (0, 10_000), "kWh"),
    "voltage": ("normal", {"mean": 230, "std": 3}, (200, 260), "V"),
    "speed_kmh": ("normal", {"mean": 48, "std": 15}, (0, 200), "km/h"),
    "speed": ("normal", {"mean": 48, "std": 15}, (0, 200), "km/h"),
    "latency_ms": ("lognormal", {"mean": 4.0, "sigma": 0.7}, (1, 30_000), "ms"),
    "ms": ("lognormal", {"mean": 4.0, "sigma": 0.7}, (1, 30_000), "ms"),
    "bytes": ("lognormal", {"mean": 9.0, "sigma": 1.5}, (0, 1e10), "bytes"),
    "mb": ("lognormal", {"mean": 3.0, "sigma": 1.2}, (0, 1e6), "MB"),
    "gb": ("lognormal", {"mean": 1.5, "sigma": 1.0}, (0, 1e4), "GB"),
    "calories": ("normal", {"mean": 550, "std": 180}, (0, 3_000), "kcal"),
    "yield_tonnes": ("normal", {"mean": 6.5, "std": 1.8}, (0, 20), "t/ha"),
    "area_sqm": ("lognormal", {"mean": 4.4, "sigma": 0.5}, (15, 2_000), "m²"),
    "sqft": ("lognormal", {"mean": 7.2, "sigma": 0.45}, (200, 20_000), "sq ft"),
    "hectares": ("lognormal", {"mean": 3.0, "sigma": 1.0}, (0.5, 10_000), "ha"),
    "bmi": ("normal", {"mean": 26, "std": 4.5}, (14, 60), "kg/m²"),
    "heart_rate": ("normal", {"mean": 74, "std": 11}, (35, 200), "bpm"),
    "glucose": ("normal", {"mean": 100, "std": 22}, (50, 400), "mg/dL"),
}

COUNTS = ("quantity", "qty", "count", "units", "items", "seats", "guests", "visits", "passengers",
          "attempts", "retries", "clicks", "views", "impressions", "likes", "shares", "goals",
          "points", "pages", "stock", "inventory", "capacity", "beds", "rooms", "bedrooms",
          "bathrooms", "floors", "employees", "headcount", "followers", "streams", "plays",
          "downloads", "installs", "credits", "num", "number_of")  # fmt: skip
COUNT_LAMBDA = {
    "quantity": 2.0, "qty": 2.0, "units": 2.0, "items": 3.0, "seats": 2.0, "guests": 2.0,
    "passengers": 1.5, "bedrooms": 2.5, "bathrooms": 1.5, "floors": 3.0, "goals": 1.4,
    "capacity": 80.0, "beds": 60.0, "rooms": 80.0, "stock": 40.0, "inventory": 40.0,
    "employees": 120.0, "headcount": 120.0, "credits": 4.0, "pages": 320.0, "attempts": 1.3,
    "retries": 0.3, "followers": 300.0, "views": 120.0, "impressions": 900.0, "clicks": 12.0,
    "points": 12.0,
}  # fmt: skip
AT_LEAST_ONE = {"quantity", "qty", "units", "items", "seats", "guests", "passengers", "pages",
                "credits", "attempts", "floors", "bathrooms", "bedrooms"}  # fmt: skip

FAKER: dict[str, tuple[str, bool]] = {
    # column name: (faker method, unique)
    "email": ("email", True),
    "email_address": ("email", True),
    "work_email": ("company_email", True),
    "first_name": ("first_name", False),
    "last_name": ("last_name", False),
    "surname": ("last_name", False),
    "full_name": ("name", False),
    "customer_name": ("name", False),
    "contact_name": ("name", False),
    "phone": ("phone_number", False),
    "phone_number": ("phone_number", False),
    "mobile": ("phone_number", False),
    "telephone": ("phone_number", False),
    "address": ("street_address", False),
    "street_address": ("street_address", False),
    "address_line1": ("street_address", False),
    "street": ("street_name", False),
    "city": ("city", False),
    "town": ("city", False),
    "state": ("state", False),
    "province": ("state", False),
    "zip": ("postcode", False),
    "zipcode": ("postcode", False),
    "zip_code": ("postcode", False),
    "postcode": ("postcode", False),
    "postal_code": ("postcode", False),
    "username": ("user_name", True),
    "user_name": ("user_name", True),
    "login": ("user_name", True),
    "handle": ("user_name", True),
    "url": ("url", False),
    "website": ("url", False),
    "homepage": ("url", False),
    "domain": ("domain_name", False),
    "hostname": ("hostname", False),
    "ip": ("ipv4", False),
    "ip_address": ("ipv4", False),
    "ipv4": ("ipv4", False),
    "ipv6": ("ipv6", False),
    "mac_address": ("mac_address", False),
    "user_agent": ("user_agent", False),
    "uuid": ("uuid4", True),
    "guid": ("uuid4", True),
    "iban": ("iban", True),
    "swift": ("swift", False),
    "bic": ("swift", False),
    "company": ("company", False),
    "company_name": ("company", False),
    "employer": ("company", False),
    "job": ("job", False),
    "job_title": ("job", False),
    "occupation": ("job", False),
    "profession": ("job", False),
    "description": ("sentence", False),
    "comment": ("sentence", False),
    "comments": ("sentence", False),
    "notes": ("sentence", False),
    "note": ("sentence", False),
    "body": ("paragraph", False),
    "content": ("paragraph", False),
    "message": ("sentence", False),
    "review_text": ("paragraph", False),
    "bio": ("paragraph", False),
    "summary": ("sentence", False),
    "color": ("color_name", False),
    "colour": ("color_name", False),
    "license_plate": ("license_plate", True),
    "plate": ("license_plate", True),
    "plate_number": ("license_plate", True),
    "vin": ("vin", True),
    "isbn": ("isbn13", True),
    "ean": ("ean13", True),
    "barcode": ("ean13", True),
    "ssn": ("ssn", True),
    "credit_card": ("credit_card_number", False),
    "card_number": ("credit_card_number", False),
    "card_type": ("credit_card_provider", False),
    "timezone": ("timezone", False),
    "file_name": ("file_name", False),
    "filename": ("file_name", False),
    "mime_type": ("mime_type", False),
    "wallet_address": ("sha1", True),
    "tx_hash": ("sha256", True),
    "hash": ("sha1", False),
    "sha": ("sha1", False),
    "commit_sha": ("sha1", True),
    "api_key": ("md5", True),
    "token": ("md5", True),
}
NAME_COLUMNS = ("name", "title", "display_name", "label")


def generator_for_column(table: str, column: str, dsl_type: str | None = None) -> tuple[dict, str]:
    """A DSL column dict (name, type, generator...) for `table.column`, and why it was chosen.

    `dsl_type`, when given (int, float, string, bool, date, datetime), is kept: a guess of
    another type is converted when it can be (a timestamp becomes a date, a money amount an
    integer) and otherwise replaced by a plain generator of that type.
    """
    name = column.strip().lower()
    table = table.strip().lower()
    if dsl_type is not None and dsl_type not in DSL_TYPES:
        raise ValueError(f"unknown DSL type {dsl_type!r}; expected one of {', '.join(DSL_TYPES)}")
    for rule in RULES:
        guess = rule(table, name)
        if guess is not None:
            col, why = guess
            break
    else:
        col, why = _fallback(table, name, dsl_type)
    col = {**col, "name": column}
    if dsl_type is not None and col["type"] != dsl_type:
        col, why = _as_type(col, table, name, dsl_type, why)
    return col, f"`{table}.{column}`: {why}"


# --------------------------------------------------------------------------- builders


def choice(name: str, choices: list[Any], weights: list[float] | None = None) -> Col:
    first = choices[0]
    type_ = "bool" if isinstance(first, bool) else "int" if isinstance(first, int) else "string"
    type_ = "float" if isinstance(first, float) else type_
    spec: dict[str, Any] = {"choices": list(choices)}
    if weights is not None:
        spec["weights"] = list(weights)
    return {"name": name, "type": type_, "generator": {"choice": spec}}


def money(name: str, median: float, sigma: float, low: float, high: float) -> Col:
    """Lognormal money: the DSL's `mean` is ln(median); rounded to cents."""
    return {
        "name": name,
        "type": "float",
        "generator": {
            "distribution": {
                "type": "lognormal",
                "params": {"mean": round(math.log(median), 4), "sigma": sigma},
                "clamp": [low, high],
            }
        },
        "modifiers": [{"transform": "expression", "args": {"expr": "round(value, 2)"}}],
    }


def measure(
    name: str, dist: str, params: dict[str, float], clamp: tuple[float, float], digits: int = 2
) -> Col:
    return {
        "name": name,
        "type": "float",
        "generator": {"distribution": {"type": dist, "params": dict(params), "clamp": list(clamp)}},
        "modifiers": [{"transform": "expression", "args": {"expr": f"round(value, {digits})"}}],
    }


def count(name: str, lam: float, low: int = 0, high: int | None = None) -> Col:
    high = high if high is not None else int(lam + 8 * lam**0.5 + 10)
    return {
        "name": name,
        "type": "int",
        "generator": {
            "distribution": {"type": "poisson", "params": {"lam": lam}, "clamp": [low, high]}
        },
    }


def timestamp(name: str, *, date_only: bool = False) -> Col:
    spec: dict[str, Any] = {"within": "timeframe"}
    if date_only:
        spec["freq"] = "D"
    return {
        "name": name,
        "type": "date" if date_only else "datetime",
        "generator": {"datetime_series": spec},
    }


def faker(name: str, method: str, *, unique: bool = False) -> Col:
    col: Col = {"name": name, "type": "string", "generator": {"faker": {"method": method}}}
    if unique:
        col["unique"] = True
    return col


def flag(name: str, rate: float) -> Col:
    return choice(name, [True, False], [rate, round(1 - rate, 6)])


# --------------------------------------------------------------------------- rules


def _words(name: str) -> list[str]:
    return name.split("_")


def _ends(name: str, *suffixes: str) -> bool:
    return any(name == s or name.endswith("_" + s) for s in suffixes)


def naming_kind(table: str) -> NameKind:
    """Who or what a table's rows are, for its `name` column."""
    from datagen.agent.offline.lexicon import entry_for  # the lexicon builds on this module

    entry = entry_for(table)
    if entry is not None and entry.naming != "none":
        return entry.naming
    last = table.split("_")[-1]
    for candidate in (table, last):
        if candidate in PERSON_TABLES:
            return "person"
        if candidate in COMPANY_TABLES:
            return "company"
        if candidate in PLACE_TABLES:
            return "place"
        if candidate in TITLE_TABLES:
            return "title"
        if candidate in TEAM_TABLES:
            return "team"
        if candidate in PRODUCT_TABLES:
            return "product"
    return "thing"


def rule_key(table: str, name: str) -> Guess | None:
    if name in ("id", f"{table}_id"):
        return {"name": name, "type": "int", "generator": {"sequence": {"start": 1, "step": 1}}}, (
            "the key: consecutive integers"
        )
    if name.endswith("_uuid"):
        return faker(name, "uuid4", unique=True), "a UUID"
    return None


def rule_faker(table: str, name: str) -> Guess | None:
    if name in FAKER:
        method, unique = FAKER[name]
        return faker(name, method, unique=unique), f"Faker `{method}`" + (
            " (unique)" if unique else ""
        )
    return None


def rule_name(table: str, name: str) -> Guess | None:
    """`name` / `title` / `<table>_name`: depends on who or what the rows are."""
    own = name in NAME_COLUMNS or name in (f"{table}_name", f"{table}_title")
    other = name.endswith("_name") and not own
    noun = table
    if other:
        noun = name[: -len("_name")]
    elif not own:
        return None
    kind = naming_kind(noun)
    if kind == "person":
        return faker(name, "name"), f"a person's name (Faker `name`): `{noun}` rows are people"
    if kind == "company":
        return faker(
            name, "company"
        ), f"a company name (Faker `company`): `{noun}` rows are organisations"
    values = names_for(kind, noun.split("_")[-1])
    assert values is not None
    return choice(name, values), (
        f"generated {kind} names like {values[0]!r} ({len(values)} distinct)"
    )


def rule_time(table: str, name: str) -> Guess | None:
    if name in ("birth_date", "date_of_birth", "dob", "birthday", "birthdate"):
        col = timestamp(name, date_only=True)
        col["generator"]["datetime_series"]["within"] = dict(BIRTH_WINDOW)
        return col, "a birth date between 1950 and 2006"
    if name.endswith(("_at", "_time", "_timestamp", "_ts", "_datetime")) or name in (
        "timestamp",
        "time",
        "datetime",
        "ts",
        "created",
        "updated",
        "modified",
    ):
        return timestamp(name), "a timestamp within the timeframe"
    if name.endswith(("_date", "_day", "_on")) or name in ("date", "day"):
        return timestamp(name, date_only=True), "a date within the timeframe"
    if name in ("year", "model_year", "birth_year", "release_year"):
        return count(name, 1.0) | {
            "generator": {
                "distribution": {"type": "uniform", "params": {"low": 2000, "high": 2025}}
            },
        }, "a year between 2000 and 2024"
    if name in ("month",):
        return choice(name, list(range(1, 13))), "a month number 1-12"
    if name in ("hour", "hour_of_day"):
        return choice(name, list(range(24))), "an hour of day 0-23"
    return None


def rule_flag(table: str, name: str) -> Guess | None:
    if (
        name.startswith(("is_", "has_", "was_", "can_", "should_"))
        or name.endswith(("_flag", "_enabled", "_verified", "_active"))
        or name
        in (
            "active",
            "verified",
            "enabled",
            "deleted",
            "archived",
            "fraud",
            "churned",
            "paid",
            "refunded",
            "cancelled",
        )
    ):
        rate = 0.85 if any(w in name for w in ("active", "enabled", "verified", "paid")) else 0.1
        return flag(name, rate), f"a yes/no flag, true for {rate:.0%}"
    return None


def rule_status(table: str, name: str) -> Guess | None:
    if not _ends(name, "status", "state") or name == "state":
        return None
    noun = table
    if name not in ("status", "state"):
        noun = name.rsplit("_", 1)[0]
    last = noun.split("_")[-1]
    values, weights = STATUSES.get(noun) or STATUSES.get(last) or DEFAULT_STATUS
    shown = ", ".join(f"{v} {w:.0%}" for v, w in zip(values, weights, strict=True))
    return choice(name, values, weights), f"{noun} statuses ({shown})"


def rule_category(table: str, name: str) -> Guess | None:
    for key in (name, name.split("_")[-1]):
        if key in CATEGORIES and not (key == "device" and name != key and name.endswith("_id")):
            values, weights = CATEGORIES[key]
            return choice(name, values, weights), "one of " + ", ".join(map(str, values[:6]))
    if _ends(name, "category", "type", "kind"):
        noun = table if name in ("category", "type", "kind") else name.rsplit("_", 1)[0]
        values = [f"{noun}_{c}" for c in ("standard", "premium", "basic", "other")]
        values = CATEGORY_OF_TABLE.get(noun.split("_")[-1], values)
        return choice(name, values, falling_weights(len(values))), (
            f"a {name.replace('_', ' ')} among " + ", ".join(values[:6])
        )
    return None


CATEGORY_OF_TABLE: dict[str, list[str]] = {
    "product": ["electronics", "home", "clothing", "beauty", "sports", "toys", "books", "grocery"],
    "item": ["electronics", "home", "clothing", "beauty", "sports", "toys", "books", "grocery"],
    "expense": ["travel", "meals", "software", "office", "training", "other"],
    "transaction": ["groceries", "dining", "transport", "shopping", "bills", "entertainment"],
    "ticket": ["billing", "technical", "account", "shipping", "other"],
    "vehicle": ["car", "van", "truck", "motorcycle"],
    "course": ["math", "science", "languages", "history", "arts", "computing"],
    "incident": ["theft", "assault", "vandalism", "traffic", "noise", "other"],
    "complaint": ["noise", "billing", "service", "cleanliness", "other"],
    "event": ["view", "click", "add_to_cart", "purchase"],
    "room": ["single", "double", "twin", "suite"],
    "menu_item": ["starter", "main", "dessert", "drink", "side"],
    "dish": ["starter", "main", "dessert", "side"],
    "account": ["checking", "savings", "credit", "brokerage"],
    "policy": ["auto", "home", "life", "health", "travel"],
    "claim": ["collision", "theft", "water_damage", "medical", "liability"],
    "meter": ["electricity", "gas", "water"],
    "sensor": ["temperature", "humidity", "pressure", "motion", "vibration"],
    "device": ["thermostat", "camera", "lock", "smart_plug", "sensor"],
}


def falling_weights(n: int) -> list[float]:
    """Plausible uneven weights for n categories: the first is the most common."""
    raw = [1 / (i + 1) ** 0.8 for i in range(n)]
    total = sum(raw)
    return [round(r / total, 4) for r in raw]


def rule_money(table: str, name: str) -> Guess | None:
    known = MONEY.get(name)
    if known is None:
        for suffix in sorted(MONEY, key=len, reverse=True):
            if name.endswith("_" + suffix) or name.startswith(suffix + "_"):
                known = MONEY[suffix]
                break
    if known is None and _ends(name, *MONEY_SUFFIXES):
        known = MONEY["amount"]
    if known is None and name in ("price_usd", "amount_usd", "amount_eur"):
        known = MONEY["amount"]
    if known is None:
        return None
    median, sigma, low, high = known
    return money(name, median, sigma, low, high), (
        f"an amount around {median:,g} (lognormal, median {median:,g}), rounded to cents"
    )


def rule_rate(table: str, name: str) -> Guess | None:
    if _ends(
        name, "rate", "ratio", "pct", "percent", "percentage", "share", "probability", "score_pct"
    ):
        if "interest" in name or name == "apr":
            return measure(name, "normal", {"mean": 7.5, "std": 3.0}, (0.5, 36.0)), (
                "an interest rate in percent (normal around 7.5)"
            )
        return measure(name, "beta", {"a": 2.0, "b": 5.0}, (0.0, 1.0), 4), "a share between 0 and 1"
    if name in ("apr", "interest"):
        return measure(name, "normal", {"mean": 7.5, "std": 3.0}, (0.5, 36.0)), (
            "an interest rate in percent (normal around 7.5)"
        )
    return None


def rule_measure(table: str, name: str) -> Guess | None:
    for key in sorted(MEASURES, key=len, reverse=True):
        if name == key or name.endswith("_" + key):
            dist, params, clamp, unit = MEASURES[key]
            return measure(name, dist, params, clamp), f"a measure in {unit}"
    if name in ("latitude", "lat"):
        return measure(name, "uniform", {"low": 25.0, "high": 60.0}, (-90, 90), 6), "a latitude"
    if name in ("longitude", "lng", "lon", "long"):
        return measure(
            name, "uniform", {"low": -120.0, "high": 30.0}, (-180, 180), 6
        ), "a longitude"
    if name == "age" or name.endswith("_age"):
        col = count(name, 1.0)
        col["generator"] = {
            "distribution": {"type": "normal", "params": {"mean": 41, "std": 15}, "clamp": [18, 95]}
        }
        return col, "an age in years (normal, 18 to 95)"
    if name in ("rating", "stars", "review_score") or name.endswith("_rating"):
        return choice(name, [1, 2, 3, 4, 5], [0.05, 0.07, 0.13, 0.3, 0.45]), "a 1-5 star rating"
    if name in ("score", "nps"):
        col = count(name, 1.0)
        col["generator"] = {
            "distribution": {"type": "normal", "params": {"mean": 72, "std": 14}, "clamp": [0, 100]}
        }
        return col, "a score from 0 to 100"
    return None


def rule_count(table: str, name: str) -> Guess | None:
    for key in COUNTS:
        if name == key or name.endswith("_" + key) or name.startswith(key + "_"):
            lam = COUNT_LAMBDA.get(key, 3.0)
            low = 1 if key in AT_LEAST_ONE else 0
            return count(name, lam, low), f"a count (poisson, mean about {lam:g})"
    return None


def rule_reference(table: str, name: str) -> Guess | None:
    if name.endswith("_id"):
        col = count(name, 1.0)
        col["generator"] = {"distribution": {"type": "uniform", "params": {"low": 1, "high": 1000}}}
        return col, (
            f"a reference to `{name[:-3]}` as integers 1-1000 (no such table is known here;"
            " make it a lookup to link them)"
        )
    if _ends(name, "code", "sku", "reference", "ref", "number", "no"):
        return faker(name, "ean8", unique=True), "an 8-digit code"
    return None


RULES: tuple[Rule, ...] = (
    rule_key,
    rule_time,
    rule_faker,
    rule_name,
    rule_status,
    rule_flag,
    rule_money,
    rule_rate,
    rule_measure,
    rule_count,
    rule_category,
    rule_reference,
)


def _fallback(table: str, name: str, dsl_type: str | None) -> Guess:
    """A name no rule knows: a plain generator of the declared type (labels for strings)."""
    kind = dsl_type or "string"
    if kind == "int":
        return count(name, 5.0), "unknown name: small integers (poisson, mean 5)"
    if kind == "float":
        return measure(name, "lognormal", {"mean": 2.3, "sigma": 0.8}, (0.0, 1e6)), (
            "unknown name: positive numbers around 10"
        )
    if kind == "bool":
        return flag(name, 0.5), "unknown name: a yes/no flag"
    if kind in ("date", "datetime"):
        return timestamp(
            name, date_only=kind == "date"
        ), "unknown name: a time within the timeframe"
    label = title_case(name)
    values = [f"{label} {c}" for c in "ABCDEF"]
    return choice(name, values, falling_weights(len(values))), (
        f"unknown name: six labels {values[0]!r}..{values[-1]!r} (say what it holds to change it)"
    )


def _as_type(col: Col, table: str, name: str, dsl_type: str, why: str) -> Guess:
    """The guess converted to the declared type, or a plain generator of that type."""
    have = col["type"]
    gen = col["generator"]
    if {have, dsl_type} == {"date", "datetime"} and "datetime_series" in gen:
        spec = dict(gen["datetime_series"])
        if dsl_type == "date":
            spec["freq"] = "D"
        else:
            spec.pop("freq", None)
        return {**col, "type": dsl_type, "generator": {"datetime_series": spec}}, why
    if have == "float" and dsl_type == "int" and "distribution" in gen:
        mods = [m for m in col.get("modifiers", []) if m.get("transform") != "expression"]
        out = {**col, "type": "int", "modifiers": mods}
        if not mods:
            out.pop("modifiers")
        return out, why.replace(", rounded to cents", "") + " (whole numbers)"
    if have == "int" and dsl_type == "float":
        return {**col, "type": "float"}, why
    if dsl_type == "string" and "choice" in gen:
        values = [str(v) for v in gen["choice"]["choices"]]
        return {
            **col,
            "type": "string",
            "generator": {"choice": {**gen["choice"], "choices": values}},
        }, why
    fallback, fallback_why = _fallback(table, name, dsl_type)
    return {**fallback, "name": col["name"]}, (
        f"declared {dsl_type}, so {fallback_why.removeprefix('unknown name: ')}"
    )
