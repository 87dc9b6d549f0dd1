"""Tables of a draft: the nouns that never are tables, tables the text names or lists
beside known ones, and tables merged in from a second domain's template."""

from __future__ import annotations

import copy
import difflib
import re
from typing import Any

from datagen.agent.offline import surgery
from datagen.agent.offline.blueprints import BLUEPRINTS
from datagen.agent.offline.blueprints import parts as P
from datagen.agent.offline.blueprints.generic import (
    generic_entity,
    generic_event,
    is_event_noun,
    is_person_noun,
)
from datagen.agent.offline.domains import GENERIC_THRESHOLD, domain_scores
from datagen.agent.offline.draft import Draft, resolve_windows, start_draft
from datagen.agent.offline.entities import NEVER_TABLES
from datagen.agent.offline.naming import is_plural, singular
from datagen.agent.offline.parse import (
    _NON_TABLE,
    _STOP,
    COUNTRIES,
    COUNTRY_ADJECTIVES,
    FILLER,
    REGIONS,
    TIME_UNITS,
    Parsed,
)
from datagen.agent.offline.roles import role_share

NOT_TABLES = (
    NEVER_TABLES
    | _STOP
    | FILLER
    | set(_NON_TABLE)
    | set(TIME_UNITS)
    | set(COUNTRIES)
    | set(REGIONS)
    | set(
        [
            "dataset",
            "data",
            "database",
            "schema",
            "thing",
            "stuff",
            "lot",
            "kind",
            "type",
            "way",
            "weekend",
            "weekday",
            "spike",
            "peak",
            "hour",
            "business",
            "user",
            "detail",
            "example",
            "value",
            "number",
            "amount",
            "name",
            "date",
            "also",
            "plus",
            "etc",
            "some",
            "include",
            "contain",
            "generate",
            "create",
            "make",
            "need",
            "want",
            "like",
            "this",
            "that",
            "its",
            "has",
            "was",
            "is",
            "as",
            "us",
            "yes",
            "less",
            "news",
            "always",
            "various",
            "please",
            "means",
            "trend",
            "outlier",
            "anomaly",
            "rate",
            "label",
            "grade",
            "price",
            "metric",
            "kpi",
            "attribute",
            "column",
            "field",
            "row",
            "record",
            "table",
            "entity",
            "relationship",
            "behaviour",
            "behavior",
            "pattern",
            "season",
            "holiday",
            "hour",
            "evening",
            "night",
            "weekday",
            "churn",
            "fraud",
            "power",
            "spike",
            "peak",
            "level",
            "tier",
            "segment",
            "status",
            "category",
            "channel",
            "country",
            "city",
            "region",
            "time",
            "delay",
            "currency",
            "language",
            "friend",
            "unit",
            "bit",
            "byte",
            "percent",
            "share",
        ]
    )
)
MONTH_NAMES = {
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
}


def plural_mentions(text: str) -> list[tuple[str, int, bool]]:
    """Table-like plural nouns as (singular, clause index, owned): 'lab results' -> lab_result;
    owned when 'their'/'its' comes first ('patients and their allergies')."""
    out: list[tuple[str, int, bool]] = []
    clauses = re.split(r"[.;:!?()]|\bwith\b|\bfor\b|\bfrom\b|\bduring\b|\bin\b", text)
    for index, clause in enumerate(clauses):
        words = re.findall(r"[A-Za-z][A-Za-z-]+", clause)
        for i, word in enumerate(words):
            low = word.lower()
            if len(low) < 4 or not is_plural(low) or low.endswith(("ss", "ing")):
                continue
            noun = singular(low).replace("-", "_")
            if noun in NOT_TABLES or noun in MONTH_NAMES or low in NOT_TABLES:
                continue
            if i > 1 and words[i - 2].lower() in ("each", "every"):
                continue  # 'each student takes 4 courses': a verb, not `student_take`
            before = words[i - 1].lower() if i else ""
            if (
                before.isalpha()
                and len(before) > 2
                and before not in NOT_TABLES
                and not is_plural(before)
                and before not in COUNTRY_ADJECTIVES
                and not before.endswith(("ing", "ed", "ly"))
            ):
                noun = f"{before}_{noun}"
            owned = "their" in (before, words[i - 2].lower() if i > 1 else "")
            out.append((noun, index, owned))
    return out


def candidate_nouns(parsed: Parsed) -> list[str]:
    """Table-like nouns in order of mention: counted, listed, then plain plurals."""
    nouns = [c.noun for c in parsed.counts] + list(parsed.named_tables)
    nouns += [noun for noun, _, _ in plural_mentions(parsed.text)]
    return [n for n in dict.fromkeys(nouns) if n not in NOT_TABLES][:5]


def apply_mentions(draft: Draft, parsed: Parsed) -> None:
    """Plural nouns no table answers to: a table when listed beside known tables, else a note."""
    if parsed.named_tables or draft.blueprint.domain == "generic":
        return
    mentions = plural_mentions(parsed.text)
    placed_clauses = {i for noun, i, _ in mentions if draft.resolve(noun) is not None}
    columns = {c["name"] for n in draft.schema["nodes"] for c in n["columns"]}
    unplaced: list[str] = []
    vocabulary = [k for bp in BLUEPRINTS.values() for k in bp.keywords]
    for noun, clause, owned in mentions:
        if draft.resolve(noun) is not None or noun in unplaced or role_share(draft, noun):
            continue
        last = noun.split("_")[-1]
        if last not in vocabulary and difflib.get_close_matches(last, vocabulary, n=1, cutoff=0.8):
            continue  # a misspelt domain word such as "logistcs", not a table
        if (
            noun in columns
            or f"{noun}_id" in columns
            or any(c.startswith(noun + "_") or c.endswith("_" + noun) for c in columns)
        ):
            continue
        if (clause in placed_clauses or owned) and re.fullmatch(r"[a-z][a-z_]*", noun):
            add_table(draft, noun, owned=owned)
        else:
            unplaced.append(noun)
    if unplaced:
        draft.note("mentioned but not modelled as tables: " + ", ".join(f"`{n}`" for n in unplaced))


def merge_secondary(draft: Draft, parsed: Parsed) -> None:
    """Tables of the next-best domain that the text names and the main blueprint lacks."""
    nouns = [c.noun for c in parsed.counts] + list(parsed.named_tables)
    nouns += [n for n, _, _ in plural_mentions(parsed.text)]
    nouns += [n.split("_")[-1] for n in nouns if "_" in n]
    for score, domain in domain_scores(parsed)[1:4]:
        if score < GENERIC_THRESHOLD or domain == draft.blueprint.domain:
            continue
        other = start_draft(BLUEPRINTS[domain], draft.window)
        wanted = [
            t
            for n in dict.fromkeys(nouns)
            if draft.resolve(n) is None and (t := other.resolve(n)) is not None
        ]
        if wanted:
            _merge_tables(draft, other, list(dict.fromkeys(wanted)))
            return


def _merge_tables(draft: Draft, other: Draft, wanted: list[str]) -> None:
    needed: list[str] = []
    pending = list(wanted)
    while pending:
        table = pending.pop(0)
        node = other.node(table)
        if node is None or table in needed:
            continue
        needed.append(table)
        pending += node.get("parents", [])[:1]
        for col in node["columns"]:
            pending += [
                r.split(".")[0]
                for r in surgery.references(col)
                if "on" not in col["generator"].get("lookup", {})
            ]
    person = other.roles["main_entity"]
    mine = draft.roles["main_entity"]
    mapped = ""
    people = is_person_noun(person or "") and is_person_noun(mine or "")
    if people and person in needed and mine and person != mine and draft.node(person) is None:
        other.rename(person, mine)
        needed = [mine if t == person else t for t in needed]
        mapped = f" (their `{person}` is `{mine}`)"
    added = [t for t in needed if draft.node(t) is None]
    if not added:
        return
    draft.schema["nodes"] += [copy.deepcopy(other.node(t)) for t in added]  # type: ignore[misc]
    present = {n["id"] for n in draft.schema["nodes"]}
    for key in ("inequalities", "ranges"):
        for item in other.schema["constraints"].get(key, []):
            refs = [item[k] for k in ("left", "right", "column") if k in item]
            if all(r.split(".")[0] in present for r in refs) and any(
                r.split(".")[0] in added for r in refs
            ):
                draft.schema["constraints"][key].append(item)
    for item in other.schema["targets"].get("mean_in_range", []):
        if item["table"] in added:
            draft.schema["targets"]["mean_in_range"].append(item)
    for table in added:
        node = draft.node(table)
        for col in list(node["columns"]) if node else []:
            for ref in surgery.references(col):
                ref_table, _, ref_col = ref.partition(".")
                if draft.column(ref_table, ref_col) is None:
                    surgery.drop_column(draft.schema, table, col["name"])
    draft.extra_synonyms.update({k: v for k, v in other.blueprint.synonyms.items() if v in added})
    draft.aliases.update({t: t for t in added})
    fits = f"the description also fits {other.blueprint.title}"
    draft.assumptions = [a for a in draft.assumptions if not a.startswith(fits)]
    draft.note(f"also from {other.blueprint.title}: " + ", ".join(f"`{t}`" for t in added) + mapped)


def _lexicon_entity(noun: str, rows: int | None) -> dict[str, Any] | None:
    """A table the template lacks but the lexicon knows ('nurses' in a hospital): its columns."""
    from datagen.agent.offline.composition import entry_columns
    from datagen.agent.offline.lexicon import candidates

    entry = next((e for e in candidates(noun) if e.role == "entity"), None)
    if entry is None:
        return None
    return P.entity(noun, rows or entry.rows or 200, entry_columns(noun, entry, "entity"))


def add_table(draft: Draft, noun: str, rows: int | None = None, *, owned: bool = False) -> str:
    """A table the blueprint lacks: an event fact (or something the main entity owns) under
    the main entity, or an entity that the main fact then points at."""
    if is_event_noun(noun) or owned:
        parent = draft.roles["main_entity"] or draft.schema["nodes"][0]["id"]
        node = generic_event(noun, parent, 3.0)
        node = resolve_windows(node, draft)
        draft.schema["nodes"].append(node)
        draft.note(
            f"added table `{noun}`: about 3 rows per `{parent}`, with a timestamp, "
            "a status and an amount (not a table of the blueprint)"
        )
    else:
        node = resolve_windows(
            _lexicon_entity(noun, rows) or generic_entity(noun, rows or 200), draft
        )
        draft.schema["nodes"].insert(_entity_position(draft), node)
        main_fact = draft.node(draft.roles["main_fact"])
        link = ""
        if main_fact is not None:
            main_fact["columns"].insert(2, P.fk(noun, skew="zipf@1.0"))
            link = f", referenced by `{main_fact['id']}.{noun}_id`"
        draft.note(
            f"added table `{noun}` ({len(node['columns'])} generic columns{link}; "
            "not a table of the blueprint)"
        )
    draft.aliases[noun] = noun
    return noun


def named_by_text(draft: Draft, parsed: Parsed) -> set[str]:
    """The tables of the draft some noun of the description resolves to."""
    from datagen.agent.offline.entities import find_entities

    nouns = [m.noun for m in find_entities(parsed).mentions]
    nouns += [c.noun for c in parsed.counts] + list(parsed.named_tables)
    nouns += [c.per for c in parsed.counts if c.per and c.per not in TIME_UNITS.values()]
    nouns += [n for n, _, _ in plural_mentions(parsed.text)]
    named = {t for noun in nouns if (t := draft.resolve(noun)) is not None}
    words = {singular(w) for w in re.findall(r"[a-z]+", parsed.text.lower())}
    named |= {n["id"] for n in draft.schema["nodes"] if n["id"] in words}  # 'subscription software'
    if any(b.kind == "churn" for b in parsed.behaviours):  # churn ends subscriptions
        named |= {n["id"] for n in draft.schema["nodes"] if n["id"] in CHURN_TABLES}
    return named


CHURN_TABLES = {"subscription", "membership", "contract"}


def prune_template_extras(draft: Draft, parsed: Parsed) -> None:
    """A template's events nobody asked for ('submissions' beside students and courses,
    invoices and data sessions beside calls): dropped, with a note, when the description
    names none of them and no kept table hangs from them. The main events stay."""
    named = named_by_text(draft, parsed) | set(draft.counted)
    keep = {draft.roles["main_fact"], draft.roles["main_entity"]}
    kinds = {n["id"]: n["kind"] for n in draft.schema["nodes"]}
    keep |= {  # the lines of the main events, each pointing at a thing (a shop's order items)
        n["id"]
        for n in draft.schema["nodes"]
        if n["kind"] == "fact"
        and n["parents"][0] == draft.roles["main_fact"]
        and any(kinds.get(r) == "entity" for r in _refs(n))
    }
    dropped: list[str] = []
    changed = True
    while changed:
        changed = False
        nodes = draft.schema["nodes"]
        for node in nodes:
            table = node["id"]
            if table in named or table in keep:
                continue
            refs = {n["id"]: _refs(n) for n in nodes}
            kinds = {n["id"]: n["kind"] for n in nodes}
            needed = any(table in refs[other] for other in refs if other != table)
            # 'products ... orders': the order lines are what links a named table to the rest
            needed = needed or any(
                ref in named | keep
                and kinds.get(ref) != "fact"
                and not any(ref in refs[o] for o in refs if o != table)
                for ref in refs[table]
            )
            if not needed:
                surgery.drop_table(draft.schema, table)
                dropped.append(table)
                changed = True
                break
    if dropped:
        draft.note(
            f"left out tables typical of {draft.blueprint.title} that the description does not "
            "name and no named table needs: " + ", ".join(f"`{t}`" for t in dropped)
        )


def _refs(node: dict[str, Any]) -> set[str]:
    """The tables a node points at: its parents and its lookups."""
    out = set(node.get("parents") or [])
    for col in node["columns"]:
        out |= {r.split(".")[0] for r in surgery.references(col)}
    out.discard(node["id"])
    return out


def _entity_position(draft: Draft) -> int:
    kinds = [n["kind"] for n in draft.schema["nodes"]]
    return kinds.index("fact") if "fact" in kinds else len(kinds)


def apply_named_tables(draft: Draft, parsed: Parsed) -> None:
    if not parsed.named_tables:
        return
    kept: list[str] = []
    for noun in parsed.named_tables:
        table = draft.resolve(noun)
        if table is None:
            table = add_table(draft, noun)
        elif table != noun and draft.node(noun) is None:
            draft.rename(table, noun)
            draft.note(f"table `{table}` named `{noun}` as the description calls it")
            table = noun
        kept.append(table)
    needed = set(kept)
    changed = True
    while changed:
        changed = False
        for node in draft.schema["nodes"]:
            if node["id"] in needed and node["kind"] == "fact" and node["parents"][0] not in needed:
                needed.add(node["parents"][0])
                changed = True
    dropped = [n["id"] for n in draft.schema["nodes"] if n["id"] not in needed]
    for table in dropped:
        surgery.drop_table(draft.schema, table)
    extra = sorted(needed - set(kept))
    if extra:
        draft.note(
            "kept " + ", ".join(f"`{t}`" for t in extra) + " because the named tables need "
            "a parent to hang from"
        )
    if dropped:
        draft.note("left out blueprint tables not named: " + ", ".join(f"`{t}`" for t in dropped))
    for role in ("main_fact", "main_entity"):
        if draft.node(draft.roles[role]) is None:
            draft.roles[role] = fallback_role(draft, "fact" if role == "main_fact" else "entity")
    if (
        draft.roles["main_fact"]
        and not draft.roles["time"]
        or (draft.roles["time"] and draft.node(draft.roles["time"].split(".")[0]) is None)
    ):
        draft.roles["time"] = first_series(draft, draft.roles["main_fact"])


def fallback_role(draft: Draft, kind: str) -> str | None:
    return next((n["id"] for n in draft.schema["nodes"] if n["kind"] == kind), None)


def first_series(draft: Draft, table: str | None) -> str | None:
    node = draft.node(table)
    if node is None:
        return None
    for col in node["columns"]:
        if "datetime_series" in col["generator"]:
            return f"{table}.{col['name']}"
    return None
