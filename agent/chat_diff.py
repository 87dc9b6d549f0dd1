"""What an edit changed, line by line, for `datagen chat`: tables, columns and the fields
inside them (`~ product.price: distribution.params.mean 3.5 -> 3.2`), and which removals
the request did not name (a cascade the user confirms first)."""

from __future__ import annotations

import json
import re
from typing import Any

Schema = dict[str, Any]

_SHORT = 48  # a value longer than this (as JSON) is shortened in a diff line
_MAX_FIELDS = 4  # changed fields listed per line before "and N more"


def schema_diff(before: Schema | None, after: Schema | None) -> list[str]:
    """Short lines: tables, columns, row counts and changed fields, added, removed or changed."""
    if after is None:
        return []
    old = {n["id"]: n for n in (before or {}).get("nodes", [])}
    new = {n["id"]: n for n in after.get("nodes", [])}
    lines = []
    for table in [t for t in new if t not in old]:
        node = new[table]
        lines.append(
            f"+ table {table} ({node['kind']}, {len(node['columns'])} columns{_rows(node)})"
        )
    for table in [t for t in old if t not in new]:
        lines.append(f"- table {table}")
    for table in [t for t in new if t in old]:
        lines.extend(_table_diff(table, old[table], new[table]))
    if before is not None:
        for section in ("timeframe", "constraints", "targets", "claims"):
            lines.extend(_section_diff(section, before.get(section), after.get(section)))
    return lines or ["(no change to tables, columns or row counts)"]


def _table_diff(table: str, a: Schema, b: Schema) -> list[str]:
    lines = []
    if _rows(a) != _rows(b):
        lines.append(f"~ {table} rows:{_rows(a)[1:]} ->{_rows(b)[1:]}")
    # other table fields (kind, parents, pk, fanout's shape): field by field
    rest_a = {k: v for k, v in a.items() if k not in ("columns", "id", "rows")}
    rest_b = {k: v for k, v in b.items() if k not in ("columns", "id", "rows")}
    changes = [
        c
        for c in field_changes(rest_a, rest_b)
        if not (_rows(a) != _rows(b) and c[0] in ("fanout.lambda", "fanout.max"))
    ]
    if changes:
        lines.append(f"~ {table}: {_render_changes(changes)}")
    cols_a = {c["name"]: c for c in a["columns"]}
    cols_b = {c["name"]: c for c in b["columns"]}
    for name in [c for c in cols_b if c not in cols_a]:
        lines.append(
            f"+ column {table}.{name} ({cols_b[name]['type']}, {_generator(cols_b[name])})"
        )
    for name in [c for c in cols_a if c not in cols_b]:
        lines.append(f"- column {table}.{name}")
    for name in [c for c in cols_b if c in cols_a and cols_a[c] != cols_b[c]]:
        lines.append(f"~ {table}.{name}: {_column_change(cols_a[name], cols_b[name])}")
    return lines


def _column_change(a: Schema, b: Schema) -> str:
    kind_a, kind_b = next(iter(a["generator"])), next(iter(b["generator"]))
    parts = []
    if kind_a != kind_b:  # a new generator: say what it was and what it is
        parts.append(f"{_generator(a)} -> {_generator(b)}")
        a = {k: v for k, v in a.items() if k != "generator"}
        b = {k: v for k, v in b.items() if k != "generator"}
    # paths inside the generator start at its kind: `distribution.params.mean 3.5 -> 3.2`
    changes = [(p.removeprefix("generator."), x, y) for p, x, y in field_changes(a, b)]
    if changes:
        parts.append(_render_changes(changes))
    return "; ".join(parts)


def _section_diff(section: str, a: Any, b: Any) -> list[str]:
    if a == b:
        return []
    if isinstance(a, dict | None) and isinstance(b, dict | None) and section == "timeframe":
        return [f"~ timeframe: {_render_changes(field_changes(a or {}, b or {}))}"]
    lines = []
    groups_a = _items(a)
    groups_b = _items(b)
    for group in dict.fromkeys([*groups_a, *groups_b]):
        items_a, items_b = groups_a.get(group, []), groups_b.get(group, [])
        label = f"{section}.{group}" if group else section
        added = [item for item in items_b if item not in items_a]
        removed = [item for item in items_a if item not in items_b]
        # an item whose identity (where it applies) is unchanged: its fields that changed
        for new in list(added):
            key = _identity(new)
            same = [old for old in removed if key and _identity(old) == key]
            if len(same) == 1:
                where = " ".join(str(v) for _, v in key)
                changes = field_changes(same[0], new)
                lines.append(f"~ {label} {where}: {_render_changes(changes)}")
                added.remove(new)
                removed.remove(same[0])
        lines += [f"+ {label}: {_item(item)}" for item in added]
        lines += [f"- {label}: {_item(item)}" for item in removed]
    return lines


def _item(item: Any) -> str:
    """A claim by its phrase, anything else as short JSON."""
    if isinstance(item, dict) and isinstance(item.get("text"), str) and "kind" in item:
        return f"{item['text']!r} ({item['kind']})"
    return _short(item, 90)


_IDENTITY = ("id", "table", "column", "left", "op", "right", "time_column", "dimension")


def _identity(item: Any) -> tuple[tuple[str, Any], ...]:
    """What a constraint, target or claim applies to (its table, columns, id)."""
    if not isinstance(item, dict):
        return ()
    return tuple((k, item[k]) for k in _IDENTITY if isinstance(item.get(k), str))


def _items(section: Any) -> dict[str, list[Any]]:
    """A section as lists of items per group: constraints/targets are {kind: [...]}."""
    if section is None:
        return {}
    if isinstance(section, list):
        return {"": section}
    if isinstance(section, dict):
        return {k: v if isinstance(v, list) else [v] for k, v in section.items()}
    return {"": [section]}


def field_changes(a: Any, b: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """(dotted path, old, new) for every leaf that differs; lists of scalars are one leaf."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[tuple[str, Any, Any]] = []
        for key in dict.fromkeys([*a, *b]):
            sub = f"{path}.{key}" if path else str(key)
            if key not in b:
                if not _empty(a[key]):  # an empty list or null is the same as none
                    out.append((sub, a[key], _MISSING))
            elif key not in a:
                if not _empty(b[key]):
                    out.append((sub, _MISSING, b[key]))
            elif a[key] != b[key]:
                out.extend(field_changes(a[key], b[key], sub))
        return out
    if (
        isinstance(a, list)
        and isinstance(b, list)
        and len(a) == len(b)
        and any(isinstance(v, dict | list) for v in a)
    ):
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                out.extend(field_changes(x, y, f"{path}[{i}]"))
        return out
    return [] if a == b else [(path, a, b)]


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


class _Missing:
    def __repr__(self) -> str:
        return "(none)"


_MISSING = _Missing()


def _render_changes(changes: list[tuple[str, Any, Any]]) -> str:
    shown = []
    for path, old, new in changes[:_MAX_FIELDS]:
        if old is _MISSING:
            shown.append(f"{path} = {_short(new)} (added)")
        elif new is _MISSING:
            shown.append(f"{path} {_short(old)} (removed)")
        else:
            shown.append(f"{path} {_short(old)} -> {_short(new)}")
    more = len(changes) - _MAX_FIELDS
    return ", ".join(shown) + (f", and {more} more field(s)" if more > 0 else "")


def _short(value: Any, limit: int = _SHORT) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list) and all(isinstance(v, int | float) for v in value):
        text = "[" + ", ".join(f"{v:g}" for v in value) + "]"
    else:
        text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _generator(column: Schema) -> str:
    """`distribution lognormal(mean 3.5, sigma 0.6)`, `choice [a, b, c]`: kind and its gist."""
    kind, spec = next(iter(column["generator"].items()))
    if not isinstance(spec, dict):
        return kind
    if kind == "distribution":
        params = ", ".join(f"{k} {_short(v)}" for k, v in (spec.get("params") or {}).items())
        return f"distribution {spec.get('type')}({params})"
    if kind == "choice" and spec.get("choices"):
        return f"choice {_short(spec['choices'], 40)}"
    for key in ("from", "method", "expr"):
        if key in spec:
            return f"{kind} {_short(spec[key], 40)}"
    return kind


def _rows(node: Schema) -> str:
    if node.get("fanout"):
        fan = node["fanout"]
        mean = fan.get("lambda") if fan.get("lambda") is not None else fan.get("max")
        if mean is None:
            mean = fan.get("mean", 0)
        return f", {mean:g} per {node['parents'][0]}"
    return f", {node['rows']:,} rows" if node.get("rows") is not None else ""


# --------------------------------------------------------------------------- cascades


def unrequested_removals(before: Schema | None, after: Schema, request: str) -> list[str]:
    """Tables and columns the edit removes that the request does not name: `table booking`,
    `column order_item.product_id`. Columns of a removed table are not listed apart."""
    if before is None:
        return []
    words = {w.lower() for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", request)}
    named = (
        words
        | {w[:-1] for w in words if w.endswith("s")}
        | {w[:-2] for w in words if w.endswith("es")}
    )
    old = {n["id"]: n for n in before.get("nodes", [])}
    new = {n["id"]: n for n in after.get("nodes", [])}
    out = [f"table {t}" for t in old if t not in new and t.lower() not in named]
    for table, node in new.items():
        if table not in old:
            continue
        kept = {c["name"] for c in node["columns"]}
        for col in old[table]["columns"]:
            name = col["name"]
            if name not in kept and name.lower() not in named and f"{table}.{name}" not in request:
                out.append(f"column {table}.{name}")
    return out
