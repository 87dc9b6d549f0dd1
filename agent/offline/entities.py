"""Nouns in a description -> the entity types of the lexicon (or new tables, said so).

Only a noun that names an entity becomes a table: a plural ("tickets"), a counted
noun ("40 bakeries"), a noun after per/each ("5 orders per customer") or a listed
table ("tables: stores, sales"). Singular mentions ("a veterinary clinic") and cue
words only vote for the field, which settles ambiguous words ("visits" in a vet
practice are vet visits). Time phrases, adjectives, places, counts and behaviours
are never looked up, so they never become tables.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field

from datagen.agent.offline.lexicon import ENTRIES, Entry, by_name, candidates, key_of, readings
from datagen.agent.offline.lexicon.cues import FIELD_CUES
from datagen.agent.offline.naming import is_plural, singular
from datagen.agent.offline.parse import _NON_TABLE, _STOP, COUNTRIES, FILLER, TIME_UNITS, Parsed

WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\d[\d,.]*[kKmM]?|[.;:!?()]")
LIST_GLUE = re.compile(r"^\s*(?:,\s*(?:and|or)?|and|or|&|/)\s*$", re.IGNORECASE)
MAX_TABLES = 12

NEVER_TABLES = (
    _STOP
    | FILLER
    | set(_NON_TABLE)
    | set(TIME_UNITS)
    | {singular(c) for c in COUNTRIES}
    | {
        "morning", "afternoon", "evening", "night", "weekend", "weekday", "holiday", "season",
        "peak", "spike", "trend", "pattern", "share", "rate", "most", "majority", "half",
        "quarter", "third", "dozen", "hundred", "thousand", "million", "billion", "lot",
        "data", "dataset", "database", "schema", "thing", "kind", "type", "way", "value",
        "number", "amount", "detail", "example", "behaviour", "behavior", "outlier",
        "anomaly", "fraud", "churn", "no_show", "noshow", "cancellation_rate", "minute",
        "second", "hour", "day", "week", "month", "year", "decade", "time", "date", "sunday",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "january",
        "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december", "christmas", "summer", "winter", "spring",
        "autumn", "fall", "people", "person", "someone", "everyone", "other", "others",
        "percent", "percentage", "phone", "desktop", "tablet", "mobile", "weekly", "daily",
        "yes", "no", "also", "plus", "etc", "including", "include", "contains", "lots",
        "item_count", "unit", "cent", "dollar", "euro", "pound", "yen", "buck",
        # a gender is a value of the people ('60% of users are men, 40% women')
        "man", "men", "woman", "women", "male", "female", "males", "females",
    }
)  # fmt: skip
# adjectives of the things counted ('90,000 smart water meters'): never tables
ADJECTIVES = {"smart", "electric", "digital", "active", "new", "premium", "free", "paid"}
NEVER_TABLES |= ADJECTIVES
# measure values: columns of the events they describe ("fares from 4 to 120"), never tables
MEASURE_NOUNS = {
    "fare", "price", "cost", "distance", "rating", "score", "temperature", "grade", "total",
    "fee", "salary", "revenue", "speed", "weight", "height", "duration", "length", "age",
    "balance", "tip", "wage", "income", "spend", "power", "humidity", "pressure", "voltage",
    "level", "mileage", "latency", "profit", "margin", "discount", "tax", "budget", "quantity",
    "volume", "size", "capacity", "amount", "value", "total_price", "order_total", "ticket_price",
    "sale_price", "handle_time", "wait_time", "lead_time", "response_time", "night",
    # units: '45 degrees', '3 kwh', '10 km' measure something, never tables
    "degree", "celsius", "fahrenheit", "kwh", "kilowatt", "watt", "volt", "km", "kilometer",
    "kilometre", "mile", "meter", "metre", "kg", "kilogram", "gram", "pound_weight", "liter",
    "litre", "gallon", "mph", "kph", "byte", "gb", "mb", "tb", "mw", "mwh", "gw", "gwh", "kw",
    "tonne", "ton", "ounce", "oz", "lb", "ml", "cm", "mm",
}  # fmt: skip
NEVER_TABLES |= MEASURE_NOUNS
# counted nouns that measure something ("a hospital with 400 beds"), not tables of their own
ATTRIBUTE_COUNTS = {
    "bed", "seat", "floor", "bedroom", "bathroom", "page", "credit", "point", "star", "mile",
    "step", "calorie", "lane", "spot", "space", "square_foot", "acre", "hectare", "sqft",
    "storey", "story", "minute", "word", "character", "byte", "megabyte", "gigabyte",
}  # fmt: skip
NOT_NEW_TABLES = {
    "label", "flag", "tag", "feature", "dip", "drop", "surge", "rush", "burst", "wave",
    "outage_rate", "return_rate", "signup", "sign_up", "timestamp", "id", "identifier", "key",
    "detail", "info", "information", "stat", "statistic", "number", "count", "total", "sum",
    "average", "mean", "median", "distribution", "variety", "mix", "range", "option",
    "variant", "version", "update", "change", "issue", "problem", "thing", "stuff", "item_type",
}  # fmt: skip
MEASURE_VERB_AFTER = {"between", "above", "below", "under", "over", "around", "within", "near",
                      "at", "from", "in", "on", "to"}  # fmt: skip
SETTING_WORDS = {"a", "an", "the", "our", "my", "online", "local", "small", "big", "one"}
MASS_NOUNS = {"telemetry", "attendance", "payroll", "inventory", "consumption", "generation",
              "feedback", "usage"}  # fmt: skip
MASS_CUES = {"daily", "weekly", "monthly", "hourly", "yearly", "annual", "nightly"}
EVENT_SUFFIXES = ("ing", "tion", "sion", "ment", "al", "ance", "ence")


@dataclass
class Mention:
    """One noun of the description that may be a table."""

    noun: str  # the user's word, singular snake_case: "support_ticket"
    start: int
    end: int
    sentence: int
    table_like: bool  # plural, counted, after per/each, or listed
    choices: list[Entry] = dataclass_field(default_factory=list)
    entry: Entry | None = None
    implied: bool = False  # named only as a modifier ('product reviews')
    aliases: list[str] = dataclass_field(default_factory=list)  # other words for its rows


@dataclass
class Entities:
    """What the nouns of a description name."""

    mentions: list[Mention]  # table-like mentions, in order, known or new
    field: str | None
    votes: dict[str, float]  # field -> weight of the words that name it
    notes: list[str] = dataclass_field(default_factory=list)
    every: list[Mention] = dataclass_field(default_factory=list)  # each mention, by table

    def known(self) -> list[Mention]:
        return [m for m in self.mentions if m.entry is not None]


def _tokens(text: str) -> list[tuple[str, int, int, int]]:
    """(word, start, end, sentence index) for each word of the text."""
    out = []
    sentence = 0
    for match in WORD.finditer(text):
        word = match.group(0)
        if word in ".;:!?()":
            sentence += 1
            continue
        out.append((word, match.start(), match.end(), sentence))
    return out


SETTING = re.compile(r"[:;,.(]|\s(?:with|in|that|where|which|for)\s", re.IGNORECASE)


def _cue_weight(text: str, start: int) -> float:
    """A cue word of the setting ('A food delivery platform in Lisbon: ...') says more about
    the field than one further on."""
    end = SETTING.search(text)
    return 1.0 if start < (end.start() if end else len(text)) else 0.5


def _is_number(word: str) -> bool:
    return bool(word) and word[0].isdigit()


def find_entities(parsed: Parsed) -> Entities:
    text = parsed.text
    tokens = _tokens(text)
    counted = {key_of(c.noun) for c in parsed.counts}
    counted |= {key_of(c.noun.split("_")[-1]) for c in parsed.counts}
    counted |= {key_of(c.per) for c in parsed.counts if c.per and len(c.per) > 2}
    listed = {key_of(n) for n in parsed.named_tables}
    found: list[Mention] = []
    votes: defaultdict[str, float] = defaultdict(float)
    i = 0
    while i < len(tokens):
        match = _longest_match(tokens, i)
        word, start, _, sentence = tokens[i]
        if match is None:
            low = word.lower()
            for fld, cues in FIELD_CUES.items():
                if low in cues:
                    votes[fld] += _cue_weight(text, start)
            gerund = _gerund_fact(low) if found and found[-1].table_like else None
            if gerund is not None and text[found[-1].end : start].strip() == "":
                # 'members booking desks', 'users following users': the verb names the events
                noun, choices = gerund
                found.append(Mention(noun, start, tokens[i][2], sentence, True, choices))
            i += 1
            continue
        length, noun, choices = match
        last = tokens[i + length - 1]
        for inner, *_ in tokens[i : i + length]:
            for fld, cues in FIELD_CUES.items():
                if inner.lower() in cues:
                    votes[fld] += _cue_weight(text, start)
        before = tokens[i - 1][0].lower() if i else ""
        table_like = (
            is_plural(last[0].lower().replace("-", "_"))
            or noun in counted
            or noun in listed
            or before in ("per", "each", "every")
        )
        after = tokens[i + length][0].lower() if i + length < len(tokens) else ""
        fact_words = {e.role for e in choices} == {"fact"}
        if fact_words and (
            before in MASS_CUES
            or after in ("records", "data", "logs", "log", "history")
            or last[0].lower() in MASS_NOUNS
        ):
            table_like = True  # 'daily attendance', 'monthly payroll', 'vaccination records'
        if fact_words and last[0].isupper() and len(last[0]) > 1 and last[0].isalpha():
            table_like = True  # 'SMS', 'CDR'
        if key_of(after) in MEASURE_NOUNS and any(e.role == "fact" for e in choices):
            table_like = True  # 'order totals', 'sale prices': the events the measure is of
        if (
            length == 1
            and last[0].lower().endswith("ing")
            and found
            and found[-1].table_like
            and not text[found[-1].end : start].strip()
        ):
            # 'members booking desks': the verb names the events ('agents listing properties':
            # a property listing, though a marketplace's `listing` is a thing)
            events = choices if fact_words else [e for e in ENTRIES if e.role == "fact"
                                                 and e.name.endswith("_" + noun)]  # fmt: skip
            if events:
                choices, table_like = events, True
        if before in ("no", "non") or noun in NEVER_TABLES or _verb_after_each(tokens, i):
            table_like = False
        if length == 1 and noun not in counted and _verb_after_plural(tokens, i):
            table_like = False  # 'members check in 8 times a month': a verb, not `check`
        if (
            key_of(before) in MEASURE_NOUNS
            and after in MEASURE_VERB_AFTER
            and length == 1
            and not any(e.role == "entity" for e in choices)  # 'temperature sensors in'
        ):
            table_like = False  # 'temperature stays between 2 and 8': a verb, not stays
        for entry in choices:
            votes[entry.field] += (2.0 if table_like else 1.0) / len(choices)
        if length > 1 and table_like:
            # 'product reviews', 'home sales': the modifier names the entity the events belong to
            modifier = candidates(tokens[i][0].lower())
            facts = [e for e in choices if e.role == "fact"]
            if any(
                m.role == "entity" and any(m.name in f.parents for f in facts) for m in modifier
            ):
                word = key_of(tokens[i][0].lower())
                found.append(
                    Mention(word, start, tokens[i][2], sentence, True, modifier, implied=True)
                )
                if not any(e.name == noun for e in choices):  # 'room service orders' stay whole
                    start = tokens[i + 1][1]
                    noun = key_of("_".join(t[0].lower() for t in tokens[i + 1 : i + length]))
                    choices = candidates(noun) or choices
        found.append(Mention(noun, start, last[2], sentence, table_like, choices))
        i += length
    found += _new_nouns(parsed, tokens, found, counted | listed)
    found.sort(key=lambda m: m.start)
    best = _best_field(votes)
    notes: list[str] = []
    for mention in found:
        mention.entry = _pick(mention.choices, votes)
        if mention.entry is not None and len(mention.noun) < 3:
            mention.noun = mention.entry.name  # 'PRs' -> `pull_request`
        head = mention.noun.split("_")[-1]
        entry = mention.entry
        if entry is not None and head != mention.noun:
            others = candidates(head)
            if entry in others:
                mention.noun = head  # 'insurance claims' -> `claim`: the modifier says nothing new
    _lines_of_events(found, text)
    _events_of_named(found, votes)
    _same_as_compound(found)
    _reread_events(found)
    _roles_to_staff(found, best)
    _one_event(found, best, notes)
    _modifiers_as_parents(found, parsed.text)
    mentions = _dedupe([m for m in found if m.table_like], notes)[:MAX_TABLES]
    kept = {(m.entry.name if m.entry else m.noun): m.noun for m in mentions}
    every = [
        replace(m, noun=kept[key])
        for m in found
        if m.table_like and (key := m.entry.name if m.entry else m.noun) in kept
    ]
    return Entities(mentions, best, votes, notes, every)


def _one_event(found: list[Mention], field: str | None, notes: list[str]) -> None:
    """'1.5 million transactions ... sales double on weekends' at a coffee chain: one event
    table, not a bank's `transaction` of a `bank_account` beside the shop's sales. A money
    event read in another field, whose owner the text does not name, is the field's named
    money event."""
    from datagen.agent.offline.composition import FOLLOW_UPS

    named = {m.entry.name for m in found if m.table_like and m.entry is not None}
    facts = [m for m in found if m.table_like and m.entry is not None and m.entry.role == "fact"]
    native = [m for m in facts if m.entry is not None and m.entry.field == field]
    for mention in facts:
        entry = mention.entry
        assert entry is not None
        owner = by_name(entry.parents[0]) if entry.parents else None
        if (
            entry.field == field
            or entry.name in FOLLOW_UPS
            or any(p in named for p in entry.parents)
            or mention.implied
            or not entry.amount
            or owner is None
            or owner.role != "entity"
        ):
            continue  # a shift or a treatment is no second name of a sale
        home = next(
            (m for m in native if m is not mention and m.entry is not None and m.entry.amount),
            None,
        )
        if home is None:
            continue
        mention.table_like = False
        home.aliases.append(mention.noun)
        notes.append(
            f"'{mention.noun}' and '{home.noun}' are the same events: rows of `{home.noun}`"
        )


def _same_as_compound(found: list[Mention]) -> None:
    """'1 million parking sessions ... sessions last 20 minutes': the bare head noun after a
    compound names the same table, not a second one (a telecom `data_usage` session)."""
    for index, mention in enumerate(found):
        if not mention.table_like or "_" in mention.noun:
            continue
        earlier = next(
            (
                m
                for m in found[:index]
                if m.table_like and m.entry is not None and m.noun.split("_")[-1] == mention.noun
            ),
            None,
        )
        if earlier is not None:
            mention.noun, mention.entry, mention.choices = (
                earlier.noun,
                earlier.entry,
                [earlier.entry],
            )


def _verb_after_plural(tokens: list[tuple[str, int, int, int]], i: int) -> bool:
    """A singular word right after a plural subject and before a particle ('members check
    in 8 times') is the subject's verb."""
    if i < 1 or i + 1 >= len(tokens) or tokens[i - 1][2] + 1 != tokens[i][1]:
        return False
    subject, word, nxt = (tokens[j][0].lower() for j in (i - 1, i, i + 1))
    return (
        subject.isalpha()
        and subject not in _STOP
        and is_plural(subject)
        and not is_plural(word)
        and not word.endswith(("ing", "ed"))
        and (nxt in ("in", "on", "out", "up") or nxt in FREQUENCY_WORDS or _is_number(nxt))
    )


# words that follow a verb of doing something so often ('members attend twice a week')
FREQUENCY_WORDS = {"twice", "once", "about", "around", "roughly", "every", "weekly", "daily",
                   "monthly", "often", "regularly", "thrice"}  # fmt: skip


def _verb_after_each(tokens: list[tuple[str, int, int, int]], i: int) -> bool:
    """'each player plays 30 matches', 'each customer's smart meter reports', 'a company
    tracks 400 engineers': the word after a singular subject is its verb, never a table."""
    word = tokens[i][0].lower()
    if not word.endswith("s") or i < 1:
        return False
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    before = tokens[i - 1][0].lower()
    if (
        nxt is not None
        and _is_number(nxt[0])
        and nxt[1] == tokens[i][2] + 1  # one space, no comma: 'tracks 400 engineers'
        and before.isalpha()
        and before not in _STOP
        and not is_plural(before)
    ):
        return True  # a noun is never followed right away by a count of another noun
    for back in range(2, 5):
        if i < back or tokens[i - back][3] != tokens[i][3]:
            return False
        between = [t[0].lower().removesuffix("'s") for t in tokens[i - back + 1 : i]]
        if tokens[i - back][0].lower() in ("each", "every"):
            return all(w.isalpha() and not is_plural(w) for w in between)
    return False


def _reread_events(found: list[Mention]) -> None:
    """An event word with two readings in one field takes the one whose parents the text
    names: 'rides' beside 'scooters' are scooter rentals, beside 'drivers' taxi rides."""
    named = {m.entry.name for m in found if m.table_like and m.entry is not None}
    for mention in found:
        entry = mention.entry
        if not mention.table_like or entry is None or entry.role != "fact":
            continue

        def score(e: Entry) -> int:
            return sum(1 for p in e.parents if p in named)

        better = [
            e
            for e in readings(mention.noun)
            if e.role == "fact" and e.field == entry.field and score(e) > score(entry)
        ]
        if better:
            mention.entry = max(better, key=score)


def _roles_to_staff(found: list[Mention], field: str | None) -> None:
    """'40 partners and 200 associates' are lawyers: a role noun is a value of the staff table
    (roles.py), added from the field's staff entity when the text names none."""
    from datagen.agent.offline.roles import is_role, is_staff, staff_entry

    roles = [m for m in found if m.table_like and is_role(m.noun, m.entry)]
    if not roles:
        return
    for mention in roles:
        mention.table_like = False
    if any(m.table_like and is_staff(m.entry) for m in found):
        return
    staff = staff_entry(field)
    if staff is not None:
        first = roles[0]
        found.append(
            Mention(staff.name, first.start, first.end, first.sentence, True, [staff], staff)
        )
        found.sort(key=lambda m: m.start)


def _modifiers_as_parents(found: list[Mention], text: str) -> None:
    """'restaurant reservations', 'home sales': a singular noun right before an event that
    typically belongs to it names a table too."""
    for first, second in zip(found, found[1:], strict=False):
        if first.table_like or not second.table_like or first.entry is None:
            continue
        before = text[: first.start].split()[-1:]
        if before and before[0].lower() in SETTING_WORDS:
            continue  # 'an online shop's orders': the shop is the setting, not a table
        if second.entry is None or text[first.end : second.start].strip():
            continue
        if first.entry.role == "entity" and (
            first.entry.name in second.entry.parents or first.entry.name in second.entry.refs
        ):
            first.table_like = True


def _longest_match(
    tokens: list[tuple[str, int, int, int]], i: int
) -> tuple[int, str, list[Entry]] | None:
    for length in (3, 2, 1):
        if i + length > len(tokens):
            continue
        words = [t[0].lower().replace("-", "_") for t in tokens[i : i + length]]
        if any(_is_number(w) or w in _STOP for w in words):
            continue
        if len({t[3] for t in tokens[i : i + length]}) > 1:
            continue
        noun = key_of("_".join(words))
        short = len(noun) < 3 and not tokens[i][0][:2].isupper()  # 'PRs' is a word, 'us' not
        if length == 1 and (noun in NEVER_TABLES or short):
            continue
        choices = candidates(noun)
        if choices:
            return length, noun, choices
    return None


# verbs whose event noun is not their stem ('aircraft flying routes': flights)
VERB_EVENTS = {
    "flying": "flight", "flown": "flight", "selling": "sale", "sold": "sale", "buying": "purchase",
    "bought": "purchase", "paying": "payment", "paid": "payment", "borrowing": "loan",
    "borrowed": "loan", "lending": "loan", "lent": "loan", "watching": "view",
    "watched": "view", "shipping": "shipment", "shipped": "shipment",
}  # fmt: skip


# verbs of doing anything, that name no events of their own ('volunteers running shifts')
PLAIN_VERBS = {"running", "taking", "making", "doing", "having", "getting", "using", "handling",
               "managing", "giving", "keeping", "putting", "holding", "working", "serving"}  # fmt: skip


def _gerund_fact(word: str) -> tuple[str, list[Entry]] | None:
    """The events a verb names right after its subject: 'booking' -> booking, 'following' ->
    follow, 'arriving' -> arrival, 'exposed' -> exposure."""
    if (len(word) < 6 and word not in VERB_EVENTS) or word in NEVER_TABLES or word in PLAIN_VERBS:
        return None
    if word in VERB_EVENTS:
        forms = [VERB_EVENTS[word]]
    elif word.endswith("ing"):
        base = word[:-3]
        doubled = base[:-1] if base[-1:] == base[-2:-1] else ""
        forms = [word, base, base + "e", base + "al", base + "y", doubled]
    elif word.endswith("ed"):  # 'users exposed to a variant': their exposures
        base = word[:-2]
        forms = [base + "ure", base + "e", base + "al", base + "ment"]
    else:
        return None
    for form in forms:
        noun = key_of(form) if form else ""
        choices = [e for e in candidates(noun) if e.role == "fact"] if len(noun) > 2 else []
        if choices:
            return noun, choices
    return None


def _best_field(votes: dict[str, float]) -> str | None:
    if not votes:
        return None
    return max(sorted(votes), key=lambda f: votes.get(f, 0.0))


LINES_OF = re.compile(
    r"\b(?:has|have|with|contains?|of)\s+(?:about\s+|up\s+to\s+|between\s+)?\d[\d,]*"
    r"(?:\s*(?:to|-|–|and)\s*\d[\d,]*)?\s*$",
    re.IGNORECASE,
)


def _lines_of_events(found: list[Mention], text: str) -> None:
    """'each purchase order has 1 to 10 lines': the order's lines (an `order_line` child of the
    order), not production lines."""
    for index, mention in enumerate(found):
        if mention.noun != "line" or not index:
            continue
        prev = found[index - 1]
        if (
            prev.sentence == mention.sentence
            and prev.entry is not None
            and prev.entry.role == "fact"
            and LINES_OF.search(text[prev.end : mention.start])
        ):
            mention.table_like = False


def _events_of_named(found: list[Mention], votes: dict[str, float]) -> None:
    """An event word with several readings takes the one whose parents the text names
    ('households visit' at a food bank: a pantry visit of a household, not a patient's)."""
    named = {m.entry.name for m in found if m.table_like and m.entry and m.entry.role == "entity"}
    for mention in found:
        if mention.entry is None or mention.entry.role != "fact":
            continue
        facts = [e for e in mention.choices if e.role == "fact"]
        facts += [  # 'visit' -> the lexicon's `pantry_visit` too
            e
            for e in ENTRIES
            if e.role == "fact" and e.name.endswith("_" + mention.noun) and e not in facts
        ]
        linked = {e.name: sum(p in named for p in e.parents) for e in facts}
        if linked.get(mention.entry.name, 0) >= max(linked.values()):
            continue
        mention.entry = max(
            facts, key=lambda e: (linked[e.name], votes.get(e.field, 0.0), -facts.index(e))
        )


def _pick(choices: list[Entry], votes: dict[str, float]) -> Entry | None:
    """The reading of an ambiguous word in the field the description leans to."""
    if not choices:
        return None
    return max(choices, key=lambda e: (votes.get(e.field, 0.0), -choices.index(e)))


def _new_nouns(
    parsed: Parsed,
    tokens: list[tuple[str, int, int, int]],
    known: list[Mention],
    explicit: set[str],
) -> list[Mention]:
    """Nouns the lexicon lacks that still name tables: counted, listed, or in a list
    beside known tables ("patients, wards and *gurneys*")."""
    from datagen.agent.offline.tables import NOT_TABLES  # the template path's list, shared

    taken = [(m.start, m.end) for m in known]
    out: list[Mention] = []
    for index, (word, start, end, sentence) in enumerate(tokens):
        if any(s <= start < e for s, e in taken):
            continue
        low = word.lower().replace("-", "_")
        noun = key_of(low)
        if (
            len(noun) < 4
            or noun in NEVER_TABLES
            or low in NEVER_TABLES
            or noun in ATTRIBUTE_COUNTS
            or noun in NOT_TABLES
            or noun in NOT_NEW_TABLES
            or not re.fullmatch(r"[a-z][a-z_]*", noun)
            or low.endswith(("ing", "ly", "ed"))
        ):
            continue
        if _verb_after_plural(tokens, index):
            continue  # 'members attend twice a week': a verb, not `attend`
        prev = tokens[index - 1][0] if index else ""
        starts_sentence = not index or tokens[index - 1][3] != sentence
        if word[:1].isupper() and word[1:].islower() and not starts_sentence:
            continue  # 'Manchester and Leeds': a proper noun names a place or a brand
        plural = is_plural(low)
        in_list = plural and _beside_known(parsed.text, start, end, known)
        if not (noun in explicit or (plural and _is_number(prev)) or in_list):
            continue
        compound = f"{key_of(prev.lower())}_{noun}" if prev.isalpha() else ""
        if compound in explicit and tokens[index - 1][3] == sentence:
            # '5 collection centers': the counted compound names the table, not `center`
            noun, start = compound, tokens[index - 1][1]
        if any(m.noun == noun for m in out):
            continue
        out.append(Mention(noun, start, end, sentence, True, []))
    return out


def _beside_known(text: str, start: int, end: int, known: list[Mention]) -> bool:
    for mention in known:
        if not mention.table_like:
            continue
        gap = text[mention.end : start] if mention.end <= start else text[end : mention.start]
        if LIST_GLUE.match(gap):
            return True
    return False


def _dedupe(mentions: list[Mention], notes: list[str]) -> list[Mention]:
    """One mention per table: 'dogs, cats and rabbits' are all `pet`; a new noun listed only
    beside kinds of one entity ('rabbits' next to 'dogs, cats') is one more kind of it."""
    out: list[Mention] = []
    seen: dict[str, Mention] = {}
    words: dict[str, list[str]] = {}
    for mention in mentions:
        key = mention.entry.name if mention.entry else mention.noun
        words.setdefault(key, [])
        if mention.noun not in words[key]:
            words[key].append(mention.noun)
        if key in seen:
            continue
        seen[key] = mention
        out.append(mention)
    for key, nouns in words.items():
        first = seen[key]
        if len(nouns) > 1 and first.entry is not None:
            first.noun = first.entry.name  # 'dogs and cats' -> one table `pet`
            notes.append(" and ".join(f"'{n}'" for n in nouns) + f" are all rows of `{first.noun}`")
    return out
