"""Entities of the lexicon + relations read in the description -> a Blueprint.

The blueprint is then handled like a domain template (counts, windows, columns,
behaviours, claims), so a description in any of the lexicon's fields gets its own
tables instead of the nearest template's. Every table that the description did
not name is added with an assumption that says why.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from datagen.agent.offline.blueprints import Blueprint
from datagen.agent.offline.blueprints import parts as P
from datagen.agent.offline.entities import EVENT_SUFFIXES, Entities, Mention
from datagen.agent.offline.lexicon import ENTRIES, Entry, by_name
from datagen.agent.offline.lexicon.columns import generator_for_column, naming_kind

CONSUMER = {"retail", "food", "media", "gaming", "social", "marketplace", "mobility",
            "hospitality", "travel", "sports"}  # fmt: skip
BUSINESS = {"hr", "legal", "government", "insurance", "education", "health", "vet",
            "manufacturing", "logistics", "real_estate", "nonprofit", "science", "marketing",
            "finance", "agriculture"}  # fmt: skip
ENDS = {
    # end column: (unit of the lag, median lag)
    "picked_up_at": ("min", 6.0),
    "dropped_off_at": ("min", 18.0),
    "ended_at": ("min", 40.0),
    "locked_at": ("min", 14.0),
    "unplugged_at": ("min", 50.0),
    "arrived_at": ("min", 150.0),
    "delivered_at": ("h", 40.0),
    "discharged_at": ("h", 90.0),
    "closed_at": ("h", 30.0),
    "resolved_at": ("h", 20.0),
    "merged_at": ("h", 20.0),
    "returned_at": ("h", 300.0),
    "paid_at": ("h", 48.0),
    "due_date": ("D", 20.0),
    "due_on": ("D", 20.0),
    "due_at": ("D", 10.0),
    "check_in_date": ("D", 25.0),
    "departure_date": ("D", 40.0),
    "expected_on": ("D", 10.0),
    "end_date": ("D", 365.0),
    "ends_on": ("D", 365.0),
    "ends_at": ("D", 20.0),
    "expires_on": ("D", 1000.0),
    "close_date": ("D", 40.0),
    "incident_date": ("D", -5.0),
}
# events that follow another event of the dataset when their own parent is not named
# ("orders and payments": a payment per order, not per bank customer)
FOLLOW_UPS = {"payment", "invoice", "return", "review", "shipment", "chargeback", "seller_review",
              "tracking_event", "refund", "message", "comment", "reaction"}  # fmt: skip
# things whose names end like events ('40 locations', '12 stations'): tables of things
THING_NOUNS = {
    "location", "station", "institution", "organization", "organisation", "department",
    "apartment", "equipment", "instrument", "terminal", "hospital", "animal", "portal",
    "division", "section", "mansion", "compartment", "pavilion", "region", "position",
    "nation", "congregation", "foundation", "jurisdiction", "constituency",
}  # fmt: skip
SELF_REFERENCES = {"manager_id", "parent_id", "referred_by", "reports_to", "mentor_id"}
LAG_WORD = {"min": "minutes", "h": "hours", "D": "days"}
ADD_FN = {"min": "add_minutes", "h": "add_hours", "D": "add_days"}


@dataclass
class Table:
    id: str
    entry: Entry | None
    role: str  # "entity" | "fact"
    parents: list[str] = field(default_factory=list)  # table ids; facts: the first drives
    refs: list[str] = field(default_factory=list)  # entities: tables they point at
    mentioned: bool = True
    why: str = ""  # for a table the description did not name
    words: list[str] = field(default_factory=list)  # other nouns the text uses for its rows
    subject: str | None = None  # facts: who does them, by the text ('households visit')


@dataclass
class Composition:
    tables: dict[str, Table]
    field: str | None
    notes: list[str]
    main_fact: str
    main_entity: str


def compose_entities(entities: Entities, text: str) -> Composition | None:
    """The tables and relations for a description, or None when no noun names a table."""
    if not entities.mentions:
        return None
    tables: dict[str, Table] = {}
    by_entry: dict[str, str] = {}
    notes = list(entities.notes)
    for mention in entities.mentions:
        table = _table_for(mention)
        if table.id in tables:
            continue
        table.words = list(mention.aliases)
        tables[table.id] = table
        if mention.entry is not None:
            by_entry[mention.entry.name] = table.id
        else:
            kind = "events" if table.role == "fact" else "things"
            notes.append(
                f"`{table.id}` is not in the lexicon: a table of {kind} with columns guessed "
                "from its name"
            )
    # every mention: 'each user logs 12 workouts' relates a table named earlier too
    _relations_from_text(entities.every or entities.mentions, tables, text)
    _typical_relations(tables, by_entry, entities.field, notes, text)
    facts = [t for t in tables.values() if t.role == "fact"]
    if not facts:
        fact = _linking_fact(tables, by_entry, entities.field, text)
        if fact is None:
            return None
        _add_entry(tables, by_entry, fact, f"the events of {_names(tables, 'entity')}", notes)
        _typical_relations(tables, by_entry, entities.field, notes, text)
    _connect_islands(tables, by_entry, entities.field, notes, text)
    facts = [t for t in tables.values() if t.role == "fact"]
    main_fact = next((t.id for t in facts if t.mentioned), facts[0].id)
    main_entity = _root(tables, main_fact)
    return Composition(tables, entities.field, notes, main_fact, main_entity)


def _table_for(mention: Mention) -> Table:
    entry = mention.entry
    if entry is None:
        last = mention.noun.split("_")[-1]
        from datagen.agent.offline.blueprints.generic import is_event_noun

        event = is_event_noun(mention.noun) or (
            last.endswith(EVENT_SUFFIXES) and last not in THING_NOUNS
        )
        return Table(mention.noun, None, "fact" if event else "entity")
    return Table(mention.noun, entry, entry.role)


def _names(tables: dict[str, Table], role: str) -> str:
    return ", ".join(f"`{t.id}`" for t in tables.values() if t.role == role)


def _add_entry(
    tables: dict[str, Table], by_entry: dict[str, str], entry: Entry, why: str, notes: list[str]
) -> str:
    table_id = entry.name
    while table_id in tables:
        table_id += "_" + entry.field
    tables[table_id] = Table(table_id, entry, entry.role, mentioned=False, why=why)
    by_entry[entry.name] = table_id
    notes.append(f"added `{table_id}`: {why}")
    return table_id


PREPOSITION = re.compile(
    r"^[\s,]*(?:and\s+)?(?:to|in|at|for|from|on|by|with|of|into|across|between|via|about|"
    r"against|under|inside|within|among)\b",
    re.IGNORECASE,
)
VERB_GAP = re.compile(r"^\s*(?:\w+\s+){0,2}\w+\s*$")  # "issue", "are assigned", "book"


def _relations_from_text(mentions: list[Mention], tables: dict[str, Table], text: str) -> None:
    """Verbs and prepositions: 'officers issue tickets to vehicles in zones' ->
    ticket's parents officer, vehicle, zone; 'through listings' -> a link table."""
    ids = {m.noun for m in mentions}
    ordered = [m for m in mentions if m.noun in tables]
    for index, mention in enumerate(ordered):
        table = tables[mention.noun]
        if table.role != "fact":
            continue
        # a subject right before the fact: "members borrow books", "riders take trips"
        if index:
            prev = ordered[index - 1]
            gap = text[prev.end : mention.start]
            if (
                prev.sentence == mention.sentence
                and tables[prev.noun].role == "entity"
                and (
                    VERB_GAP.match(gap)
                    or _gerund_after(gap, text, mention)
                    or _noun_as_verb(gap, text, prev, mention)
                )
                and not PREPOSITION.match(gap)
                and gap.strip().lower() not in ("and", "or", "&")  # '300 workers and heats
                and prev.noun not in table.parents
            ):
                table.parents.insert(0, prev.noun)
                if _noun_as_verb(gap, text, prev, mention):
                    table.subject = table.subject or prev.noun
        # objects after it: "... to vehicles in zones"
        last_end = mention.end
        for other in ordered[index + 1 :]:
            if other.sentence != mention.sentence:
                break
            gap = text[last_end : other.start]
            glue = last_end != mention.end and re.match(r"^\s*(,|and|,\s*and)\s*$", gap)
            # 'aircraft flying 120 routes': the verb's object right after it
            direct = last_end == mention.end and re.match(r"^\s*(?:\d[\d,]*\s+)?$", gap)
            if len(gap) > 40 or not (PREPOSITION.match(gap) or glue or direct):
                break  # 'orders and campaigns' are listed side by side, not related
            target = tables[other.noun]
            if target.role == "entity" and other.noun not in table.parents:
                table.parents.append(other.noun)
            elif target.role == "fact":
                _link_facts(table, target)
            last_end = other.end
    for index, mention in enumerate(ordered[:-1]):
        # "products in categories", "patients in wards": an entity points at another
        table, other = tables[mention.noun], tables[ordered[index + 1].noun]
        gap = text[mention.end : ordered[index + 1].start]
        if (
            table.role == other.role == "entity"
            and mention.sentence == ordered[index + 1].sentence
            and re.match(r"^\s*(?:in|of|from|within|under|at)\s+(?:\d[\d,]*\s+)?(?:the\s+)?$", gap)
            and other.id not in table.refs
            and other.id != table.id
        ):
            table.refs.append(other.id)
    through = re.search(r"\bthrough\s+(?:the\s+|a\s+)?([a-z][a-z-]+)", text, re.IGNORECASE)
    if through:
        from datagen.agent.offline.lexicon import key_of

        link = key_of(through.group(1))
        if link in tables and link in ids:
            before = [
                m.noun
                for m in ordered
                if m.start < through.start() and tables[m.noun].role == "entity" and m.noun != link
            ][-2:]
            if len(before) == 2:
                table = tables[link]
                table.role = "fact"
                table.parents = before + [p for p in table.parents if p not in before]
                table.refs = []
                table.why = f"links `{before[0]}` and `{before[1]}` (many-to-many through it)"


def _gerund_after(gap: str, text: str, mention: Mention) -> bool:
    """'300 farmers delivering milk': the verb right after its subject names the events."""
    return gap == " " and text[mention.start : mention.end].lower().endswith("ing")


def _noun_as_verb(gap: str, text: str, subject: Mention, fact: Mention) -> bool:
    """'households visit', 'members check in': the event's noun is the plural subject's verb."""
    said = text[fact.start : fact.end].lower()
    return (
        gap == " "
        and text[subject.start : subject.end].lower().endswith("s")
        and not said.endswith("s")
        and not said.endswith("ing")
    )


def _link_facts(table: Table, target: Table) -> None:
    """Two events in one phrase ('bookings on flights'): the lexicon says which holds which."""
    if table.entry and target.entry and target.entry.name in table.entry.parents:
        if target.id not in table.parents:
            table.parents.append(target.id)
    elif table.entry and target.entry and table.entry.name in target.entry.parents:
        if table.id not in target.parents:
            target.parents.append(table.id)


def _is_setting(entry: Entry, text: str) -> bool:
    """'An airline with 40 aircraft': the one airline the data is about, not a table of
    airlines its flights belong to (named with a/an and never in the plural)."""
    low = text.lower()
    words = [w.replace("_", " ") for w in entry.words]
    single = any(re.search(rf"\b(?:a|an|our|the)\s+(?:\w+\s+)?{w}\b", low) for w in words)
    plural = any(re.search(rf"\b{w}(?:s|es)\b", low) for w in words)
    return single and not plural


def _typical_relations(
    tables: dict[str, Table],
    by_entry: dict[str, str],
    fld: str | None,
    notes: list[str],
    text: str = "",
) -> None:
    """The lexicon's relations between the tables present; a fact's driving parent is added
    when the description names none."""
    pending = True
    while pending:
        pending = False
        for table in list(tables.values()):
            entry = table.entry
            if table.role == "fact":
                if entry is not None:
                    for parent in entry.parents:
                        present = by_entry.get(parent)
                        if present and present not in table.parents and present != table.id:
                            table.parents.append(present)
                other_facts = [
                    t.id
                    for t in tables.values()
                    if t.role == "fact" and t.id != table.id and t.mentioned
                ]
                typical = entry.parents[0] if entry and entry.parents else None
                follows = entry is None or entry.name in FOLLOW_UPS
                if (
                    not table.parents
                    and other_facts
                    and follows
                    and (typical is None or typical not in by_entry)
                ):
                    # 'orders ... and payments': a payment belongs to an order of this dataset
                    main = other_facts[0]
                    if table.id not in tables[main].parents:
                        table.parents.append(main)
                        notes.append(f"each `{table.id}` belongs to one `{main}`")
                        continue
                device = _named_device(tables) if entry and _is_reading(entry) else None
                if not table.parents and device is not None:
                    # 'tanks ...; readings every 10 minutes': the readings of the tanks named
                    table.parents.append(device)
                    notes.append(f"each `{table.id}` is taken by one `{device}`")
                    continue
                if not table.parents:
                    parent_entry = by_name(entry.parents[0]) if entry and entry.parents else None
                    if parent_entry is None:
                        parent_entry = _person_entry(fld)
                    person = _dataset_person(tables, parent_entry, table)
                    alike = _same_event(tables, parent_entry, table)
                    if parent_entry.name in by_entry:
                        table.parents.append(by_entry[parent_entry.name])
                    elif alike is not None:
                        # 'visits ... treatments' at a dentist: the treatments of those visits,
                        # not of a vet's `vet_visit` of a `pet`
                        table.parents.append(alike)
                    elif person is not None:
                        # 'users following users': the dataset's own people, not a new table
                        table.parents.append(person)
                    else:
                        added = _add_entry(
                            tables,
                            by_entry,
                            parent_entry,
                            f"each `{table.id}` belongs to one",
                            notes,
                        )
                        table.parents.append(added)
                        pending = True
                elif entry is not None and entry.parents and by_entry.get(entry.parents[0]) is None:
                    # the typical driver is missing: keep the text's subject, or add the driver
                    # when the parents present are only things the fact points at
                    subject = tables[table.parents[0]]
                    if (subject.role == "fact" and entry.name not in FOLLOW_UPS) or (
                        subject.role == "entity"
                        and subject.entry is not None
                        and naming_kind(subject.entry.name) != "person"
                        # 'households visit': the text's own subject does the events
                        and subject.id != table.subject
                        # 'each panel logs readings': a reading is of the device named
                        and not _is_reading(entry)
                    ):
                        parent_entry = by_name(entry.parents[0])
                        person = (
                            _dataset_person(tables, parent_entry, table) if parent_entry else None
                        )
                        if person is not None and person not in table.parents:
                            table.parents.insert(0, person)
                        elif (
                            parent_entry is not None
                            and parent_entry.role == "entity"
                            and not _is_setting(parent_entry, text)
                        ):
                            added = _add_entry(
                                tables,
                                by_entry,
                                parent_entry,
                                f"who the `{table.id}` rows belong to",
                                notes,
                            )
                            table.parents.insert(0, added)
                            pending = True
                if entry is not None:
                    rank = {
                        by_entry.get(p): i for i, p in enumerate(entry.parents) if by_entry.get(p)
                    }
                    if (
                        (
                            table.parents
                            and table.parents[0] not in rank
                            and not _is_person(tables[table.parents[0]])
                        )
                        or table.parents
                        and table.parents[0] in rank
                        or _is_reading(entry)  # 'homes reporting readings': the meter's
                    ):
                        table.parents.sort(key=lambda p: rank.get(p, len(rank)))
            elif entry is not None:
                for ref in entry.refs:
                    present = by_entry.get(ref) or _same_person(tables, ref, table)
                    if present and present not in table.refs and present != table.id:
                        table.refs.append(present)


def _is_reading(entry: Entry) -> bool:
    """Measurements taken by a device (a meter's, a sensor's, a turbine's readings)."""
    return any(w.endswith(("reading", "measurement", "telemetry")) for w in entry.words)


def _named_device(tables: dict[str, Table]) -> str | None:
    """The named thing that takes readings: one the lexicon reads (a turbine, an inverter),
    else the first named thing that is no person."""
    things = [
        t
        for t in tables.values()
        if t.role == "entity" and t.mentioned and not _is_person(t)
        and (t.entry is None or t.entry.naming not in ("person", "company", "place"))
    ]  # fmt: skip
    readers = {p for e in ENTRIES if e.role == "fact" and _is_reading(e) for p in e.parents}
    known = [t.id for t in things if t.entry is not None and t.entry.name in readers]
    found = known or [t.id for t in things]
    return found[0] if found else None


def _same_person(tables: dict[str, Table], ref: str, table: Table) -> str | None:
    """For a table the description did not name: its person is the dataset's person
    (a `policy` added for hospital patients belongs to a `patient`, not a new policyholder)."""
    ref_entry = by_name(ref)
    if table.mentioned or ref_entry is None or ref_entry.naming != "person":
        return None
    people = [t.id for t in tables.values() if t.role == "entity" and _is_person(t) and t.mentioned]
    return people[0] if people else None


def _same_event(tables: dict[str, Table], wanted: Entry, fact: Table) -> str | None:
    """A named event of the dataset that goes by a word of the event the lexicon's fact
    expects (the dentist's `visit`, an `appointment`, for a treatment's `vet_visit`)."""
    if wanted.role != "fact":
        return None
    for table in tables.values():
        if (
            table.mentioned
            and table.role == "fact"
            and table.id != fact.id
            and table.entry is not None
            and set(table.entry.words) & set(wanted.words)
        ):
            return table.id
    return None


def _dataset_person(tables: dict[str, Table], wanted: Entry, fact: Table) -> str | None:
    """The person the text named, standing in for a person the lexicon's fact expects
    ('members booking desks': the gym's members, not a new social `member` table)."""
    from datagen.agent.offline.roles import is_staff

    if wanted.naming != "person":
        return None
    people = [
        t
        for t in tables.values()
        if t.mentioned
        and t.role == "entity"
        and _is_person(t)
        and is_staff(t.entry) == is_staff(wanted)  # agents do not stand in for callers
    ]
    people.sort(
        key=lambda t: (t.entry is None or t.entry.field != wanted.field, t.id in fact.parents)
    )
    return people[0].id if people and people[0].id not in fact.parents else None


def _stands_in(driver: Table, entry: Entry) -> bool:
    """The dataset's person standing in for the person the events belong to ('users
    swiping': the app's users make the swipes of a social `member`), at the same rate."""
    wanted = by_name(entry.parents[0]) if entry.parents else None
    return _is_person(driver) and wanted is not None and wanted.naming == "person"


def _is_person(table: Table) -> bool:
    return table.entry is not None and table.entry.naming == "person"


def _person_entry(fld: str | None) -> Entry:
    for entry in ENTRIES:
        if entry.field == fld and entry.role == "entity" and entry.naming == "person":
            return entry
    found = by_name("user")
    assert found is not None
    return found


def _linking_fact(
    tables: dict[str, Table], by_entry: dict[str, str], fld: str | None, text: str = ""
) -> Entry | None:
    """The lexicon fact that links most of the entities present (none named any events); among
    equals, the one whose words the text uses ('email campaigns sent to leads': email sends)."""
    words = set(re.findall(r"[a-z]+", text.lower()))
    best: tuple[int, int, int, Entry] | None = None
    for entry in ENTRIES:
        if entry.role != "fact" or not entry.parents:
            continue
        covered = sum(1 for p in entry.parents if p in by_entry)
        named = any(set(name.split("_")) & words for name in entry.words)
        if covered == 0 or entry.parents[0] not in by_entry and covered < 2 and not named:
            continue  # 'a dog-walking app with 500 walkers': walks, though no dog is named
        score = (covered, int(named), 1 if entry.field == fld else 0, entry)
        if best is None or score[:3] > best[:3]:
            best = score
    return best[3] if best else None


def _connect_islands(
    tables: dict[str, Table],
    by_entry: dict[str, str],
    fld: str | None,
    notes: list[str],
    text: str = "",
) -> None:
    """An entity nothing points at: linked by the lexicon fact between it and the tables present,
    or referenced by the main events."""
    for table in list(tables.values()):
        if table.role != "entity" or table.id in _reached(tables):
            continue
        holder = _holder(tables, table)
        if holder is not None:
            # sellers beside products: the products are the sellers' (as a listing is)
            tables[holder].refs.append(table.id)
            notes.append(f"each `{holder}` belongs to one `{table.id}`")
            continue
        link = None
        for entry in ENTRIES:
            if (
                entry.role == "fact"
                and table.entry is not None
                and table.entry.name in entry.parents
                and any(by_entry.get(p) for p in entry.parents if p != table.entry.name)
                and entry.name not in by_entry
            ):
                if link is None or (entry.field == fld and link.field != fld):
                    link = entry
        if link is not None:
            _add_entry(tables, by_entry, link, f"links `{table.id}` to the rest", notes)
            _typical_relations(tables, by_entry, fld, notes, text)
            continue
        facts = [t for t in tables.values() if t.role == "fact"]
        if facts:
            facts[0].parents.append(table.id)


def _holder(tables: dict[str, Table], island: Table) -> str | None:
    """A table present whose kind of rows the lexicon has pointing at the island's entity
    (a `listing` refs its `seller`, so a `product` of the dataset refs the sellers named)."""
    if island.entry is None:
        return None
    kinds = {
        e.naming
        for e in ENTRIES
        if e.role == "entity" and island.entry.name in e.refs and e.naming in ("product", "title")
    }
    for table in tables.values():
        if (
            table.role == "entity"
            and table.id != island.id
            and table.entry is not None
            and table.entry.naming in kinds
            and table.id in _reached(tables)
            and not any(
                _naming(tables[r]) == island.entry.naming for r in table.refs if r in tables
            )
        ):
            return table.id
    return None


def _naming(table: Table) -> str | None:
    return table.entry.naming if table.entry is not None else None


def _reached(tables: dict[str, Table]) -> set[str]:
    """Entities some fact points at, directly or through the entities it points at."""
    pending = [p for t in tables.values() if t.role == "fact" for p in t.parents]
    seen: set[str] = set()
    while pending:
        table_id = pending.pop()
        if table_id in seen or table_id not in tables:
            continue
        seen.add(table_id)
        pending += tables[table_id].refs
    return seen


def _root(tables: dict[str, Table], fact: str) -> str:
    seen = set()
    current = fact
    while tables[current].role == "fact" and tables[current].parents and current not in seen:
        seen.add(current)
        current = tables[current].parents[0]
    return current


# --------------------------------------------------------------------------- nodes


def to_blueprint(comp: Composition) -> Blueprint:
    order = _ordered(comp.tables)
    nodes = []
    inequalities: list[tuple[str, str, str]] = []
    ranges: list[tuple[str, float | None, float | None]] = []
    synonyms: dict[str, str] = {}
    times: dict[str, str] = {}
    for table_id in order:
        table = comp.tables[table_id]
        node = _node(table, comp, times)
        nodes.append(node)
        for word in table.words:
            synonyms[word] = table_id
        if table.entry is not None:
            for word in table.entry.words:
                synonyms.setdefault(word, table_id)
        inequalities += _end_inequalities(node)
        for col in node["columns"]:
            dist = col["generator"].get("distribution")
            if dist and dist["type"] == "lognormal":
                ranges.append((f"{table_id}.{col['name']}", 0, None))
    for node in nodes:
        time = times.get(node["id"])
        if node["kind"] != "fact" or time is None:
            continue
        keys = {
            c["name"]
            for c in node["columns"]
            if "lookup" in c["generator"] and "on" not in c["generator"]["lookup"]
        }
        for parent in node["parents"]:
            start = times.get(parent)
            if start and comp.tables[parent].role == "entity" and f"{parent}_id" in keys:
                inequalities.append((f"{node['id']}.{time}", ">=", f"{parent}.{start}"))
    main = comp.main_entity
    main_node = next(n for n in nodes if n["id"] == main)
    main_cols = {c["name"] for c in main_node["columns"]}
    fact_node = next(n for n in nodes if n["id"] == comp.main_fact)
    time_column = times.get(comp.main_fact)
    if time_column is None:
        time_column = "occurred_at"
        fact_node["columns"].append(P.ts("occurred_at"))
        times[comp.main_fact] = time_column
    entry = comp.tables[comp.main_fact].entry
    amount = entry.amount if entry and entry.amount else _first_amount(fact_node)
    popular = next(
        (
            f"{comp.main_fact}.{c['name']}"
            for c in fact_node["columns"][2:]
            if "lookup" in c["generator"] and "on" not in c["generator"]["lookup"]
        ),
        None,
    )
    title = f"{comp.field or 'general'} (composed from the lexicon)"
    return Blueprint(
        domain=comp.field or "generic",
        title=title,
        keywords={},
        nodes=nodes,
        main_entity=main,
        main_fact=comp.main_fact,
        time_column=time_column,
        amount_column=amount,
        signup_column=times.get(main) if comp.tables[main].role == "entity" else None,
        country_column="country" if "country" in main_cols else None,
        synonyms=synonyms,
        inequalities=inequalities,
        ranges=ranges,
        means=[],
        popular_fk=popular,
    )


def _ordered(tables: dict[str, Table]) -> list[str]:
    """Entities first (a referenced one before its referrer), then facts after their parents."""
    done: list[str] = []
    visiting: set[str] = set()

    def visit(table_id: str) -> None:
        if table_id in done or table_id in visiting or table_id not in tables:
            return
        visiting.add(table_id)
        table = tables[table_id]
        for dep in table.parents + table.refs:
            visit(dep)
        visiting.discard(table_id)
        done.append(table_id)

    for table_id in sorted(tables, key=lambda t: tables[t].role != "entity"):
        visit(table_id)
    entities = [t for t in done if tables[t].role == "entity"]
    return entities + [t for t in done if tables[t].role == "fact"]


def entry_columns(table_id: str, entry: Entry | None, role: str) -> list[dict[str, Any]]:
    """The columns of an entry (or of a new noun, guessed from its name and role)."""
    import copy

    if entry is None:
        from datagen.agent.offline.blueprints.generic import is_person_noun

        names: list[Any] = (
            ["occurred_at", "status", "amount"]
            if role == "fact"
            else ["full_name", "email", "joined_at"]
            if is_person_noun(table_id)
            else ["name", "category", "created_at"]
        )
    else:
        names = list(entry.columns)
    out = []
    basis = entry.name if entry is not None else table_id
    for spec in names:
        if isinstance(spec, dict):
            out.append(copy.deepcopy(spec))
            continue
        name, _, alias = spec.partition("@")
        col, _ = generator_for_column(basis, alias or name)
        col["name"] = name
        if col["generator"].get("sequence"):
            continue
        out.append(col)
    if entry is not None and entry.naming == "person" and any(c["name"] == "country" for c in out):
        out.sort(key=lambda c: c["name"] != "country")  # the locale column comes first
        for col in out:
            faker = col["generator"].get("faker")
            if faker and faker["method"] in ("name", "first_name", "last_name"):
                faker["locale_from"] = "country"
    if entry is not None and entry.naming == "product" and entry.vocabulary:
        from datagen.agent.offline.lexicon.names import product_names

        for col in out:
            if col["name"] in ("name", "title") and "choice" in col["generator"]:
                col["generator"]["choice"]["choices"] = product_names(entry.vocabulary)
    return out


def _node(table: Table, comp: Composition, times: dict[str, str]) -> dict[str, Any]:
    columns = entry_columns(table.id, table.entry, table.role)
    names = {c["name"] for c in columns}
    fld = table.entry.field if table.entry else comp.field
    if table.role == "entity":
        for col in columns:
            spec = col["generator"].get("datetime_series")
            if spec and spec.get("within") == "timeframe":
                spec["within"] = "@history"
        fks = [P.fk(ref) for ref in table.refs]
        for index, col in enumerate(columns):
            if col["name"] in SELF_REFERENCES:  # a manager is another employee
                columns[index] = P.fk(table.id, col["name"], null_rate=0.1)
        rows = table.entry.rows if table.entry else 300
        node = P.entity(table.id, rows, [*fks, *columns])
    else:
        driver = table.parents[0]
        lam = table.entry.per_parent if table.entry else 3.0
        driver_entry = comp.tables[driver].entry
        if (
            table.entry
            and table.entry.parents
            and (driver_entry is None or driver_entry.name not in table.entry.parents)
            and not _stands_in(comp.tables[driver], table.entry)
        ):
            # a shipment's 800 per warehouse is no count per order: a delivery of an order
            # is one or so, rows of an entity a few
            lam = 1.0 if comp.tables[driver].role == "fact" else min(lam, 3.0)
        extra = [p for p in table.parents[1:] if p != table.id]
        fks = [
            # a meter's reading is of the meter's home, not of any home
            P.attr(f"{p}_id", "int", f"{driver}.{p}_id", f"{driver}_id")
            if p in comp.tables[driver].refs
            else P.fk(p, skew=None if comp.tables[p].role == "fact" else "zipf@1.1")
            for p in extra
        ]
        node = P.fact(table.id, driver, lam, [*fks, *columns], extra_parents=extra)
        node["fanout"]["min"] = 0
        if comp.tables[driver].role == "fact" and driver in times:
            # a child of an event happens at its parent's time (order lines, treatments)
            for index, col in enumerate(node["columns"]):
                if col["type"] in ("datetime", "date") and "datetime_series" in col["generator"]:
                    node["columns"][index] = P.attr(
                        col["name"], "datetime", f"{driver}.{times[driver]}", f"{driver}_id"
                    )
                    break
    time = _time_column(table, node)
    if time is not None:
        times[table.id] = time
        if table.role == "fact":
            _shape_time(node, time, fld)
    _derive_ends(node, names)
    if table.role == "entity" and table.entry is not None and table.entry.naming == "person":
        rows = node.get("rows") or 1000
        node["rows"] = rows
    return node


def _time_column(table: Table, node: dict[str, Any]) -> str | None:
    cols = {c["name"]: c for c in node["columns"]}
    if table.entry is not None and table.entry.time in cols:
        if cols[table.entry.time]["type"] in ("datetime", "date"):
            return table.entry.time
    for col in node["columns"]:
        if col["type"] in ("datetime", "date") and col["name"] not in ENDS:
            gen = col["generator"]
            spec = gen.get("datetime_series")
            if spec and isinstance(spec.get("within"), dict) and col["name"].startswith("birth"):
                continue
            if spec or gen.get("lookup"):
                return str(col["name"])
    return None


def _shape_time(node: dict[str, Any], time: str, fld: str | None) -> None:
    col = next(c for c in node["columns"] if c["name"] == time)
    spec = col["generator"].get("datetime_series")
    if spec is None or spec.get("pattern"):
        return
    if col["type"] == "date":
        col["type"] = "datetime"
        spec.pop("freq", None)
    if fld == "food":
        spec["pattern"] = [
            {"dimension": "hour", "weights": list(P.HOUR_MEALS)},
            {"dimension": "dow", "weights": list(P.DOW_WEEKEND)},
        ]
    elif fld in CONSUMER:
        spec["pattern"] = [
            {"dimension": "hour", "weights": list(P.HOUR_CONSUMER)},
            {"dimension": "dow", "weights": list(P.DOW_MILD)},
        ]
    elif fld in BUSINESS:
        spec["pattern"] = [
            {"dimension": "hour", "weights": list(P.HOUR_BUSINESS)},
            {"dimension": "dow", "weights": list(P.DOW_WORKWEEK)},
        ]


def _derive_ends(node: dict[str, Any], names: set[str]) -> None:
    """An end time follows its start: delivered_at = shipped_at + a lag, by construction."""
    columns = node["columns"]
    previous: str | None = None
    index = 0
    while index < len(columns):
        col = columns[index]
        name = col["name"]
        is_time = col["type"] in ("datetime", "date")
        if is_time and name in ENDS and previous is not None:
            unit, median = ENDS[name]
            lag_name, fn = _lag(columns, name, unit)
            if lag_name is None:
                stem = name.removesuffix("_at").removesuffix("_date").removesuffix("_on")
                side = "before" if median < 0 else "after"
                lag_name = f"{stem}_{LAG_WORD[unit]}_{side}"
                lag = P.num(
                    lag_name,
                    "lognormal",
                    (0.0, abs(median) * 40),
                    mean=round(math.log(abs(median)), 4),
                    sigma=0.6,
                )
                lag["modifiers"] = [
                    {"transform": "expression", "args": {"expr": "round(value, 1)"}}
                ]
                columns.insert(index, lag)
                index += 1
            sign = "-" if median < 0 else ""
            columns[index] = P.expr(name, "datetime", f"{fn}({previous}, {sign}{lag_name})")
            if median < 0:
                columns[index] = P.expr(name, "datetime", f"{fn}({previous}, 0 - {lag_name})")
        elif is_time and ("datetime_series" in col["generator"] or "lookup" in col["generator"]):
            spec = col["generator"].get("datetime_series")
            if not (spec and isinstance(spec.get("within"), dict) and name.startswith("birth")):
                previous = name
        index += 1


def _lag(columns: list[dict[str, Any]], end: str, unit: str) -> tuple[str | None, str]:
    """An existing duration column to add, with the function that adds it."""
    names = {c["name"] for c in columns}
    for candidate, fn in (
        ("duration_minutes", "add_minutes"),
        ("wait_minutes", "add_minutes"),
        ("nights", "add_days"),
        ("length_of_stay_days", "add_days"),
        ("days_on_market", "add_days"),
        ("duration_days", "add_days"),
        ("days", "add_days"),
        ("hours", "add_hours"),
    ):
        if candidate in names and (
            end not in ("picked_up_at", "check_in_date", "due_date", "due_on")
        ):
            return candidate, fn
    return None, ADD_FN[unit]


def _end_inequalities(node: dict[str, Any]) -> list[tuple[str, str, str]]:
    out = []
    for col in node["columns"]:
        expr = col["generator"].get("expression")
        if not expr:
            continue
        m = re.match(r"add_(?:minutes|hours|days)\((\w+), (\w+)\)$", expr["expr"])
        if m:
            out.append((f"{node['id']}.{col['name']}", ">=", f"{node['id']}.{m.group(1)}"))
    return out


def _first_amount(node: dict[str, Any]) -> str | None:
    for col in node["columns"]:
        mods = col.get("modifiers") or []
        if col["type"] == "float" and any("round(value, 2)" in str(m) for m in mods):
            return str(col["name"])
    return None
