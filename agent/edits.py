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
from datagen.agent.offline.compose import guess_column, set_pattern, weekend_share
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


def apply_edit(schema: Schema, request: str) -> Edit:
    """Apply one request of the grammar; `EditNotUnderstood` when none matches."""
    text = " ".join(request.strip().rstrip(".!").split())
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
            return Edit(edited, summary)
    raise EditNotUnderstood(f"not an offline edit: {request!r}", closest_phrasing(text))


def closest_phrasing(text: str) -> str:
    """The supported example nearest to the request (by difflib ratio)."""
    lowered = text.lower()
    return max(EXAMPLES, key=lambda e: difflib.SequenceMatcher(None, lowered, e).ratio())


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
    col = guess_column(name, node["kind"])
    node["columns"].append(col)
    return f"added column `{table}.{name}` ({col['type']})"


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
    return f"`{table}` per `{parent}`: {before:g} -> {node['fanout']['lambda']:g}"


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


_ART = r"(?:(?:a|an|the)\s+)?"
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
    (_rule(rf"(?:remove|drop|delete)\s+{_ART}table\s+{{table}}"), _remove_table),
    (_rule(rf"(?:remove|drop|delete)\s+{_ART}{{table}}\s+table"), _remove_table),
    (_rule(rf"(?:remove|drop|delete)\s+{_ART}column\s+{{table}}\.{{column}}"), _remove_column),
    (_rule(rf"(?:remove|drop|delete)\s+{_ART}{{table}}\.{{column}}"), _remove_column),
    (
        _rule(rf"(?:remove|drop|delete)\s+{_ART}(?:column\s+)?{{column}}\s+from\s+{_ART}{{table}}"),
        _remove_column,
    ),
    (_rule(rf"(?:remove|drop|delete)\s+{_ART}{{name}}"), _remove_either),
    (_rule(r"rename\s+(?:column\s+)?{table}\.{old}\s+(?:to|as)\s+{new}"), _rename_column),
    (
        _rule(rf"rename\s+(?:table\s+)?{_ART}{{old}}\s+(?:table\s+)?(?:to|as)\s+{{new}}"),
        _rename_table,
    ),
    (_rule(rf"{{table}}\s*[:=]\s*{_COUNT}(?:\s+rows)?"), _rows),
    (_rule(rf"(?:set|make)\s+{_ART}{{table}}\s+(?:to\s+)?{_COUNT}(?:\s+rows)?"), _rows),
    (_rule(rf"(?:make\s+it\s+|use\s+)?{_COUNT}\s+{{table}}"), _rows),
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
