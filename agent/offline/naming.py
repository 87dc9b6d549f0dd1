"""Table and column names: singular snake_case, as the DSL's identifiers want them."""

from __future__ import annotations

import re

_IRREGULAR = {
    # plurals of two-letter acronyms ('10 PRs a month', 'EVs', 'TVs')
    "prs": "pr",
    "evs": "ev",
    "tvs": "tv",
    "pcs": "pc",
    "loaves": "loaf",
    "people": "person",
    "persons": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "mice": "mouse",
    "geese": "goose",
    "feet": "foot",
    "teeth": "tooth",
    "data": "data",
    "media": "media",
    "criteria": "criterion",
    "analyses": "analysis",
    "diagnoses": "diagnosis",
    "statuses": "status",
    "buses": "bus",
    "addresses": "address",
    "businesses": "business",
    "classes": "class",
    "series": "series",
    "species": "species",
    "news": "news",
    "movies": "movie",
    "cookies": "cookie",
    "pies": "pie",
    "ties": "tie",
    "lies": "lie",
    "calories": "calorie",
    "shoes": "shoe",
    "toes": "toe",
    "canoes": "canoe",
    "courses": "course",
    "horses": "horse",
    "houses": "house",
    "warehouses": "warehouse",
    "nurses": "nurse",
    "purchases": "purchase",
    "licenses": "license",
    "responses": "response",
    "expenses": "expense",
    "cases": "case",
    "bases": "base",
    "databases": "database",
    "releases": "release",
    "invoices": "invoice",
    "devices": "device",
    "services": "service",
    "prices": "price",
    "policies": "policy",
    "leaves": "leave",
    "wolves": "wolf",
    "knives": "knife",
    "lives": "life",
    "wives": "wife",
    "halves": "half",
    "quizzes": "quiz",
    "shelves": "shelf",
    "indices": "index",
    "vertices": "vertex",
    "matrices": "matrix",
    "skus": "sku",
    "menus": "menu",
    "gurus": "guru",
}
_NOT_PLURAL = ("ss", "us", "is", "ics", "sis", "xis")
# -ics words that are plurals of a noun ("clinics", "metrics"); the rest ("logistics") are not
_ICS_PLURALS = {"clinics", "metrics", "topics", "comics", "mechanics", "critics", "cosmetics",
                "classics", "relics", "tactics", "graphics", "basics", "antibiotics"}  # fmt: skip


def singular(word: str) -> str:
    """'categories' -> 'category', 'boxes' -> 'box', 'customers' -> 'customer'."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w in _ICS_PLURALS:
        return w[:-1]
    if len(w) <= 3 or not w.endswith("s") or w.endswith(_NOT_PLURAL):
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return w[:-2]
    return w[:-1]


def is_plural(word: str) -> bool:
    return singular(word) != word.lower()


def snake(text: str) -> str:
    """Any text -> a snake_case identifier (never empty, never starting with a digit)."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text.strip())
    name = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if not name:
        return "item"
    if name[0].isdigit():
        name = "n_" + name
    return name[:50]


def table_name(text: str) -> str:
    """'Support Tickets' -> 'support_ticket' (the last word made singular)."""
    words = snake(text).split("_")
    words[-1] = singular(words[-1])
    return "_".join(words)
