"""The offline edit grammar of `datagen chat`: a schema dict and one English request in,
the edited schema dict out. Pure functions; no provider, no engine run.

Supported phrasings (one edit per message; table names may be plural):

    add table T                          add a T table
    add column C to T                    add C to T
    remove table T                       remove column T.C      remove C from T
    rename T to U                        rename T.C to D        rename C to D
    T: 50k                               set T to 2000 rows     make it 50k T
    10x more T                           3x fewer T     double T     halve T
    T per P: 4                           4 T per P     (a fact's mean fanout)
    weekend peak on T                    weekday peak on T      business hours on T
    evening peak on T                    december peak on T     summer peak on T
    (without `on T`: the first fact table with a generated timestamp)
    get rid of T / drop the T table      more rows / fewer rows (entities x2 or /2)
    I need 50,000 T                      change the date range to 2023 (or Q3 2024...)
    make T a child of P                  add a status with 10% cancelled (to T)

New columns take their generators from the lexicon (agent/offline/lexicon/columns.py).

Anything else raises `EditNotUnderstood` carrying the closest supported phrasing
(difflib); the chat then says the request needs an LLM provider.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from datagen.agent.offline import surgery
from datagen.agent.offline.blueprints import parts as P
from datagen.agent.offline.compose import set_pattern, weekend_share
from datagen.agent.offline.lexicon.columns import generator_for_column
from datagen.agent.offline.naming import singular

Schema = dict[str, Any]

EXAMPLES = (
    "add table supplier",
    "add column loyalty_tier to customer",
    "remove table payment",
    "remove column customer.city",
    "rename order to purchase",
    "rename customer.city to town",
    "customers: 50k",
    "10x more orders",
    "orders per customer: 4",
    "weekend peak on orders",
    "evening peak on orders",
    "december peak on orders",
    "get rid of the payment table",
    "more rows please",
    "I need 50,000 customers",
    "change the date range to 2023",
    "make payment a child of customer",
    "add a status with 10% cancelled",
)


class EditNotUnderstood(ValueError):
    """The request is outside the offline grammar (or names something that is not there)."""

    def __init__(self, message: str, closest: str | None = None) -> None:
        self.closest = closest
        # True when the phrasing was understood but its target is not there (a wrong
        # name, an existing column): an LLM would not help, a corrected name would.
        self.phrasing_ok = False
        super().__init__(
            message + (f" (closest supported phrasing: `{closest}`)" if closest else "")
        )


@dataclass(frozen=True)
class Edit:
    schema: Schema
    summary: str  # one line: what was done


_POLITE = re.compile(
    r"^(?:(?:please|pls|ok|okay|now|and|also|then|hey)\s*,?\s+)*"
    r"(?:(?:can|could|would)\s+you\s+|i(?:'d| would)\s+like\s+to\s+|let'?s\s+)?"
    r"|(?:\s*,?\s+(?:please|pls|thanks|thank\s+you))+$",
    re.IGNORECASE,
)


def apply_edit(schema: Schema, request: str) -> Edit:
    """Apply one request of the grammar; `EditNotUnderstood` when none matches."""
    text = " ".join(request.strip().rstrip(".!?").split())
    text = _POLITE.sub("", text).strip() or text
    for pattern, handler in _RULES:
        m = pattern.fullmatch(text)
        if m:
            edited = copy.deepcopy(schema)
            try:
                summary = handler(edited, m)
            except EditNotUnderstood as exc:
                exc.phrasing_ok = True
                raise
            notes = edited.setdefault("metadata", {}).setdefault("assumptions", [])
            notes.append(f"chat edit: {summary}")
            for claim in drop_stale_claims(edited):
                notes.append(
                    f"chat edit: claim {claim['text']!r} dropped (what it measured is gone)"
                )
            return Edit(edited, summary)
    closest = closest_phrasing(text)
    error = EditNotUnderstood(f"not an offline edit: {request!r}", closest)
    own = in_terms_of(schema, closest)
    if own != closest:
        error.args = (f"{error.args[0]}; for this schema: `{own}`",)
    raise error


def closest_phrasing(text: str) -> str:
    """The supported example nearest to the request (by difflib ratio)."""
    lowered = text.lower()
    return max(EXAMPLES, key=lambda e: difflib.SequenceMatcher(None, lowered, e).ratio())


def in_terms_of(schema: Schema, example: str) -> str:
    """An example phrasing with the schema's own tables and columns in place of the shop's."""
    nodes = schema.get("nodes", [])
    entities = [n["id"] for n in nodes if n["kind"] != "fact"]
    facts = [n["id"] for n in nodes if n["kind"] == "fact"]
    names = {
        "customer": entities[0] if entities else None,
        "product": entities[1] if len(entities) > 1 else None,
        "order": facts[0] if facts else None,
        "payment": facts[1] if len(facts) > 1 else (facts[0] if facts else None),
    }
    first = next((n for n in nodes if n["id"] == names["customer"]), None)
    column = (
        next(
            (c["name"] for c in (first or {}).get("columns", []) if c["name"] != first.get("pk")),
            None,
        )
        if first
        else None
    )
    out = example
    if column:
        out = re.sub(r"\bcity\b", column, out)
    for shop_word, own in names.items():
        if own:
            out = re.sub(rf"\b{shop_word}(s?)\b", rf"{own}\1", out)
    return out


# --------------------------------------------------------------------------- claims

_COUNT_MEASURES = ("rows", "rows_per", "fanout")


def drop_stale_claims(schema: Schema) -> list[dict[str, Any]]:
    """Remove the claims whose measure names a table or column the edit removed; returns them.
    The user's edit supersedes that phrase of the description (as a new date range does)."""
    tables = {n["id"]: {c["name"] for c in n["columns"]} for n in schema.get("nodes", [])}
    kept: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    for claim in schema.get("claims") or []:
        bound = claim.get("bound_to") or {}
        table = bound.get("table")
        gone = any(
            bound.get(key) is not None and bound[key] not in tables for key in ("table", "parent")
        ) or (
            table in tables
            and isinstance(bound.get("column"), str)
            and "." not in bound["column"]
            and bound["column"] not in tables[table]
        )
        (dropped if gone else kept).append(claim)
    if dropped:
        schema["claims"] = kept
    return dropped


def _supersede_count_claims(schema: Schema, table: str) -> None:
    """A new row count for `table` replaces the description's count of it."""
    claims = schema.get("claims") or []
    kept = [
        c
        for c in claims
        if not (
            (c.get("bound_to") or {}).get("table") == table
            and (c.get("bound_to") or {}).get("measure") in _COUNT_MEASURES
        )
    ]
    if len(kept) != len(claims):
        schema["claims"] = kept
        notes = schema.setdefault("metadata", {}).setdefault("assumptions", [])
        notes.append(f"chat edit: the description's count of `{table}` replaced by the edit's")


# --------------------------------------------------------------------------- lookups


def _table(schema: Schema, word: str) -> str:
    word = word.strip("`").lower()
    ids = [n["id"] for n in schema["nodes"]]
    for candidate in (word, singular(word), word.rstrip("s")):
        if candidate in ids:
            return candidate
    near = difflib.get_close_matches(singular(word), ids, n=1)
    hint = f"; did you mean `{near[0]}`?" if near else f"; tables: {', '.join(ids)}"
    raise EditNotUnderstood(f"no table `{word}`{hint}")


def _column(schema: Schema, table: str, name: str) -> dict[str, Any]:
    col = surgery.column(schema, table, name.lower())
    if col is None:
        names = [c["name"] for c in surgery.node(schema, table)["columns"]]  # type: ignore[index]
        near = difflib.get_close_matches(name.lower(), names, n=1)
        hint = f"; did you mean `{near[0]}`?" if near else ""
        raise EditNotUnderstood(f"no column `{table}.{name}`{hint}")
    return col


def parse_count(text: str) -> int:
    """'50k' -> 50000, '1.5m' -> 1500000, '2,000' -> 2000."""
    m = re.fullmatch(r"([\d][\d,_]*(?:\.\d+)?)\s*([kmb]?)", text.strip().lower())
    if not m:
        raise EditNotUnderstood(f"not a row count: {text!r}")
    value = float(m.group(1).replace(",", "").replace("_", ""))
    value *= {"": 1, "k": 1e3, "m": 1e6, "b": 1e9}[m.group(2)]
    return round(value)


def _parent_rows(schema: Schema, table: str) -> float:
    """Expected rows of a table: entity rows, or parent rows x mean fanout for facts."""
    node = surgery.node(schema, table)
    assert node is not None
    if node["kind"] != "fact":
        return float(node.get("rows") or (1000 if node["kind"] == "entity" else 1))
    return _parent_rows(schema, node["parents"][0]) * _fanout_mean(node["fanout"])


def _fanout_mean(fanout: dict[str, Any]) -> float:
    if fanout.get("distribution") == "uniform":
        return (fanout.get("min", 0) + fanout["max"]) / 2
    return float(fanout["lambda"])


def _set_fanout_mean(node: dict[str, Any], mean: float) -> None:
    fanout = node["fanout"]
    mean = round(max(mean, 0.01), 3)
    low = fanout.get("min", 0)
    if mean < low:
        fanout["min"] = low = 0
    node["fanout"] = {"distribution": "poisson", "lambda": mean, "min": low}
    if fanout.get("max") is not None:
        # keep the cap's headroom over the mean, never below it
        node["fanout"]["max"] = max(int(mean * 4 + 6), low)


# --------------------------------------------------------------------------- handlers


def _add_table(schema: Schema, m: re.Match[str]) -> str:
    from datagen.agent.offline.edit import edit as offline_edit

    noun = singular(m["name"].lower())
    if surgery.node(schema, noun) is not None:
        raise EditNotUnderstood(f"table `{noun}` already exists")
    edited = offline_edit(schema, f"add a {noun} table")
    if surgery.node(edited, noun) is None:
        raise EditNotUnderstood(f"could not add a table `{noun}`", "add table supplier")
    schema.clear()
    schema.update(edited)
    node = surgery.node(schema, noun)
    assert node is not None
    return f"added table `{noun}` ({node['kind']}, columns {', '.join(c['name'] for c in node['columns'])})"


def _add_column(schema: Schema, m: re.Match[str]) -> str:
    table = _table(schema, m["table"])
    name = m["column"].lower()
    node = surgery.node(schema, table)
    assert node is not None
    if surgery.column(schema, table, name) is not None:
        raise EditNotUnderstood(f"column `{table}.{name}` already exists")
    col, why = generator_for_column(table, name)
    node["columns"].append(col)
    return f"added column `{table}.{name}` ({col['type']}): {why.split(': ', 1)[-1]}"


def _remove_table(schema: Schema, m: re.Match[str]) -> str:
    table = _table(schema, m["table"])
    removed = surgery.drop_table(schema, table)
    return "removed table(s) " + ", ".join(f"`{t}`" for t in removed)


def _remove_column(schema: Schema, m: re.Match[str]) -> str:
    table = _table(schema, m["table"])
    name = _column(schema, table, m["column"])["name"]
    node = surgery.node(schema, table)
    assert node is not None
    if node.get("pk") == name:
        raise EditNotUnderstood(f"`{table}.{name}` is the primary key; remove the table instead")
    removed = surgery.drop_column(schema, table, name)
    return "removed column(s) " + ", ".join(f"`{r}`" for r in removed)


def _remove_either(schema: Schema, m: re.Match[str]) -> str:
    word = m["name"]
    try:
        _table(schema, word)
    except EditNotUnderstood:
        hits = [n["id"] for n in schema["nodes"] for c in n["columns"] if c["name"] == word.lower()]
        if len(hits) == 1:
            return _remove_column(schema, {"table": hits[0], "column": word})  # type: ignore[arg-type]
        raise
    return _remove_table(schema, {"table": word})  # type: ignore[arg-type]


def _rename_table(schema: Schema, m: re.Match[str]) -> str:
    word = m["old"].lower()
    if not any(n["id"] in (word, singular(word)) for n in schema["nodes"]):
        hits = [n["id"] for n in schema["nodes"] for c in n["columns"] if c["name"] == word]
        if len(hits) == 1:  # "rename city to town": the one column of that name
            return _rename_column(schema, {"table": hits[0], "old": word, "new": m["new"]})  # type: ignore[arg-type]
    old = _table(schema, m["old"])
    new = m["new"].lower()
    if surgery.node(schema, new) is not None:
        raise EditNotUnderstood(f"table `{new}` already exists")
    surgery.rename_table(schema, old, new)
    return f"renamed table `{old}` to `{new}`"


def _rename_column(schema: Schema, m: re.Match[str]) -> str:
    table = _table(schema, m["table"])
    old = _column(schema, table, m["old"])["name"]
    new = m["new"].lower()
    if surgery.column(schema, table, new) is not None:
        raise EditNotUnderstood(f"column `{table}.{new}` already exists")

    def walk(value: Any, key: str | None) -> Any:
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if value == f"{table}.{old}":
            return f"{table}.{new}"
        return value

    node = surgery.node(schema, table)
    assert node is not None
    for col in node["columns"]:
        if col["name"] == old:
            col["name"] = new
        for key in ("on", "locale_from"):
            _rename_in_spec(col["generator"], key, old, new)
        if "expr" in str(col["generator"]):
            _rename_expr(col["generator"], old, new)
    if node.get("pk") == old:
        node["pk"] = new
    # constraints and targets name columns as {table, column} or `table.column`
    for section in ("constraints", "targets"):
        for items in schema.get(section, {}).values():
            for item in items:
                if item.get("table") == table:
                    for key in ("column", "left", "right", "time_column", "value"):
                        if item.get(key) == old:
                            item[key] = new
                    if isinstance(item.get("columns"), list):
                        item["columns"] = [new if c == old else c for c in item["columns"]]
    renamed = walk({k: v for k, v in schema.items() if k != "metadata"}, None)
    schema.update(renamed)
    return f"renamed column `{table}.{old}` to `{new}`"


def _rename_in_spec(spec: Any, key: str, old: str, new: str) -> None:
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k == key and v == old:
                spec[k] = new
            else:
                _rename_in_spec(v, key, old, new)
    elif isinstance(spec, list):
        for v in spec:
            _rename_in_spec(v, key, old, new)


def _rename_expr(spec: Any, old: str, new: str) -> None:
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k == "expr" and isinstance(v, str):
                spec[k] = re.sub(rf"\b{re.escape(old)}\b", new, v)
            else:
                _rename_expr(v, old, new)
    elif isinstance(spec, list):
        for v in spec:
            _rename_expr(v, old, new)


def _set_rows(schema: Schema, table: str, rows: int) -> str:
    node = surgery.node(schema, table)
    assert node is not None
    _supersede_count_claims(schema, table)
    if node["kind"] == "fact":
        before = _fanout_mean(node["fanout"])
        parent_rows = _parent_rows(schema, node["parents"][0])
        _set_fanout_mean(node, rows / max(parent_rows, 1))
        return (
            f"`{table}` ~{rows:,} rows: fanout per `{node['parents'][0]}` "
            f"{before:g} -> {node['fanout']['lambda']:g}"
        )
    if node["kind"] == "vocab":
        raise EditNotUnderstood(f"`{table}` is a vocabulary: its rows are its values")
    before = node.get("rows")
    node["rows"] = rows
    return f"`{table}` rows {before:,} -> {rows:,}" if before else f"`{table}` rows -> {rows:,}"


def _rows(schema: Schema, m: re.Match[str]) -> str:
    return _set_rows(schema, _table(schema, m["table"]), parse_count(m["count"]))


def _scale(schema: Schema, m: re.Match[str]) -> str:
    table = _table(schema, m["table"])
    groups = m.groupdict()
    word = (groups.get("factor") or groups.get("verb") or "").lower()
    factor = {"double": 2.0, "triple": 3.0, "halve": 0.5, "half": 0.5}.get(word)
    if factor is None:
        factor = float(word)
        if (groups.get("direction") or "").lower() in ("fewer", "less"):
            factor = 1 / factor
    node = surgery.node(schema, table)
    assert node is not None
    if node["kind"] == "fact":
        before = _fanout_mean(node["fanout"])
        _set_fanout_mean(node, before * factor)
        _supersede_count_claims(schema, table)
        return f"`{table}` x{factor:g}: fanout {before:g} -> {node['fanout']['lambda']:g}"
    return _set_rows(schema, table, max(round(_parent_rows(schema, table) * factor), 1))


def _fanout(schema: Schema, m: re.Match[str]) -> str:
    table = _table(schema, m["table"])
    node = surgery.node(schema, table)
    assert node is not None
    if node["kind"] != "fact":
        raise EditNotUnderstood(f"`{table}` is not a fact table: it has rows, not a fanout")
    parent = _table(schema, m["parent"])
    if parent != node["parents"][0]:
        raise EditNotUnderstood(f"`{table}` rows come from `{node['parents'][0]}`, not `{parent}`")
    before = _fanout_mean(node["fanout"])
    _set_fanout_mean(node, float(m["mean"]))
    _supersede_count_claims(schema, table)
    return f"`{table}` per `{parent}`: {before:g} -> {node['fanout']['lambda']:g}"


def _more_rows(schema: Schema, m: re.Match[str]) -> str:
    """'more rows' / 'fewer rows': every entity table of some size doubled or halved."""
    direction = (m["direction"] or m["direction2"] or "more").lower()
    factor = 0.5 if direction in ("fewer", "less", "smaller") else 2.0
    changed = []
    for node in schema["nodes"]:
        rows = node.get("rows") or (1000 if node["kind"] == "entity" else 0)
        if node["kind"] == "entity" and rows >= SMALL_TABLE:
            node["rows"] = max(int(rows * factor), 1)
            _supersede_count_claims(schema, node["id"])
            changed.append(f"`{node['id']}` {rows:,} -> {node['rows']:,}")
    if not changed:
        raise EditNotUnderstood("no entity table to resize", "customers: 50k")
    return "rows " + ("halved" if factor < 1 else "doubled") + ": " + ", ".join(changed)


SMALL_TABLE = 50  # lookups (categories, plans) keep their size when the data grows


def _date_range(schema: Schema, m: re.Match[str]) -> str:
    from datagen.agent.offline.edit import shift_histories
    from datagen.agent.offline.parse import find_window

    when = m["when"].strip()
    window = find_window(f"in {when}") or find_window(when)
    if window is None:
        raise EditNotUnderstood(f"not a date range: {when!r}", "change the date range to 2023")
    frame = schema.setdefault("timeframe", {"freq": "s"})
    try:
        old = (date.fromisoformat(frame["start"][:10]), date.fromisoformat(frame["end"][:10]))
    except (KeyError, ValueError):
        old = (window.start, window.end)
    shift_histories(schema["nodes"], old, (window.start, window.end))
    _move_date_ranges(schema, old, (window.start, window.end))
    frame["start"], frame["end"] = window.start.isoformat(), window.end.isoformat()
    stated = [c for c in schema.get("claims", []) if c.get("kind") == "window"]
    if stated:  # the description's window is replaced by this one
        schema["claims"] = [c for c in schema["claims"] if c.get("kind") != "window"]
    return f"timeframe {old[0]} .. {old[1]} -> {window.start} .. {window.end} (end exclusive)"


def _move_date_ranges(schema: Schema, old: tuple[date, date], new: tuple[date, date]) -> None:
    """A range constraint or target stated on the old timeframe's bounds follows it."""
    bounds = {old[0].isoformat(): new[0].isoformat(), old[1].isoformat(): new[1].isoformat()}
    for section in ("constraints", "targets"):
        for items in (schema.get(section) or {}).values():
            for item in items if isinstance(items, list) else []:
                for key in ("min", "max"):
                    value = item.get(key) if isinstance(item, dict) else None
                    if isinstance(value, str) and value[:10] in bounds:
                        item[key] = bounds[value[:10]] + value[10:]


def _child_of(schema: Schema, m: re.Match[str]) -> str:
    """'make payment a child of customer': its rows hang from the parent's rows."""
    table = _table(schema, m["table"])
    parent = _table(schema, m["parent"])
    if table == parent:
        raise EditNotUnderstood(f"`{table}` cannot be its own parent")
    node = surgery.node(schema, table)
    parent_node = surgery.node(schema, parent)
    assert node is not None and parent_node is not None
    if _depends_on(schema, parent, table):
        raise EditNotUnderstood(f"`{parent}` already hangs from `{table}`; that would be a cycle")
    rows = _parent_rows(schema, table)
    key = parent_node.get("pk") or f"{parent}_id"
    link = {"name": key, "type": "int", "generator": {"lookup": {"from": f"{parent}.{key}"}}}
    columns = [c for c in node["columns"] if c["name"] != key]
    if node["kind"] == "fact":
        old = node["parents"][0]
        old_key = next(
            (
                c["name"]
                for c in columns
                if c["generator"].get("lookup", {}).get("from", "").startswith(f"{old}.")
                and "on" not in c["generator"]["lookup"]
            ),
            None,
        )
        node["parents"] = [parent, *[p for p in node["parents"] if p not in (parent, old)]]
        if old_key is not None:
            surgery.drop_column(schema, table, old_key)
            columns = [c for c in node["columns"] if c["name"] != key]
    else:
        node["kind"] = "fact"
        node.pop("rows", None)
        node["parents"] = [parent]
    node["columns"] = [columns[0], link, *columns[1:]] if columns else [link]
    _set_fanout(node, rows / max(_parent_rows(schema, parent), 1))
    return (
        f"`{table}` is now a child of `{parent}` (about "
        f"{node['fanout']['lambda']:g} per `{parent}`, {int(rows):,} rows as before)"
    )


def _set_fanout(node: dict[str, Any], mean: float) -> None:
    node["fanout"] = {"distribution": "poisson", "lambda": 1.0, "min": 0, "max": 10}
    _set_fanout_mean(node, mean)


def _depends_on(schema: Schema, table: str, other: str) -> bool:
    node = surgery.node(schema, table)
    seen: set[str] = set()
    while node is not None and node["kind"] == "fact" and node["id"] not in seen:
        seen.add(node["id"])
        if node["parents"][0] == other:
            return True
        node = surgery.node(schema, node["parents"][0])
    return False


def _value_share(schema: Schema, m: re.Match[str]) -> str:
    """'add a status with 10% cancelled' (to T): a column from the lexicon, one value's share set."""
    from datagen.agent.offline.claims_binding import _set_weight

    named = m["table"] or m["table2"]
    table = _table(schema, named) if named else _main_timed_table(schema)
    name = m["column"].lower()
    node = surgery.node(schema, table)
    assert node is not None
    share = float(m["pct"]) / 100
    if not 0 < share < 1:
        raise EditNotUnderstood(f"{m['pct']}% is not a share between 0 and 100")
    value = re.sub(r"[\s-]+", "_", m["value"].strip().lower())
    col = surgery.column(schema, table, name)
    added = col is None
    if col is None:
        col, _ = generator_for_column(table, name)
        node["columns"].append(col)
    choice = col["generator"].get("choice")
    if not choice or not choice.get("choices") or not isinstance(choice["choices"][0], str):
        raise EditNotUnderstood(
            f"`{table}.{name}` is not a column of labels", "add a status with 10% cancelled"
        )
    if value not in choice["choices"]:
        choice["choices"].append(value)
        choice["weights"] = [*(choice.get("weights") or [1.0] * (len(choice["choices"]) - 1)), 0.0]
    _set_weight(choice, choice["choices"].index(value), share)
    shown = ", ".join(
        f"{v} {w:.0%}" for v, w in zip(choice["choices"], choice["weights"], strict=True)
    )
    return f"{'added' if added else 'set'} `{table}.{name}`: {shown}"


_PATTERNS: dict[str, tuple[str, list[float]]] = {
    "weekend": ("dow", P.DOW_WEEKEND),
    "weekday": ("dow", P.DOW_WORKWEEK),
    "business hours": ("hour", P.HOUR_BUSINESS),
    "evening": ("hour", P.HOUR_EVENING),
    "december": ("month", P.MONTH_DECEMBER),
    "summer": ("month", P.MONTH_SUMMER),
}


def _pattern(schema: Schema, m: re.Match[str]) -> str:
    table = _table(schema, m["table"]) if m["table"] else _main_timed_table(schema)
    name = m["pattern"].lower().rstrip("s")
    name = {"holiday": "december", "workweek": "weekday", "business hour": "business hours"}.get(
        name, name
    )
    dimension, weights = _PATTERNS[name]
    node = surgery.node(schema, table)
    assert node is not None
    series = next(
        (
            (c["name"], c["generator"]["datetime_series"])
            for c in node["columns"]
            if "datetime_series" in c["generator"]
        ),
        None,
    )
    if series is None:
        raise EditNotUnderstood(f"`{table}` has no generated timestamp to shape")
    column, spec = series
    set_pattern(spec, dimension, list(weights))
    _refresh_weekend_targets(schema, table, column, spec)
    return f"{m['pattern']} pattern on `{table}.{column}` ({dimension} weights)"


def _main_timed_table(schema: Schema) -> str:
    """No table named: the first fact with a generated timestamp (the main events)."""
    for node in schema["nodes"]:
        if node["kind"] == "fact" and any(
            "datetime_series" in c["generator"] for c in node["columns"]
        ):
            return str(node["id"])
    raise EditNotUnderstood("no fact table with a generated timestamp", "weekend peak on orders")


def _refresh_weekend_targets(schema: Schema, table: str, column: str, spec: dict[str, Any]) -> None:
    """A declared weekend share must follow the new day/month weights, or the dry run fails."""
    frame = schema.get("timeframe") or {}
    try:
        window = (date.fromisoformat(frame["start"][:10]), date.fromisoformat(frame["end"][:10]))
    except (KeyError, ValueError):
        return
    weights = {p["dimension"]: p["weights"] for p in spec.get("pattern", [])}
    share = weekend_share(window, weights.get("dow"), weights.get("month"))
    for target in schema.get("targets", {}).get("weekend_share", []):
        if target.get("table") == table and target.get("column") == column:
            target["min"], target["max"] = round(share - 0.02, 3), round(share + 0.02, 3)


_NAME = r"`?(?P<{}>[A-Za-z][A-Za-z0-9_]*)`?"


def _rule(text: str) -> re.Pattern[str]:
    """A rule's regex: `{t}`-style slots become identifier groups; case-insensitive."""
    slots = re.findall(r"\{(\w+)\}", text)
    for slot in slots:
        text = text.replace("{" + slot + "}", _NAME.format(slot), 1)
    return re.compile(text, re.IGNORECASE)


_ART = r"(?:(?:a|an|the|my|our)\s+)?"
_REMOVE = r"(?:remove|drop|delete|get\s+rid\s+of|lose|take\s+out)"
_NEED = r"(?:(?:i|we)\s+(?:need|want)\s+|give\s+me\s+|make\s+it\s+|use\s+|generate\s+)"
_COUNT = r"(?P<count>\d[\d,_]*(?:\.\d+)?\s*[kmb]?)"
_RULES: list[tuple[re.Pattern[str], Callable[[Schema, re.Match[str]], str]]] = [
    (_rule(rf"add\s+{_ART}(?:new\s+)?table\s+(?:called\s+|named\s+)?{{name}}"), _add_table),
    (_rule(rf"add\s+{_ART}{{name}}\s+table"), _add_table),
    (
        _rule(rf"add\s+{_ART}(?:column|field)\s+{{column}}\s+(?:to|on)\s+{_ART}{{table}}"),
        _add_column,
    ),
    (
        _rule(rf"add\s+{_ART}{{column}}\s+(?:column\s+|field\s+)?(?:to|on)\s+{_ART}{{table}}"),
        _add_column,
    ),
    (_rule(rf"{_REMOVE}\s+{_ART}table\s+{{table}}"), _remove_table),
    (_rule(rf"{_REMOVE}\s+{_ART}{{table}}\s+table"), _remove_table),
    (_rule(rf"{_REMOVE}\s+{_ART}column\s+{{table}}\.{{column}}"), _remove_column),
    (_rule(rf"{_REMOVE}\s+{_ART}{{table}}\.{{column}}"), _remove_column),
    (
        _rule(
            rf"{_REMOVE}\s+{_ART}(?:column\s+)?{{column}}(?:\s+column)?\s+from\s+{_ART}{{table}}"
        ),
        _remove_column,
    ),
    (_rule(rf"{_REMOVE}\s+{_ART}{{name}}(?:\s+column)?"), _remove_either),
    (_rule(r"rename\s+(?:column\s+)?{table}\.{old}\s+(?:to|as)\s+{new}"), _rename_column),
    (
        _rule(rf"rename\s+(?:table\s+)?{_ART}{{old}}\s+(?:table\s+)?(?:to|as)\s+{{new}}"),
        _rename_table,
    ),
    (_rule(rf"{{table}}\s*[:=]\s*{_COUNT}(?:\s+rows)?"), _rows),
    (_rule(rf"(?:set|make)\s+{_ART}{{table}}\s+(?:to\s+)?{_COUNT}(?:\s+rows)?"), _rows),
    (_rule(rf"{_NEED}?(?:about\s+|around\s+)?{_COUNT}\s+{{table}}"), _rows),
    (
        _rule(
            r"(?P<direction>more|fewer|less)\s+(?:rows|data|records)"
            r"|(?:make\s+it\s+|a\s+)?(?P<direction2>bigger|smaller)(?:\s+dataset)?"
        ),
        _more_rows,
    ),
    (
        _rule(
            r"(?:change|set|move|shift|make|put)\s+(?:it\s+|the\s+)?(?:(?:date|time)\s+(?:range|"
            r"window|span|period)|dates|timeframe|time\s*frame|window|period|data)?\s*"
            r"(?:to|into|for|in)\s+(?P<when>.+)"
        ),
        _date_range,
    ),
    (
        _rule(r"make\s+(?:the\s+)?{table}\s+(?:table\s+)?an?\s+child\s+of\s+(?:the\s+)?{parent}"),
        _child_of,
    ),
    (
        _rule(
            rf"add\s+{_ART}{{column}}\s+(?:column\s+)?(?:(?:to|on)\s+{_ART}{{table}}\s+)?with\s+"
            r"(?P<pct>\d+(?:\.\d+)?)\s*%\s+(?P<value>[A-Za-z][A-Za-z _-]*?)"
            r"(?:\s+(?:on|in|to)\s+(?:the\s+)?(?P<table2>[A-Za-z_]+))?"
        ),
        _value_share,
    ),
    (
        _rule(
            r"(?P<factor>\d+(?:\.\d+)?)\s*(?:x|times)\s+(?P<direction>more|fewer|less)\s+{table}"
        ),
        _scale,
    ),
    (_rule(rf"(?P<verb>double|triple|halve|half)\s+{_ART}{{table}}"), _scale),
    (_rule(r"{table}\s+per\s+{parent}\s*[:=]\s*(?P<mean>\d+(?:\.\d+)?)"), _fanout),
    (_rule(r"(?P<mean>\d+(?:\.\d+)?)\s+{table}\s+per\s+{parent}"), _fanout),
    (
        _rule(
            r"(?:add\s+(?:an?\s+)?)?(?P<pattern>weekend|weekday|workweek|business\s+hours?|evening"
            r"|december|holiday|summer)s?(?:\s+(?:peak|spike|pattern|seasonality)s?)?"
            r"(?:\s+(?:on|in|for|to)\s+(?:the\s+)?{table})?"
        ),
        _pattern,
    ),
]
