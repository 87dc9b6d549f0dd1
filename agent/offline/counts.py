"""Counts in the text -> rows of entities and children per parent of facts; the reading
interval of a regular series ('every 15 minutes') -> its resolution and readings per device."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from typing import Any

from datagen.agent.offline import surgery
from datagen.agent.offline.behaviours import main_series
from datagen.agent.offline.blueprints import parts as P
from datagen.agent.offline.domains import match_option
from datagen.agent.offline.draft import (
    MAX_ENTITY_ROWS,
    MAX_VOCAB_ROWS,
    Draft,
    enum_spec,
    enum_values,
    fanout_mean,
    resolve_windows,
)
from datagen.agent.offline.entities import ADJECTIVES, ATTRIBUTE_COUNTS, MEASURE_NOUNS
from datagen.agent.offline.parse import _NON_TABLE, TIME_UNITS, Parsed, words_to_digits
from datagen.agent.offline.tables import add_table

MAX_RATE_ROWS = 5_000_000  # a rate per parent over the window past this is generated smaller


def apply_counts(draft: Draft, parsed: Parsed) -> None:
    _fit_window(draft, parsed)
    placed: list[tuple[str, Any]] = []
    sizes: list[tuple[str | None, Any]] = []
    for count in parsed.counts:
        table = draft.resolve(count.noun)
        if _each_of(draft, count) and _sizable(draft, count, table):
            sizes.append((table, count))  # once the parents have their rows
            continue
        if table is None and (count.noun in ATTRIBUTE_COUNTS or count.noun in MEASURE_NOUNS):
            draft.note(f"{count.phrase!r} is a size of something, not a table: not modelled")
            continue
        if table is None and count.noun in ADJECTIVES:
            continue  # '90,000 smart water meters': the adjective's count is the meters'
        if table is None and _verb_form(count.noun, count.phrase):
            draft.note(f"{count.phrase!r}: `{count.noun}` is a verb here, not a table")
            continue
        if (
            table is None
            and count.noun not in _NON_TABLE
            and re.fullmatch(r"[a-z][a-z_]*", count.noun)
        ):
            if getattr(count, "period", None) and count.per not in TIME_UNITS.values():
                events = _events_of(draft, draft.resolve(count.per))
                if events is not None:  # 'members attend twice a week': the members' events
                    placed.append((events, count))
                    continue
                draft.note(f"{count.phrase!r}: no table for `{count.noun}`, not modelled")
                continue  # a verb's events per subject: never a new table of its own
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
    totals: dict[str, str] = {}
    for table, count in placed:
        node = draft.node(table)
        if node is None:
            continue
        if node["kind"] == "fact":
            set_fact_count(draft, node, count)
        elif count.per and count.per not in TIME_UNITS.values():
            _per_subject(draft, node, count)
        elif table in totals:
            draft.note(
                f"two totals for `{table}`: {totals[table]!r} and {count.phrase!r}; "
                f"kept {totals[table]!r}"
            )
        else:
            totals[table] = count.phrase
            set_rows(draft, node, count.value, count.phrase)
    for table, count in sizes:
        size_per_parent(draft, count, table)
    _offers_per_owner(draft)


def cap_unstated(draft: Draft) -> None:
    """Events whose rate no phrase gave (the lexicon's typical rate) and that would pass
    MAX_RATE_ROWS for the parents asked (90,000 meters x 720 readings): a lower rate, said."""
    for node in draft.schema["nodes"]:
        if node["kind"] != "fact" or node["id"] in draft.counted or "lambda" not in node["fanout"]:
            continue
        total = draft.expected_rows(node["id"])
        if total <= MAX_RATE_ROWS:
            continue
        lam = node["fanout"]["lambda"] * MAX_RATE_ROWS / total
        set_lambda(node, lam)
        draft.note(
            f"`{node['id']}`: no rate given; the typical one would make {total:,.0f} rows, so "
            f"about {node['fanout']['lambda']:g} per `{node['parents'][0]}` "
            f"({draft.expected_rows(node['id']):,.0f} rows)"
        )


OFFERS_PER_OWNER = 5  # products of a seller, menu items of a restaurant, when no count is given


def _offers_per_owner(draft: Draft) -> None:
    """Things offered that belong to a counted owner and have no count of their own: a few per
    owner at least (2,000 sellers with 800 products would leave most sellers with none)."""
    from datagen.agent.offline.lexicon.columns import naming_kind

    drivers = {n["parents"][0] for n in draft.schema["nodes"] if n["kind"] == "fact"}
    for node in draft.schema["nodes"]:
        if (
            node["kind"] != "entity"
            or node["id"] in draft.counted
            or node["id"] in drivers
            or naming_kind(node["id"]) not in ("product", "title")
        ):
            continue
        owners = [
            spec["from"].split(".")[0]
            for c in node["columns"]
            if (spec := c["generator"].get("lookup")) and "on" not in spec
        ]
        counted = [o for o in owners if o in draft.counted and (draft.node(o) or {}).get("rows")]
        if not counted:
            continue
        owner = max(counted, key=lambda o: int(draft.node(o)["rows"]))  # type: ignore[index]
        wanted = OFFERS_PER_OWNER * int(draft.node(owner)["rows"])  # type: ignore[index]
        if int(node.get("rows") or 1000) < wanted:
            node["rows"] = min(wanted, MAX_ENTITY_ROWS)
            draft.note(
                f"`{node['id']}`: {node['rows']:,} rows, about {OFFERS_PER_OWNER} per "
                f"`{owner}` (no count given)"
            )


def _events_of(draft: Draft, subject: str | None) -> str | None:
    """The one event table a subject drives (the main one if several)."""
    if subject is None:
        return None
    facts = [n["id"] for n in draft.schema["nodes"]
             if n["kind"] == "fact" and n.get("parents", [None])[0] == subject]  # fmt: skip
    main = draft.roles.get("main_fact")
    if main in facts:
        return main
    return facts[0] if len(facts) == 1 else None


def _each_of(draft: Draft, count: Any) -> str | None:
    """The parent of a size per parent: '30 garages with 200 spaces each', '64 teams of 5
    players each', 'each school has 30 classrooms' (a rate in time is no size)."""
    if not count.per or count.per in TIME_UNITS.values() or count.period or count.value < 1:
        return None
    text = words_to_digits(draft.text)
    each = re.search(re.escape(count.phrase) + r"\s+(?:each|apiece)\b", text, re.IGNORECASE)
    if each is None and not count.phrase.lower().startswith(("each ", "every ")):
        return None
    parent = draft.resolve(count.per)
    parent_node = draft.node(parent)
    return parent if parent_node is not None and parent_node["kind"] != "fact" else None


def _sizable(draft: Draft, count: Any, table: str | None) -> bool:
    parent = _each_of(draft, count)
    if parent is None or table == parent or not re.fullmatch(r"[a-z][a-z_]*", count.noun):
        return False
    node = draft.node(table)
    return node is None or node["kind"] == "entity"


def size_per_parent(draft: Draft, count: Any, table: str | None) -> None:
    """Exactly so many rows per parent row: a child table hanging from the parent ('spaces'
    of a garage, the 'players' of a team); an entity of that name becomes that child."""
    parent = _each_of(draft, count)
    assert parent is not None
    per = int(round(count.value))
    node = draft.node(table)
    if node is not None and table in draft.counted:
        draft.note(f"{count.phrase!r} per `{parent}`: `{table}` already has a total; kept")
        return
    if node is None:
        table = count.noun
        node = resolve_windows(P.fact(table, parent, per, _child_columns(table)), draft)
        draft.schema["nodes"].append(node)
        draft.aliases[table] = table
    else:
        assert table is not None
        for other in draft.schema[
            "nodes"
        ]:  # 'teams of 5 players': the team no longer points at one
            if other["id"] == parent:
                for col in list(other["columns"]):
                    if any(r.split(".")[0] == table for r in surgery.references(col)):
                        surgery.drop_column(draft.schema, parent, col["name"])
        node.pop("rows", None)
        node["kind"] = "fact"
        node["parents"] = [parent]
        if not any(c["name"] == f"{parent}_id" for c in node["columns"]):
            node["columns"].insert(1, P.fk(parent))
        draft.schema["nodes"].remove(node)
        at = max(i for i, n in enumerate(draft.schema["nodes"]) if n["id"] == parent) + 1
        draft.schema["nodes"].insert(at, node)
    node["fanout"] = {"distribution": "uniform", "min": per, "max": per}
    draft.counted.add(table)
    rows = per * draft.expected_rows(parent)
    draft.note(f"`{table}`: exactly {per} per `{parent}` ({rows:,.0f} rows), from {count.phrase!r}")


def _child_columns(table: str) -> list[dict[str, Any]]:
    """Columns of a new child table: the lexicon's, else its number within the parent and a
    kind."""
    from datagen.agent.offline.composition import entry_columns
    from datagen.agent.offline.lexicon import candidates

    entry = next((e for e in candidates(table) if e.role == "entity"), None)
    if entry is not None:
        return entry_columns(table, entry, "entity")
    return [
        P.expr(f"{table}_number", "int", "position()"),  # 1..n within its parent
        P.pick("category", ["standard", "large", "small", "accessible"], [0.7, 0.12, 0.12, 0.06]),
    ]


def _per_subject(draft: Draft, node: dict[str, Any], count: Any) -> None:
    """'students enroll in 3 courses on average': no total of courses but the rows linking a
    student to courses, that many per student."""
    from datagen.agent.offline.claims_binding import link_fact

    subject = draft.resolve(count.per)
    link = link_fact(draft, subject, node["id"]) if subject else None
    if link is None or subject is None:
        draft.note(
            f"{count.phrase!r} is per `{count.per}`, not a total of `{node['id']}`; "
            "no table links the two, so not modelled"
        )
        return
    if link["parents"][0] != subject:  # the link's rows now follow this subject
        link["parents"].remove(subject)
        link["parents"].insert(0, subject)
    lam = count.value * _per_period(draft, count)
    set_lambda(link, lam)
    draft.counted.add(link["id"])
    draft.note(
        f"`{link['id']}`: about {lam:g} per `{subject}`, from {count.phrase!r} "
        f"(per `{subject}`, not a total of `{node['id']}`)"
    )
    _cap_parent(draft, link, lam, count)


def _verb_form(noun: str, phrase: str) -> bool:
    """'grades from 0 to 100 averaging 68': a singular -ing word the lexicon does not know
    is a verb after a number, not counted rows ('100 bookings' is plural, and known)."""
    from datagen.agent.offline.lexicon import candidates

    word = phrase.split()[-1].lower() if phrase.split() else noun
    return noun.endswith("ing") and word.endswith("ing") and not candidates(noun)


def set_rows(draft: Draft, node: dict[str, Any], value: float, phrase: str) -> None:
    limit = MAX_VOCAB_ROWS if node["kind"] == "vocab" else MAX_ENTITY_ROWS
    rows = max(1, min(int(round(value)), limit))
    if rows < value:
        draft.note(f"`{node['id']}` capped at {rows} rows (asked: {value:g})")
    if node["kind"] == "vocab":
        values = enum_values(node)
        if values and rows <= len(values):
            enum_spec(node)["values"] = values[:rows]
        elif values:
            enum_spec(node)["values"] = (
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


def set_fact_count(draft: Draft, node: dict[str, Any], count: Any) -> None:
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
    if per_parent is not None and per_parent != parent and _drive_by(draft, node, per_parent):
        parent = per_parent
    if per_parent is not None and per_parent == parent:
        lam = count.value * _per_period(draft, count)
        draft.note(f"`{table}`: about {lam:g} per `{parent}`, from {how}")
        _cap_parent(draft, node, lam, count)
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
    set_lambda(node, lam)
    draft.counted.add(table)


def _drive_by(draft: Draft, node: dict[str, Any], parent: str) -> bool:
    """'each player plays 30 matches a month': the rows of `match` hang from `player`, the
    rate's subject, whatever parent the lexicon gave them first."""
    parent_node = draft.node(parent)
    if parent_node is None or parent_node["kind"] == "fact" or parent == node["id"]:
        return False
    if parent in node["parents"]:
        node["parents"].remove(parent)
    elif any(c["name"] == f"{parent}_id" for c in node["columns"]):
        return False  # a column of that name that is no key to the table: leave it
    else:
        node["columns"].insert(1, P.fk(parent))
        draft.note(f"`{node['id']}` gains `{parent}_id`: its rows are counted per `{parent}`")
    node["parents"].insert(0, parent)
    return True


def _rate_total(draft: Draft, parsed: Parsed) -> tuple[float, Any] | None:
    """The largest table a rate per parent per period asks for over the window, and its count."""
    sizes = {c.noun: c.value for c in parsed.counts if c.per is None}
    best: tuple[float, Any] | None = None
    for count in parsed.counts:
        if not count.period or not count.per or count.per in TIME_UNITS.values():
            continue
        table = draft.resolve(count.per)
        parents = sizes.get(count.per) or (draft.expected_rows(table) if table else 0.0)
        total = count.value * parents * _per_period(draft, count)
        if best is None or total > best[0]:
            best = (total, count)
    return best


PERIOD_MONTHS = {"M": 1, "Q": 3, "Y": 12}
PERIOD_DAYS = {"D": 1, "W": 7}


def _fit_window(draft: Draft, parsed: Parsed) -> None:
    """No window given and a rate that over a year makes more than MAX_RATE_ROWS rows
    ('200,000 subscribers each watch 40 sessions a month'): a shorter window of whole
    periods, said so, so that the rate holds on a table of a sane size."""
    found = _rate_total(draft, parsed)
    if draft.window_given or found is None or found[0] <= MAX_RATE_ROWS:
        return
    total, count = found
    periods = _per_period(draft, count)
    whole = max(1, math.floor(periods * MAX_RATE_ROWS / total))
    start = draft.window[0]
    if count.period in PERIOD_MONTHS:
        months = whole * PERIOD_MONTHS[count.period]
        year, month = divmod(start.month - 1 + months, 12)
        end = start.replace(year=start.year + year, month=month + 1)
    elif count.period in PERIOD_DAYS:
        days = whole * PERIOD_DAYS[count.period]
        end = start + timedelta(days=days // 7 * 7 if days >= 7 else days)  # whole weeks
    else:
        return
    if end >= draft.window[1]:
        return
    old = next((a for a in draft.assumptions if a.startswith("time window: none given")), None)
    if old is not None:
        draft.assumptions.remove(old)
    draft.window = (start, end)
    draft.note(
        f"time window: none given, so {start.isoformat()} to {end.isoformat()} (end exclusive): "
        f"{count.phrase!r} per `{count.per}` over a whole year would be about {total:,.0f} rows"
    )


def _cap_parent(draft: Draft, node: dict[str, Any], lam: float, count: Any) -> None:
    """A rate per parent that still makes more than MAX_RATE_ROWS rows: fewer parents (the
    rate holds), said so with the flag that gives the full size."""
    parent = draft.node(node["parents"][0])
    if parent is None or parent["kind"] != "entity":
        return
    asked = float(parent.get("rows") or 1000)
    total = lam * asked
    if total <= MAX_RATE_ROWS:
        return
    rows = max(1, int(MAX_RATE_ROWS / lam))
    parent["rows"] = rows
    draft.note(
        f"`{node['id']}` at {count.phrase!r} per `{parent['id']}` would be about {total:,.0f} "
        f"rows: generated with {rows:,} `{parent['id']}` rows of the {asked:,.0f} asked (about "
        f"{rows * lam:,.0f} `{node['id']}` rows, the rate holds); the full size: "
        f"`datagen generate schema.json --rows {parent['id']}={asked:.0f}`"
    )


def _per_period(draft: Draft, count: Any) -> float:
    """'3 sessions a day' per player: the periods in the time window (1 with no period)."""
    period = getattr(count, "period", None)
    return _units_in_window(draft.window, period) if period else 1.0


def set_lambda(node: dict[str, Any], lam: float) -> None:
    """A poisson fanout whose mean, its lower clamp included, is `lam`."""
    target = max(lam, 0.001)
    fanout = node["fanout"]
    low = fanout.get("min", 0)
    if target < 1 or low > target:
        low = 0
    lam = target
    for _ in range(50):  # a clamp at min 1 lifts the mean by P(0): 70,000 policies, not 82,000
        lifted = fanout_mean({"distribution": "poisson", "lambda": lam, "min": low})
        if abs(lifted - target) < 1e-6 * target:
            break
        lam = max(lam - (lifted - target), 0.001)
    lam = float(f"{lam:.4g}")
    node["fanout"] = {
        "distribution": "poisson",
        "lambda": lam,
        "min": low,
        "max": max(P.fanout_max(lam), 1),
    }


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


GRAINS = {
    "every second": ("s", 1),
    "every minute": ("min", 60),
    "every 5 minutes": ("min", 300),
    "every 15 minutes": ("min", 900),
    "hourly": ("h", 3600),
    "daily": ("D", 86400),
}
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
    series = main_series(draft)
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
    set_lambda(node, capped)
    text = f"readings {grain} ({source}): about {capped:.6g} per `{node['parents'][0]}` over the window"
    if capped < lam:
        text += f" (capped from {lam:.6g}; raise with --scale)"
    draft.note(text + ", timestamps drawn at random in the window (not on a fixed grid)")
