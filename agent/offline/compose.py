"""Blueprint + what the description says -> a DSL schema dict, with its assumptions.

Order of work: pick the domain, copy its blueprint, fix the timeframe, then
place named tables, counts, named columns, countries and behaviours, and
finally derive the constraints and the targets from what the tables now
declare (so every target is one the generators make true). Everything that
was guessed or could not be placed becomes a line of `metadata.assumptions`.
"""

from __future__ import annotations

import copy
import difflib
import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from datagen.agent.claims import extract_claims
from datagen.agent.offline import surgery
from datagen.agent.offline.blueprints import BLUEPRINTS, Blueprint
from datagen.agent.offline.blueprints import parts as P
from datagen.agent.offline.blueprints.generic import (
    generic_blueprint,
    generic_entity,
    generic_event,
    is_event_noun,
    is_person_noun,
)
from datagen.agent.offline.claims_binding import (
    bind,
    claim_window,
    heavy_tailed_fanout,
    honour_claims,
)
from datagen.agent.offline.composition import compose_entities, to_blueprint
from datagen.agent.offline.entities import (
    ATTRIBUTE_COUNTS,
    MEASURE_NOUNS,
    NEVER_TABLES,
    find_entities,
)
from datagen.agent.offline.lexicon.columns import generator_for_column
from datagen.agent.offline.lexicon.cues import FIELD_CUES
from datagen.agent.offline.naming import is_plural, singular
from datagen.agent.offline.parse import (
    _NON_TABLE,
    _STOP,
    COUNTRIES,
    COUNTRY_ADJECTIVES,
    FILLER,
    REFERENCE_DATE,
    REGIONS,
    TIME_UNITS,
    Parsed,
    TimeWindow,
    parse,
)
from datagen.agent.offline.roles import fold_roles, role_share

DEFAULT_WINDOW = (date(2024, 1, 1), date(2025, 1, 1))
GENERIC_THRESHOLD = 2.5  # a domain needs this keyword score to be chosen
WEEKEND_MARGIN = 0.02  # the validator adds the sampling error on top
MAX_ENTITY_ROWS = 1_000_000_000
MAX_DESCRIPTION = 4000  # characters read; a description is a paragraph, not a document
MAX_NAMED_COLUMNS = 60
MAX_VOCAB_ROWS = 1000  # a vocab is a short list of values

GRAINS = {
    "every second": ("s", 1),
    "every minute": ("min", 60),
    "every 5 minutes": ("min", 300),
    "every 15 minutes": ("min", 900),
    "hourly": ("h", 3600),
    "daily": ("D", 86400),
}


@dataclass
class Draft:
    """The schema under construction, its roles and what was guessed."""

    blueprint: Blueprint
    schema: dict[str, Any]
    roles: dict[str, str | None]
    window: tuple[date, date]
    assumptions: list[str] = field(default_factory=list)
    counted: set[str] = field(default_factory=set)  # tables whose size the text gave
    aliases: dict[str, str] = field(default_factory=dict)  # blueprint id -> current id
    extra_synonyms: dict[str, str] = field(default_factory=dict)  # from a merged blueprint
    text: str = ""  # the description, for words around a claim's phrase ('... on average')

    def node(self, table: str | None) -> dict[str, Any] | None:
        return surgery.node(self.schema, table) if table else None

    def column(self, table: str | None, name: str | None) -> dict[str, Any] | None:
        return surgery.column(self.schema, table, name) if table and name else None

    def note(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)

    def resolve(self, noun: str) -> str | None:
        """The current table a noun names (id, synonym, last word, or a close spelling)."""
        ids = [n["id"] for n in self.schema["nodes"]]
        merged = {**self.extra_synonyms, **self.blueprint.synonyms}
        synonyms = {k: self.aliases.get(v, v) for k, v in merged.items()}
        for candidate in (noun, noun.split("_")[-1], noun.replace("_", "")):
            if candidate in ids:
                return candidate
            if candidate in synonyms and synonyms[candidate] in ids:
                return synonyms[candidate]
        for candidate in dict.fromkeys((noun, noun.split("_")[-1])):
            if len(candidate) < 4:
                continue
            close = difflib.get_close_matches(candidate, ids + list(synonyms), n=1, cutoff=0.82)
            if close:
                return close[0] if close[0] in ids else synonyms[close[0]]
        return None

    def rename(self, old: str, new: str) -> None:
        surgery.rename_table(self.schema, old, new)
        for key, value in list(self.roles.items()):
            if value and value.split(".")[0] == old:
                self.roles[key] = new + value[len(old) :].replace(f".{old}_id", f".{new}_id")
        for key, value in list(self.aliases.items()):
            if value == old:
                self.aliases[key] = new
        self.counted = {new if t == old else t for t in self.counted}

    def expected_rows(self, table: str) -> float:
        node = self.node(table)
        if node is None:
            return 0.0
        if node["kind"] != "fact":
            return float(node.get("rows") or len(_enum_values(node)) or 1000)
        return self.expected_rows(node["parents"][0]) * fanout_mean(node["fanout"])


# --------------------------------------------------------------------------- domains


def domain_scores(parsed: Parsed) -> list[tuple[float, str]]:
    """(score, domain) best first; keyword weights, bigrams, close spellings, table nouns."""
    tokens = parsed.tokens
    words = set(tokens) | {f"{a}_{b}" for a, b in zip(tokens, tokens[1:], strict=False)}
    words |= {w.replace("-", "") for w in words} | set(
        re.findall(r"[a-z0-9-]+", parsed.text.lower())
    )
    vocabulary = {k for bp in BLUEPRINTS.values() for k in bp.keywords}
    fuzzy: dict[str, str] = {}
    for word in words:
        if len(word) >= 5 and word not in vocabulary:
            close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.84)
            if close:
                fuzzy[close[0]] = word
    nouns = {c.noun for c in parsed.counts} | set(parsed.named_tables)
    scores = []
    for name, bp in BLUEPRINTS.items():
        exact = [w for k, w in bp.keywords.items() if k in words]
        close = [0.8 * w for k, w in bp.keywords.items() if k in fuzzy and k not in words]
        ids = {n["id"] for n in bp.nodes} | set(bp.synonyms)
        score = sum(exact) + sum(close) + 0.5 * len(nouns & ids)
        hits = len(exact) + len(close)
        if hits < 2 and max(exact + close, default=0) < 5:
            # one ordinary keyword ("loans", "sessions") is not enough to pick a domain
            score = min(score, GENERIC_THRESHOLD - 0.5)
        scores.append((round(score, 3), name))
    scores.sort(key=lambda s: (-s[0], list(BLUEPRINTS).index(s[1])))
    return scores


def ambiguous_domains(parsed: Parsed) -> tuple[str, str] | None:
    """Two domains with the same best score (a question worth asking), else None."""
    scores = domain_scores(parsed)
    (s1, d1), (s2, d2) = scores[0], scores[1]
    if s1 >= GENERIC_THRESHOLD and s1 == s2:
        return d1, d2
    return None


WEAK_DOMAIN = 5.0  # below this keyword score a template needs one of its tables named


def _names_a_table(parsed: Parsed, blueprint: Blueprint) -> bool:
    words = {singular(w) for w in re.findall(r"[a-z]+", parsed.text.lower())}
    text = " ".join(singular(w) for w in re.findall(r"[a-z]+", parsed.text.lower()))
    names = [n["id"] for n in blueprint.nodes] + list(blueprint.synonyms)
    return any(
        name in words if "_" not in name else name.replace("_", " ") in text for name in names
    )


def choose_domain(parsed: Parsed, answer: str | None) -> tuple[str | None, list[str]]:
    notes: list[str] = []
    scores = domain_scores(parsed)
    if answer:
        picked = match_option(
            answer, list(BLUEPRINTS) + ["generic"], {k: bp.title for k, bp in BLUEPRINTS.items()}
        )
        if picked == "generic":
            return None, [f"domain: generic, as answered ({answer!r})"]
        if picked:
            return picked, [f"domain: {BLUEPRINTS[picked].title}, as answered ({answer!r})"]
    best, domain = scores[0]
    if best < GENERIC_THRESHOLD or (
        best < WEAK_DOMAIN and not _names_a_table(parsed, BLUEPRINTS[domain])
    ):  # 'a ferry operator': one keyword of telecom, none of its tables
        return None, ["no known domain recognised: tables built from the nouns in the description"]
    runner_up, second = scores[1]
    notes.append(f"domain: {BLUEPRINTS[domain].title} (keyword score {best:g})")
    if runner_up >= GENERIC_THRESHOLD and runner_up >= 0.6 * best:
        notes.append(
            f"the description also fits {BLUEPRINTS[second].title}; "
            f"built as {BLUEPRINTS[domain].title} (name that domain's tables to change it)"
        )
    return domain, notes


def match_option(
    answer: str, options: list[str], titles: dict[str, str] | None = None
) -> str | None:
    low = answer.strip().lower()
    for option in options:
        if low == option.lower() or (titles and low == titles.get(option, "").lower()):
            return option
    for option in options:
        if option.lower() in low or (titles and titles.get(option, "").lower().startswith(low)):
            return option
    close = difflib.get_close_matches(low, [o.lower() for o in options], n=1, cutoff=0.6)
    return next((o for o in options if close and o.lower() == close[0]), None)


# --------------------------------------------------------------------------- entry point


def compose(
    text: str,
    answers: dict[str, str] | None = None,
    today: date = REFERENCE_DATE,
    *,
    merge: bool = True,
) -> dict[str, Any]:
    """The schema for a description; a second domain's tables are merged in when the text
    names them (and dropped again, with a note, if the merge does not check)."""
    answers = answers or {}
    if merge:
        from datagen.engine.errors import SchemaError
        from datagen.engine.load import parse_dataset

        schema = compose(text, answers, today, merge=False)
        merged = _compose(text, answers, today, merge=True)
        if merged == schema:
            return schema
        try:
            parse_dataset(merged)
        except SchemaError:
            schema["metadata"]["assumptions"].append(
                "tables of a second domain were named but could not be merged; left out"
            )
            return schema
        return merged
    return _compose(text, answers, today, merge=False)


def generic_layout(blueprint: Blueprint) -> str:
    """One line on how the nouns became tables."""
    main, event = blueprint.main_entity, blueprint.main_fact
    others = [n["id"] for n in blueprint.nodes if n["id"] not in (main, event)]
    text = f"`{main}` is the main entity and `{event}` its events (about 5 per `{main}`)"
    if others:
        text += "; " + ", ".join(f"`{o}`" for o in others) + f" referenced by each `{event}`"
    return text + "; columns are generic (a name, a category or a country, a timestamp, an amount)"


def _compose(text: str, answers: dict[str, str], today: date, *, merge: bool) -> dict[str, Any]:
    parsed = parse(text[:MAX_DESCRIPTION], today)
    claims = extract_claims(text[:MAX_DESCRIPTION], reference_date=today)
    stated = claim_window(claims)
    if stated is not None:  # the claim extractor's window is the one the validator checks
        parsed.window = TimeWindow(stated[0], stated[1], stated[2])
    domain, notes = choose_domain(parsed, answers.get("domain"))
    composed = None if answers.get("domain") else lexicon_blueprint(parsed, domain)
    if composed is not None:
        blueprint, notes = composed
        domain = blueprint.domain
    else:
        blueprint = BLUEPRINTS[domain] if domain else generic_blueprint(candidate_nouns(parsed))
    window, window_note = resolve_window(parsed.window, today)
    draft = start_draft(blueprint, window)
    draft.text = text
    for note in notes:
        draft.note(note)
    if domain is None:
        draft.note(generic_layout(blueprint))
    draft.note(window_note)
    if len(text) > MAX_DESCRIPTION:
        draft.note(f"only the first {MAX_DESCRIPTION} characters of the description were read")
    if merge and domain and composed is None:
        merge_secondary(draft, parsed)
    if composed is None:
        apply_named_tables(draft, parsed)
    fold_roles(draft, parsed)
    apply_counts(draft, parsed)
    if composed is None:
        apply_mentions(draft, parsed)
        note_template_tables(draft, parsed)
    apply_columns(draft, parsed)
    apply_countries(draft, parsed)
    apply_average_amount(draft, parsed)
    apply_behaviours(draft, parsed)
    if blueprint.grain_question:
        apply_grain(draft, parsed, answers.get("grain"))
    claims = honour_claims(draft, claims)
    note_unread(draft, parsed, claims)
    finish(draft)
    return bind(assemble(draft, text, domain or "generic"), claims)


def lexicon_blueprint(parsed: Parsed, domain: str | None) -> tuple[Blueprint, list[str]] | None:
    """A blueprint composed from the lexicon, unless the chosen domain template already has a
    table for every entity the description names (then the template, richer, is kept)."""
    entities = find_entities(parsed)
    if not entities.mentions:
        return None
    if domain is not None:
        template = BLUEPRINTS[domain]
        words = {n["id"] for n in template.nodes} | set(template.synonyms)
        uncovered = [
            m.noun
            for m in entities.mentions
            if not m.implied
            and m.noun not in words
            and not (m.entry is None and m.noun.split("_")[-1] in words)
        ]
        # two entities the template would fold into one table ('gateways' and 'devices')
        targets: dict[str, set[str]] = {}
        for m in entities.mentions:
            target = (
                m.noun
                if m.noun in {n["id"] for n in template.nodes}
                else template.synonyms.get(m.noun)
            )
            if target and m.entry is not None and not m.implied:
                targets.setdefault(target, set()).add(m.entry.name)
        uncovered += [t for t, names in targets.items() if len(names) > 1]
        if not uncovered:
            return None
    composition = compose_entities(entities, parsed.text)
    if composition is None:
        return None
    blueprint = to_blueprint(composition)
    named = [m.noun for m in entities.mentions]
    notes = [
        f"tables composed from the entities named ({', '.join(f'`{n}`' for n in named)})"
        + (f"; field: {composition.field}" if composition.field else "")
    ]
    notes += composition.notes
    return blueprint, notes


GENERIC_WORDS = {
    "dataset", "data", "table", "tables", "generate", "create", "make", "want", "need", "like",
    "include", "including", "includes", "contain", "contains", "with", "plus", "also", "some",
    "realistic", "synthetic", "fake", "sample", "mock", "demo", "test", "please", "thanks",
    "should", "would", "could", "must", "will", "can", "get", "got", "gets", "our", "your",
    "we", "they", "them", "you", "what", "how", "when", "who", "whom", "track", "tracking",
    "record", "records", "recorded", "log", "logged", "logs", "store", "stored", "keep", "kept",
    "company", "business", "app", "platform", "system", "service", "network", "database",
}  # fmt: skip
MAX_UNREAD = 6


def note_unread(draft: Draft, parsed: Parsed, claims: list[Any]) -> None:
    """Say which words of the description nothing used (honest assumptions)."""
    from datagen.agent.claims.words import STOP as CLAIM_STOP

    text = parsed.text
    used: list[tuple[int, int]] = []
    phrases = [c.text for c in claims] + [c.phrase for c in parsed.counts]
    phrases += [b.phrase for b in parsed.behaviours] + list(parsed.countries)
    if parsed.window is not None:
        phrases.append(parsed.window.phrase)
    low = text.lower()
    for phrase in phrases:
        start = low.find(phrase.lower()) if phrase else -1
        if start >= 0:
            used.append((start, start + len(phrase)))
    mentions = find_entities(parsed).mentions
    used += [(m.start, m.end) for m in mentions]
    known = {w for n in draft.schema["nodes"] for w in n["id"].split("_")}
    known |= {w for n in draft.schema["nodes"] for c in n["columns"] for w in c["name"].split("_")}
    known |= {w for k in draft.blueprint.synonyms for w in k.split("_")}
    known |= {w for k in draft.blueprint.keywords for w in k.split("_")}
    known |= {w for cues in FIELD_CUES.values() for w in cues}  # cue words chose the field
    known |= {
        w
        for n in draft.schema["nodes"]
        for c in n["columns"]
        if c["name"] == "role"
        for v in c["generator"].get("choice", {}).get("choices", [])
        for w in str(v).split("_")
    }  # role nouns are values of a staff table
    skip = _STOP | FILLER | CLAIM_STOP | GENERIC_WORDS | NOT_TABLES
    words = list(re.finditer(r"[A-Za-z][A-Za-z'-]*", text))
    unread: list[list[str]] = []
    last_end = -10
    spans = sorted(used)
    for match in words:
        word = match.group(0).lower()
        if any(a <= match.start() < b for a, b in spans):
            continue
        base = singular(word.replace("'s", ""))
        if len(base) < 3 or word in skip or base in skip or base in known:
            continue
        between = [m for m in mentions if m.end <= match.start()]
        after = [m for m in mentions if m.start >= match.end()]
        if between and after and after[0].start - between[-1].end < 30:
            continue  # a verb between two tables: read as their relation
        if unread and match.start() - last_end <= 2:
            unread[-1].append(match.group(0))
        else:
            unread.append([match.group(0)])
        last_end = match.end()
    if unread:
        shown = ", ".join(f"'{' '.join(p)}'" for p in unread[:MAX_UNREAD])
        more = f" and {len(unread) - MAX_UNREAD} more" if len(unread) > MAX_UNREAD else ""
        draft.note(f"not understood, so not modelled: {shown}{more}")


def note_template_tables(draft: Draft, parsed: Parsed) -> None:
    """Say which tables come from the template rather than from the description."""
    nouns = [m.noun for m in find_entities(parsed).mentions]
    nouns += [c.noun for c in parsed.counts] + list(parsed.named_tables)
    nouns += [n for n, _, _ in plural_mentions(parsed.text)]
    named: set[str | None] = set()
    read_as: dict[str, list[str]] = {}
    for noun in nouns:
        table = draft.resolve(noun)
        named.add(table)
        if table and noun != table:
            read_as.setdefault(table, [])
            if noun not in read_as[table]:
                read_as[table].append(noun)
    for table, words in read_as.items():
        draft.note(f"`{table}` holds the " + " and ".join(f"'{w}'" for w in words))
    from_words = [
        f"`{draft.resolve(m.noun)}` ('{m.noun.replace('_', ' ')}')"
        for m in find_entities(parsed).mentions
        if draft.resolve(m.noun) is not None
        and f"`{draft.resolve(m.noun)}`" not in " ".join(draft.assumptions)
    ]
    if from_words:
        draft.note("tables the description names: " + ", ".join(dict.fromkeys(from_words)))
    mentioned = " ".join(draft.assumptions)
    unnamed = [
        n["id"]
        for n in draft.schema["nodes"]
        if n["id"] not in named and f"`{n['id']}`" not in mentioned
    ]
    if unnamed and draft.blueprint.domain != "generic":
        draft.note(
            f"typical of {draft.blueprint.title}, not named in the description: "
            + ", ".join(f"`{t}`" for t in unnamed)
        )


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


def resolve_window(window: TimeWindow | None, today: date) -> tuple[tuple[date, date], str]:
    if window is None:
        start, end = DEFAULT_WINDOW
        return (start, end), (
            f"time window: none given, so calendar {start.year} "
            f"({start.isoformat()} to {end.isoformat()}, end exclusive)"
        )
    note = (
        f"time window: {window.start.isoformat()} to {window.end.isoformat()} (end exclusive), "
        f"from {window.phrase!r}"
    )
    if window.relative:
        note += f", counted back from the fixed reference date {today.isoformat()}"
    return (window.start, window.end), note


def start_draft(blueprint: Blueprint, window: tuple[date, date]) -> Draft:
    start = window[0]
    history = {"start": _years_before(start, 3).isoformat(), "end": start.isoformat()}
    early = {"start": _years_before(start, 6).isoformat(), "end": history["start"]}

    def resolve(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if value == "@history":
            return dict(history)
        if value == "@early":
            return dict(early)
        return value

    nodes = resolve(copy.deepcopy(blueprint.nodes))
    constraints = {
        "inequalities": [{"left": a, "op": op, "right": b} for a, op, b in blueprint.inequalities],
        "ranges": [_range(col, lo, hi) for col, lo, hi in blueprint.ranges],
    }
    schema = {
        "nodes": nodes,
        "constraints": constraints,
        "targets": {
            "mean_in_range": [
                {"table": ref.split(".")[0], "column": ref.split(".")[1], "min": lo, "max": hi}
                for ref, lo, hi in blueprint.means
            ]
        },
    }
    roles = {
        "main_entity": blueprint.main_entity,
        "main_fact": blueprint.main_fact,
        "time": f"{blueprint.main_fact}.{blueprint.time_column}",
        "amount": f"{blueprint.main_fact}.{blueprint.amount_column}"
        if blueprint.amount_column
        else None,
        "signup": f"{blueprint.main_entity}.{blueprint.signup_column}"
        if blueprint.signup_column
        else None,
        "country": f"{blueprint.main_entity}.{blueprint.country_column}"
        if blueprint.country_column
        else None,
        "person_fk": blueprint.person_fk,
        "popular_fk": blueprint.popular_fk,
        "fraud": blueprint.fraud_table or blueprint.main_fact,
    }
    aliases = {n["id"]: n["id"] for n in nodes}
    return Draft(blueprint, schema, roles, window, aliases=aliases)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _range(ref: str, lo: float | None, hi: float | None) -> dict[str, Any]:
    out: dict[str, Any] = {"column": ref}
    if lo is not None:
        out["min"] = lo
    if hi is not None:
        out["max"] = hi
    return out


# --------------------------------------------------------------------------- tables and counts


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
        node = _resolve_windows(node, draft)
        draft.schema["nodes"].append(node)
        draft.note(
            f"added table `{noun}`: about 3 rows per `{parent}`, with a timestamp, "
            "a status and an amount (not a table of the blueprint)"
        )
    else:
        node = _resolve_windows(
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


def _entity_position(draft: Draft) -> int:
    kinds = [n["kind"] for n in draft.schema["nodes"]]
    return kinds.index("fact") if "fact" in kinds else len(kinds)


def _resolve_windows(node: dict[str, Any], draft: Draft) -> dict[str, Any]:
    start = draft.window[0]
    history = {"start": _years_before(start, 3).isoformat(), "end": start.isoformat()}

    def resolve(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return dict(history) if value in ("@history", "@early") else value

    return resolve(node)


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
            draft.roles[role] = _fallback_role(draft, "fact" if role == "main_fact" else "entity")
    if (
        draft.roles["main_fact"]
        and not draft.roles["time"]
        or (draft.roles["time"] and draft.node(draft.roles["time"].split(".")[0]) is None)
    ):
        draft.roles["time"] = _first_series(draft, draft.roles["main_fact"])


def _fallback_role(draft: Draft, kind: str) -> str | None:
    return next((n["id"] for n in draft.schema["nodes"] if n["kind"] == kind), None)


def _first_series(draft: Draft, table: str | None) -> str | None:
    node = draft.node(table)
    if node is None:
        return None
    for col in node["columns"]:
        if "datetime_series" in col["generator"]:
            return f"{table}.{col['name']}"
    return None


def _verb_form(noun: str, phrase: str) -> bool:
    """'grades from 0 to 100 averaging 68': a singular -ing word the lexicon does not know
    is a verb after a number, not counted rows ('100 bookings' is plural, and known)."""
    from datagen.agent.offline.lexicon import candidates

    word = phrase.split()[-1].lower() if phrase.split() else noun
    return noun.endswith("ing") and word.endswith("ing") and not candidates(noun)


def apply_counts(draft: Draft, parsed: Parsed) -> None:
    placed: list[tuple[str, Any]] = []
    for count in parsed.counts:
        table = draft.resolve(count.noun)
        if table is None and (count.noun in ATTRIBUTE_COUNTS or count.noun in MEASURE_NOUNS):
            draft.note(f"{count.phrase!r} is a size of something, not a table: not modelled")
            continue
        if table is None and _verb_form(count.noun, count.phrase):
            draft.note(f"{count.phrase!r}: `{count.noun}` is a verb here, not a table")
            continue
        if (
            table is None
            and count.noun not in _NON_TABLE
            and re.fullmatch(r"[a-z][a-z_]*", count.noun)
        ):
            if count.per in TIME_UNITS.values() or count.per is None or draft.resolve(count.per):
                table = add_table(draft, count.noun, int(count.value) if count.value >= 1 else None)
        if table is None:
            draft.note(f"could not place {count.phrase!r}: no table for `{count.noun}`")
            continue
        placed.append((table, count))
    # sizes of entities first, then facts parents before children
    order = {n["id"]: i for i, n in enumerate(draft.schema["nodes"])}
    kinds = {n["id"]: n["kind"] for n in draft.schema["nodes"]}
    placed.sort(key=lambda item: (kinds.get(item[0]) == "fact", order.get(item[0], 0)))
    for table, count in placed:
        node = draft.node(table)
        if node is None:
            continue
        if node["kind"] != "fact":
            _set_rows(draft, node, count.value, count.phrase)
        else:
            _set_fact_count(draft, node, count)


def _set_rows(draft: Draft, node: dict[str, Any], value: float, phrase: str) -> None:
    limit = MAX_VOCAB_ROWS if node["kind"] == "vocab" else MAX_ENTITY_ROWS
    rows = max(1, min(int(round(value)), limit))
    if rows < value:
        draft.note(f"`{node['id']}` capped at {rows} rows (asked: {value:g})")
    if node["kind"] == "vocab":
        values = _enum_values(node)
        if values and rows <= len(values):
            _enum_spec(node)["values"] = values[:rows]
        elif values:
            _enum_spec(node)["values"] = (
                values
                + [f"{values[0].split()[0]} {i}" for i in range(len(values) + 1, rows + 1)][
                    : rows - len(values)
                ]
            )
        node.pop("rows", None)
    else:
        node["rows"] = rows
    draft.counted.add(node["id"])
    draft.note(f"`{node['id']}`: {rows} rows, from {phrase!r}")


def _enum_spec(node: dict[str, Any]) -> dict[str, Any]:
    return next(
        c["generator"]["enum_list"] for c in node["columns"] if "enum_list" in c["generator"]
    )


def _enum_values(node: dict[str, Any]) -> list[str]:
    for col in node["columns"]:
        if "enum_list" in col["generator"]:
            return list(col["generator"]["enum_list"]["values"])
    return []


def _set_fact_count(draft: Draft, node: dict[str, Any], count: Any) -> None:
    parent = node["parents"][0]
    table = node["id"]
    per_parent = (
        draft.resolve(count.per) if count.per and count.per not in TIME_UNITS.values() else None
    )
    if count.per in TIME_UNITS.values():
        total = count.value * _units_in_window(draft.window, count.per)
        how = f"{count.phrase!r} over the time window = about {int(total)} rows"
    else:
        total = None
        how = repr(count.phrase)
    if per_parent is not None and per_parent == parent:
        lam = count.value
        draft.note(f"`{table}`: about {lam:g} per `{parent}`, from {how}")
    else:
        if total is None:
            total = count.value
            if per_parent is not None:
                total = count.value * draft.expected_rows(per_parent)
        parent_node = draft.node(parent)
        assert parent_node is not None
        lam = fanout_mean(node["fanout"])
        if parent_node["kind"] != "fact" and parent not in draft.counted:
            rows = max(1, min(int(round(total / lam)), MAX_ENTITY_ROWS))
            if parent_node["kind"] == "entity" and rows != parent_node.get("rows"):
                parent_node["rows"] = rows
                draft.note(
                    f"`{parent}`: {rows} rows so that `{table}` has about {int(total)} "
                    f"rows at {lam:g} per `{parent}` ({how})"
                )
                draft.counted.add(table)
                return
        lam = total / max(draft.expected_rows(parent), 1.0)
        draft.note(f"`{table}`: about {int(total)} rows, so {lam:.4g} per `{parent}`, from {how}")
    _set_lambda(node, lam)
    draft.counted.add(table)


def _set_lambda(node: dict[str, Any], lam: float) -> None:
    lam = float(f"{max(lam, 0.001):.4g}")
    fanout = node["fanout"]
    low = fanout.get("min", 0)
    if lam < 1 or low > lam:
        low = 0
    node["fanout"] = {
        "distribution": "poisson",
        "lambda": lam,
        "min": low,
        "max": max(P.fanout_max(lam), 1),
    }


def fanout_mean(fanout: dict[str, Any]) -> float:
    """The mean children per parent, the poisson's lower clamp included (min 1 adds P(0))."""
    if fanout.get("distribution") == "uniform":
        return (fanout.get("min", 0) + fanout["max"]) / 2
    lam = float(fanout["lambda"])
    low = int(fanout.get("min") or 0)
    lifted = sum((low - k) * math.exp(-lam) * lam**k / math.factorial(k) for k in range(low))
    return lam + lifted


def _units_in_window(window: tuple[date, date], unit: str) -> float:
    days = (window[1] - window[0]).days
    return {
        "s": days * 86400,
        "min": days * 1440,
        "h": days * 24,
        "D": days,
        "W": days / 7,
        "M": days / 30.44,
        "Q": days / 91.3,
        "Y": days / 365.25,
    }[unit]


# --------------------------------------------------------------------------- columns


def guess_column(
    name: str, table_kind: str, values: tuple[str, ...] = (), table: str = ""
) -> dict[str, Any]:
    """A column from its name alone (the lexicon's inference), or from the values listed."""
    if values:
        typed = _typed_values(values)
        return P.pick(name, typed)
    col, _ = generator_for_column(table or name, name)
    spec = col["generator"].get("datetime_series")
    if spec is not None and spec.get("within") == "timeframe" and table_kind != "fact":
        spec["within"] = "@history"  # an entity's dates come before the events that use it
    return col


def _typed_values(values: tuple[str, ...]) -> list[Any]:
    if all(re.fullmatch(r"-?\d+", v) for v in values):
        return [int(v) for v in values]
    if all(re.fullmatch(r"-?\d+(?:\.\d+)?", v) for v in values):
        return [float(v) for v in values]
    if all(v.lower() in ("true", "false", "yes", "no") for v in values):
        return [True, False]
    return [re.sub(r"\s+", "_", v.strip().lower()) for v in values]


def apply_columns(draft: Draft, parsed: Parsed) -> None:
    if len(parsed.columns) > MAX_NAMED_COLUMNS:
        draft.note(f"only the first {MAX_NAMED_COLUMNS} named columns were added")
    for mention in parsed.columns[:MAX_NAMED_COLUMNS]:
        table = draft.resolve(mention.table) if mention.table else None
        if table is None and mention.table:
            if mention.table in ("it", "they", "which", "that", "this"):
                table = draft.roles["main_fact"]
            else:
                draft.note(
                    f"could not place column `{mention.column}` of {mention.table!r}: no such table"
                )
                continue
        table = table or draft.roles["main_fact"]
        node = draft.node(table)
        if node is None:
            continue
        name = re.sub(r"[^a-z0-9_]", "_", mention.column)[:50].strip("_")
        if not name or not name[0].isalpha():
            continue
        existing = draft.column(table, name)
        if existing is not None and mention.values:
            typed = _typed_values(mention.values)
            replacement = P.pick(name, typed)
            existing.clear()
            existing.update(replacement)
            draft.note(
                f"`{table}.{name}`: values {', '.join(map(str, typed))} with equal weights "
                "(none were given)"
            )
        elif existing is None:
            col = guess_column(name, node["kind"], mention.values, node["id"])
            node["columns"].append(col)
            kind = next(iter(col["generator"]))
            draft.note(f"added `{table}.{name}` ({col['type']}, {kind}), from {mention.phrase!r}")


# --------------------------------------------------------------------------- countries


def apply_countries(draft: Draft, parsed: Parsed) -> None:
    codes = parsed.countries
    if not codes:
        return
    ref = draft.roles["country"]
    col = draft.column(*ref.split(".")) if ref else None
    if col is None:
        table = draft.roles["main_entity"]
        node = draft.node(table)
        if node is None:
            return
        col = next((c for c in node["columns"] if c["name"] == "country"), None)
        if col is None:
            col = P.pick("country", ["US"])
            node["columns"].insert(1, col)
        ref = f"{table}.country"
    weights = [round(1 / len(codes), 6)] * len(codes)
    col["generator"] = {"choice": {"choices": list(codes), "weights": weights}}
    draft.note(
        f"`{ref}`: {', '.join(codes)} in equal shares; names and cities follow each "
        "country's locale"
    )


# --------------------------------------------------------------------------- behaviours


def _series(draft: Draft) -> dict[str, Any] | None:
    ref = draft.roles["time"] or _first_series(draft, draft.roles["main_fact"])
    col = draft.column(*ref.split(".")) if ref else None
    if col is None or "datetime_series" not in col["generator"]:
        ref = _first_series(draft, draft.roles["main_fact"])
        col = draft.column(*ref.split(".")) if ref else None
    if col is not None and "datetime_series" in col["generator"]:
        draft.roles["time"] = ref
        return col["generator"]["datetime_series"]
    return None


def set_pattern(spec: dict[str, Any], dimension: str, weights: list[float]) -> None:
    patterns = [p for p in spec.get("pattern", []) if p["dimension"] != dimension]
    patterns.append({"dimension": dimension, "weights": list(weights)})
    order = {"hour": 0, "dow": 1, "month": 2}
    spec["pattern"] = sorted(patterns, key=lambda p: order[p["dimension"]])
    if dimension == "hour" and spec.get("freq") == "D":
        spec["freq"] = "min"


def _amount(draft: Draft) -> dict[str, Any] | None:
    ref = draft.roles["amount"]
    col = draft.column(*ref.split(".")) if ref else None
    if col is None or col["type"] not in ("int", "float"):
        return None
    return col


def _add_modifier(col: dict[str, Any], modifier: dict[str, Any]) -> None:
    col.setdefault("modifiers", []).append(modifier)


def apply_behaviours(draft: Draft, parsed: Parsed) -> None:
    time_ref = draft.roles["time"]
    series = _series(draft)
    time_ref = draft.roles["time"] or time_ref
    amount = _amount(draft)
    amount_ref = draft.roles["amount"]
    kinds = {b.kind for b in parsed.behaviours}
    for behaviour in parsed.behaviours:
        kind = behaviour.kind
        if kind == "seasonal":
            if kinds & {"december_peak", "summer_peak"}:
                continue
            # unspecified seasonality: summer for travel, the year-end peak elsewhere
            kind = "summer_peak" if draft.blueprint.domain == "travel" else "december_peak"
        said = repr(behaviour.phrase)
        if (
            kind
            in (
                "weekend_spike",
                "weekday",
                "business_hours",
                "evening_peak",
                "meal_peaks",
                "december_peak",
                "summer_peak",
            )
            and series is None
        ):
            draft.note(f"could not place {said}: no generated timestamp in the main table")
            continue
        if kind == "weekend_spike":
            set_pattern(series, "dow", P.DOW_WEEKEND)  # type: ignore[arg-type]
            draft.note(f"{said}: `{time_ref}` weighs Sat/Sun 1.7/1.6 against 1.0 on Mon-Thu")
        elif kind == "weekday":
            set_pattern(series, "dow", P.DOW_WORKWEEK)  # type: ignore[arg-type]
            draft.note(f"{said}: `{time_ref}` mostly on weekdays (Sat/Sun weigh 0.25/0.15)")
        elif kind == "business_hours":
            set_pattern(series, "hour", P.HOUR_BUSINESS)  # type: ignore[arg-type]
            draft.note(f"{said}: `{time_ref}` concentrated 08:00-17:00")
        elif kind == "evening_peak":
            set_pattern(series, "hour", P.HOUR_EVENING)  # type: ignore[arg-type]
            draft.note(f"{said}: `{time_ref}` peaks 18:00-22:00")
        elif kind == "meal_peaks":
            set_pattern(series, "hour", P.HOUR_MEALS)  # type: ignore[arg-type]
            draft.note(f"{said}: `{time_ref}` peaks around 12:00 and 19:00")
        elif kind in ("december_peak", "summer_peak"):
            weights = P.MONTH_DECEMBER if kind == "december_peak" else P.MONTH_SUMMER
            label = "December" if kind == "december_peak" else "July/August"
            set_pattern(series, "month", weights)  # type: ignore[arg-type]
            text = f"{said}: more `{time_ref}` rows in {label}"
            if amount is not None and time_ref:
                _add_modifier(
                    amount,
                    {
                        "transform": "seasonality",
                        "args": {
                            "dimension": "month",
                            "weights": list(weights),
                            "column": time_ref.split(".")[1],
                        },
                    },
                )
                text += f" and higher `{amount_ref}` ({label} x{max(weights):g})"
            draft.note(text)
        elif kind == "fraud":
            apply_fraud(draft, behaviour.rate, said)
        elif kind == "power_users":
            apply_power_users(draft, said)
        elif kind == "popularity":
            ref = draft.roles["popular_fk"]
            col = draft.column(*ref.split(".")) if ref else None
            if col is not None and "lookup" in col["generator"]:
                col["generator"]["lookup"]["weights_kind"] = "zipf@1.3"
                draft.note(f"{said}: `{ref}` drawn zipf(1.3): a few are very popular")
            else:
                draft.note(f"could not place {said}: no skewable reference in this domain")
        elif kind == "churn":
            apply_churn(draft, behaviour.rate, said)
        elif kind in ("growth", "decline"):
            rate = behaviour.rate if behaviour.rate is not None else 0.2
            growth = rate if kind == "growth" else -min(rate, 0.9)
            if (
                amount is not None
                and time_ref
                and amount_ref
                and time_ref.split(".")[0] == amount_ref.split(".")[0]
            ):
                _add_modifier(
                    amount,
                    {
                        "transform": "trend",
                        "args": {"growth": growth, "column": time_ref.split(".")[1]},
                    },
                )
                draft.note(f"{said}: `{amount_ref}` trends {growth:+.0%} per year")
            else:
                draft.note(f"could not place {said}: no amount next to the main timestamp")
        elif kind == "outliers":
            if amount is not None:
                _add_modifier(
                    amount,
                    {
                        "transform": "outliers",
                        "args": {"mode": "spike", "rate": 0.01, "magnitude": [3.0, 10.0]},
                    },
                )
                draft.note(f"{said}: 1% of `{amount_ref}` multiplied by 3-10")
            else:
                draft.note(f"could not place {said}: no numeric amount in the main table")
        elif kind == "missing":
            apply_missing(draft, said)


def apply_average_amount(draft: Draft, parsed: Parsed) -> None:
    """'an average order value of $50': the lognormal amount is centred there."""
    if parsed.average_amount is None:
        return
    value, phrase = parsed.average_amount
    ref = draft.roles["amount"]
    col = _amount(draft)
    spec = col["generator"].get("distribution") if col else None
    if spec is None or spec.get("type") != "lognormal":
        draft.note(f"could not place {phrase!r}: the main amount is not a lognormal column")
        return
    sigma = float(spec["params"].get("sigma", 1.0))
    spec["params"]["mean"] = round(math.log(value) - sigma * sigma / 2, 4)
    low, high = spec.get("clamp", [0.0, value * 100])
    spec["clamp"] = [min(low, value / 20), max(high, value * 50)]
    draft.note(f"`{ref}`: lognormal with mean about {value:g}, from {phrase!r}")


def apply_fraud(draft: Draft, rate: float | None, said: str) -> None:
    table = draft.roles["fraud"] if draft.node(draft.roles["fraud"]) else draft.roles["main_fact"]
    node = draft.node(table)
    if node is None:
        draft.note(f"could not place {said}: no main table")
        return
    if rate is None:
        rate = 0.01
        draft.note(f"{said}: no rate given, 1% of `{table}` rows flagged as fraud")
    else:
        draft.note(f"{said}: {rate:.4g} of `{table}` rows flagged `is_fraud`")
    col = next((c for c in node["columns"] if c["name"] == "is_fraud"), None)
    flag = P.flag("is_fraud", round(rate, 6))
    if col is None:
        node["columns"].append(flag)
    else:
        col.clear()
        col.update(flag)
    means = draft.schema["targets"]["mean_in_range"]
    means[:] = [m for m in means if not (m["table"] == table and m["column"] == "is_fraud")]
    means.append(
        {
            "table": table,
            "column": "is_fraud",
            "min": round(rate * 0.8, 6),
            "max": round(rate * 1.2, 6),
        }
    )


def apply_power_users(draft: Draft, said: str) -> None:
    ref = draft.roles["person_fk"]
    col = draft.column(*ref.split(".")) if ref else None
    if col is not None and "lookup" in col["generator"]:
        col["generator"]["lookup"]["weights_kind"] = "head_tail@{0.05,0.5}"
        draft.note(f"{said}: the top 5% of users make half of `{ref.split('.')[0]}` rows")  # type: ignore[union-attr]
        return
    main_fact = draft.roles["main_fact"]
    entity = draft.roles["main_entity"]
    node = draft.node(main_fact)
    if node is not None and node.get("fanout", {}).get("distribution", "poisson") == "poisson":
        heavy_tailed_fanout(node)
        draft.note(
            f"{said}: a few `{entity}` rows have many `{main_fact}` rows (negative binomial "
            "fanout, same mean)"
        )


def apply_churn(draft: Draft, rate: float | None, said: str) -> None:
    table = draft.roles["main_entity"]
    node = draft.node(table)
    if node is None:
        draft.note(f"could not place {said}")
        return
    rate = rate if rate is not None else 0.2
    col = P.nullable(P.ts("churned_at"), round(1 - rate, 6))
    node["columns"] = [c for c in node["columns"] if c["name"] != "churned_at"] + [col]
    text = f"{said}: {rate:.0%} of `{table}` rows get a `churned_at` inside the time window"
    signup = draft.roles["signup"]
    if signup and draft.column(*signup.split(".")) is not None and signup.split(".")[0] == table:
        draft.schema["constraints"]["inequalities"].append(
            {"left": f"{table}.churned_at", "op": ">=", "right": signup}
        )
        text += f", always after `{signup}`"
    draft.note(text)


def apply_missing(draft: Draft, said: str) -> None:
    touched = []
    referenced = _referenced_columns(draft.schema)
    for table in (draft.roles["main_entity"], draft.roles["main_fact"]):
        node = draft.node(table)
        if node is None:
            continue
        picked = 0
        for col in node["columns"]:
            kind = next(iter(col["generator"]))
            if (
                col["name"] == node.get("pk")
                or col.get("unique")
                or col.get("nullable")
                or kind not in ("choice", "faker", "distribution")
                or f"{table}.{col['name']}" in referenced
                or col["type"] == "bool"
            ):
                continue
            col.update({"nullable": True, "null_rate": 0.05})
            touched.append(f"`{table}.{col['name']}`")
            picked += 1
            if picked == 2:
                break
    if touched:
        draft.note(f"{said}: 5% nulls in " + ", ".join(touched))


def _referenced_columns(schema: dict[str, Any]) -> set[str]:
    refs: set[str] = set()
    for node in schema["nodes"]:
        for col in node["columns"]:
            refs.update(surgery.references(col))
            for dep in surgery.same_row_dependencies(col):
                refs.add(f"{node['id']}.{dep}")
    for ineq in schema["constraints"].get("inequalities", []):
        refs.update((ineq["left"], ineq["right"]))
    for ref in (m["table"] + "." + m["column"] for m in schema["targets"].get("mean_in_range", [])):
        refs.add(ref)
    return refs


_GRAIN_WORDS = [
    (r"every\s+second|per\s+second|each\s+second", "every second"),
    (r"every\s+(?:5|five)\s+min", "every 5 minutes"),
    (r"every\s+(?:15|fifteen)\s+min|quarter[- ]hourly", "every 15 minutes"),
    (r"every\s+minute|per\s+minute|each\s+minute|minutely|1[- ]minute", "every minute"),
    (r"hourly|every\s+hour|per\s+hour|each\s+hour", "hourly"),
    (r"daily|every\s+day|per\s+day|each\s+day|once\s+a\s+day", "daily"),
]


def grain_in_text(text: str) -> str | None:
    low = text.lower()
    return next((grain for pattern, grain in _GRAIN_WORDS if re.search(pattern, low)), None)


def apply_grain(draft: Draft, parsed: Parsed, answer: str | None) -> None:
    """IoT: the reading interval sets the timestamp resolution and readings per device."""
    said = grain_in_text(parsed.text)
    grain = said or (match_option(answer, list(GRAINS)) if answer else None) or "hourly"
    freq, seconds = GRAINS[grain]
    table = draft.roles["main_fact"]
    series = _series(draft)
    node = draft.node(table)
    if series is None or node is None:
        return
    series["freq"] = freq
    source = "from the description" if said else ("as answered" if answer else "by default")
    if table in draft.counted:
        draft.note(
            f"readings {grain} ({source}): timestamps at that resolution, drawn at random "
            "in the window (not on a fixed grid)"
        )
        return
    span = (draft.window[1] - draft.window[0]).days * 86400
    lam = span / seconds
    capped = min(lam, 20_000.0)
    _set_lambda(node, capped)
    text = f"readings {grain} ({source}): about {capped:.6g} per `{node['parents'][0]}` over the window"
    if capped < lam:
        text += f" (capped from {lam:.6g}; raise with --scale)"
    draft.note(text + ", timestamps drawn at random in the window (not on a fixed grid)")


# --------------------------------------------------------------------------- constraints, targets


MONEY_WORDS = {"price", "amount", "cost", "fee", "total", "revenue", "premium", "salary",
               "balance", "budget", "fare", "tip", "subtotal", "charge", "spend", "payout",
               "income", "wage", "value", "rent", "deposit", "payment", "refund"}  # fmt: skip
MONEY_RATES = {"nightly_rate", "hourly_rate", "daily_rate", "day_rate"}


def _round_money(draft: Draft) -> None:
    """Money drawn from a distribution is rounded to cents (after every other modifier)."""
    for node in draft.schema["nodes"]:
        for col in node["columns"]:
            name = col["name"]
            words = set(name.split("_"))
            if col["type"] != "float" or "distribution" not in col["generator"]:
                continue
            if not (words & MONEY_WORDS or name in MONEY_RATES) or words & {"ratio", "pct"}:
                continue
            mods = col.setdefault("modifiers", [])
            if not any("round(" in str(m.get("args", {}).get("expr", "")) for m in mods):
                mods.append({"transform": "expression", "args": {"expr": "round(value, 2)"}})


def finish(draft: Draft) -> None:
    schema = draft.schema
    constraints = schema["constraints"]
    _round_money(draft)
    _clamp_modified_ranges(draft)
    fks = []
    uniques = []
    for node in schema["nodes"]:
        for col in node["columns"]:
            spec = col["generator"].get("lookup")
            if spec and not spec.get("on"):
                fks.append({"column": f"{node['id']}.{col['name']}", "references": spec["from"]})
            if col.get("unique") and col["name"] != node.get("pk"):
                uniques.append({"table": node["id"], "columns": [col["name"]]})
    constraints["foreign_keys"] = fks
    if uniques:
        constraints["unique"] = uniques
    _drop_stale(draft)
    targets = schema["targets"]
    targets["weekend_share"] = []
    targets["seasonality"] = []
    for node in schema["nodes"]:
        if node["kind"] != "fact":
            continue
        for col in node["columns"]:
            spec = col["generator"].get("datetime_series")
            if spec is None or col["type"] != "datetime":
                continue
            is_main = draft.roles["time"] == f"{node['id']}.{col['name']}"
            patterns = {p["dimension"]: p["weights"] for p in spec.get("pattern", [])}
            if not is_main and "dow" not in patterns:
                continue
            window = _window_of(spec, draft.window)
            share = weekend_share(window, patterns.get("dow"), patterns.get("month"))
            targets["weekend_share"].append(
                {
                    "table": node["id"],
                    "column": col["name"],
                    "min": round(max(0.0, share - WEEKEND_MARGIN), 3),
                    "max": round(min(1.0, share + WEEKEND_MARGIN), 3),
                }
            )
            if "month" in patterns and (window[1] - window[0]).days >= 59:
                targets["seasonality"].append(
                    {
                        "table": node["id"],
                        "column": col["name"],
                        "dimension": "month",
                        "weights": list(patterns["month"]),
                        "tolerance": 0.15,
                    }
                )
    modified = {
        f"{n['id']}.{c['name']}"
        for n in schema["nodes"]
        for c in n["columns"]
        if c.get("modifiers")
    }
    targets["mean_in_range"] = [
        m
        for m in targets["mean_in_range"]
        if draft.column(m["table"], m["column"]) is not None
        and f"{m['table']}.{m['column']}" not in modified
    ]


def _clamp_modified_ranges(draft: Draft) -> None:
    """A column that behaviours scale (trend, outliers, seasonality) still keeps its range."""
    scaling = {"seasonality", "trend", "outliers", "multiply", "add", "jitter"}
    for rng in draft.schema["constraints"].get("ranges", []):
        table, _, name = rng["column"].partition(".")
        col = draft.column(table, name)
        if col is None or not any(m["transform"] in scaling for m in col.get("modifiers", [])):
            continue
        bounds = {k: rng[k] for k in ("min", "max") if isinstance(rng.get(k), (int, float))}
        mods = [m for m in col["modifiers"] if m["transform"] != "clamp"]
        col["modifiers"] = [*mods, {"transform": "clamp", "args": bounds}] if bounds else mods


def _drop_stale(draft: Draft) -> None:
    """Constraints and targets naming columns that are not there (after edits)."""
    schema = draft.schema

    def exists(ref: str) -> bool:
        table, _, col = ref.partition(".")
        return draft.column(table, col) is not None

    constraints = schema["constraints"]
    constraints["inequalities"] = [
        i for i in constraints["inequalities"] if exists(i["left"]) and exists(i["right"])
    ]
    constraints["ranges"] = [r for r in constraints["ranges"] if exists(r["column"])]


def _window_of(spec: dict[str, Any], default: tuple[date, date]) -> tuple[date, date]:
    within = spec.get("within", "timeframe")
    if within == "timeframe":
        return default
    return date.fromisoformat(within["start"][:10]), date.fromisoformat(within["end"][:10])


def weekend_share(
    window: tuple[date, date], dow: list[float] | None, month: list[float] | None
) -> float:
    """The share of Sat/Sun rows the declared day and month weights imply over the window."""
    total = weekend = 0.0
    day = window[0]
    while day < window[1]:
        weight = (dow[day.weekday()] if dow else 1.0) * (month[day.month - 1] if month else 1.0)
        total += weight
        if day.weekday() >= 5:
            weekend += weight
        day += timedelta(days=1)
    return weekend / total if total else 2 / 7


def assemble(draft: Draft, text: str, domain: str) -> dict[str, Any]:
    start, end = draft.window
    constraints = {k: v for k, v in draft.schema["constraints"].items() if v}
    targets = {k: v for k, v in draft.schema["targets"].items() if v}
    description = " ".join(text.split())
    return {
        "version": "1.0",
        "metadata": {
            "name": domain,
            "description": description[:500],
            "assumptions": list(draft.assumptions),
            "tags": ["offline", domain],
        },
        "timeframe": {"start": start.isoformat(), "end": end.isoformat(), "freq": "s"},
        "nodes": draft.schema["nodes"],
        "constraints": constraints,
        "targets": targets,
    }
