"""Generated names for things that are not people or companies.

People get Faker person names and companies Faker company names; products,
places, titles and teams get names composed here from a field's vocabulary
("Riverside Clinic", "Nordic Desk Lamp", "The Silent Harbor"). The lists are
built once, deterministically (a fixed permutation, no global random state),
and a column then picks among them with a `choice` generator.
"""

from __future__ import annotations

import itertools
import random
from typing import Literal

NameKind = Literal[
    "person", "company", "product", "place", "title", "team", "code", "thing", "none"
]

NAMES_PER_COLUMN = 400  # enough variety for a column; a choice list stays small in the schema

PLACE_PREFIXES = (
    "Riverside",
    "Downtown",
    "Northgate",
    "Lakeside",
    "Hillcrest",
    "Harbor",
    "Maple",
    "Oakwood",
    "Central",
    "Westfield",
    "Eastside",
    "Parkview",
    "Southbank",
    "Cedar",
    "Brookside",
    "Summit",
    "Greenway",
    "Old Town",
    "Kingsway",
    "Bayview",
    "Meadow",
    "Stonebridge",
    "Elm Street",
    "Market Square",
)
TITLE_ADJECTIVES = (
    "Silent",
    "Hidden",
    "Broken",
    "Golden",
    "Last",
    "Midnight",
    "Crimson",
    "Distant",
    "Electric",
    "Wild",
    "Quiet",
    "Endless",
    "Lost",
    "Bright",
    "Frozen",
    "Secret",
    "Northern",
    "Paper",
    "Velvet",
    "Iron",
)
TITLE_NOUNS = (
    "Harbor",
    "Garden",
    "River",
    "Empire",
    "Horizon",
    "Letters",
    "Machine",
    "Kingdom",
    "Summer",
    "Signal",
    "Orchard",
    "Voyage",
    "Mirror",
    "Station",
    "Forest",
    "Archive",
    "Tide",
    "Echo",
    "Compass",
    "Lantern",
)
TEAM_CITIES = (
    "Portland",
    "Austin",
    "Denver",
    "Boston",
    "Seattle",
    "Chicago",
    "Madrid",
    "Lyon",
    "Hamburg",
    "Leeds",
    "Osaka",
    "Melbourne",
    "Toronto",
    "Dublin",
    "Porto",
    "Milan",
)
TEAM_MASCOTS = (
    "Falcons",
    "Wolves",
    "Rangers",
    "Comets",
    "Titans",
    "Hawks",
    "Lions",
    "Pirates",
    "Storm",
    "United",
    "Rovers",
    "Bears",
)
PRODUCT_ADJECTIVES = (
    "Classic",
    "Urban",
    "Eco",
    "Premium",
    "Everyday",
    "Nordic",
    "Vintage",
    "Smart",
    "Compact",
    "Pro",
    "Essential",
    "Deluxe",
    "Lite",
    "Organic",
    "Signature",
    "Travel",
)
PRODUCT_NOUNS = (
    "Backpack",
    "Desk Lamp",
    "Water Bottle",
    "Sneakers",
    "Headphones",
    "Coffee Mug",
    "Wall Clock",
    "Notebook",
    "Throw Pillow",
    "Phone Case",
    "Yoga Mat",
    "Sunglasses",
    "Rain Jacket",
    "Blender",
    "Bath Towel",
    "Scented Candle",
    "Wireless Mouse",
    "Cutting Board",
    "T-Shirt",
    "Wallet",
)


def combine(first: tuple[str, ...], second: tuple[str, ...], *, sep: str = " ") -> list[str]:
    """Every pairing of the two lists in a fixed shuffled order, at most NAMES_PER_COLUMN."""
    names = [f"{a}{sep}{b}" for a, b in itertools.product(first, second)]
    random.Random(len(names)).shuffle(names)  # a fixed order, so the schema is deterministic
    return names[:NAMES_PER_COLUMN]


def title_case(noun: str) -> str:
    return " ".join(w.capitalize() for w in noun.replace("_", " ").split())


def place_names(noun: str) -> list[str]:
    """'clinic' -> ['Riverside Clinic', 'Harbor Clinic', ...]."""
    return combine(PLACE_PREFIXES, (title_case(noun),))


def product_names(nouns: tuple[str, ...] = PRODUCT_NOUNS) -> list[str]:
    return combine(PRODUCT_ADJECTIVES, nouns)


def titles() -> list[str]:
    names = combine(("The",), tuple(f"{a} {n}" for a in TITLE_ADJECTIVES for n in TITLE_NOUNS))
    return names


def team_names() -> list[str]:
    return combine(TEAM_CITIES, TEAM_MASCOTS)


CODE_WORDS = ("Alpha", "Bravo", "Cedar", "Delta", "Echo", "Falcon", "Granite", "Harbor", "Iris",
              "Juniper", "Kestrel", "Lumen", "Maple", "Nova", "Onyx", "Pine", "Quartz", "Raven",
              "Sierra", "Tango", "Umber", "Vega", "Willow", "Zephyr")  # fmt: skip


def thing_names(noun: str) -> list[str]:
    """'dragon' -> ['Dragon Nova 3', 'Dragon Alpha 7', ...]: names that say what the rows are."""
    return combine((title_case(noun),), tuple(f"{w} {n}" for w in CODE_WORDS for n in range(1, 10)))


def names_for(kind: NameKind, noun: str, vocabulary: tuple[str, ...] = ()) -> list[str] | None:
    """Generated names of a kind (None for people and companies: Faker names those)."""
    if kind == "thing":
        return thing_names(noun)
    if kind == "place":
        return place_names(noun)
    if kind == "product":
        return product_names(vocabulary or PRODUCT_NOUNS)
    if kind == "title":
        return titles()
    if kind == "team":
        return team_names()
    return None
