"""The provider-independent binder: each claim tied to the measure that checks it.

`bind_claims(dataset, claims)` finds, for every claim, where the schema holds
what it talks about (the table named by its noun, the categorical value named
by its words, the main fact's timestamp...) and sets `bound_to` to a
registered measure (engine/validate/claims.py). A claim it cannot place comes
back `not_modelled` with the reason, and an assumption says so. A claim the
author bound already is kept as the author bound it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from datagen.agent.claims.words import stems
from datagen.engine import dsl, relations
from datagen.engine.generators.kind import kind_of, spec_of
from datagen.engine.plan import TEMPORAL

# nouns people use for the same table
SYNONYMS = {
    "client": {"customer", "user", "buyer"},
    "customer": {"client", "user", "buyer", "shopper", "member"},
    "user": {"customer", "member", "account", "player", "subscriber"},
    "member": {"user", "customer"},
    "rider": {"passenger", "customer"},
    "driver": {"courier"},
    "order": {"purchase", "sale", "transaction"},
    "purchase": {"order", "sale", "transaction"},
    "sale": {"order", "purchase", "transaction"},
    "transaction": {"payment", "order", "transfer"},
    "payment": {"transaction"},
    "visit": {"appointment", "encounter", "admission", "booking", "check"},
    "login": {"session"},
    "appointment": {"visit", "booking", "encounter", "admission"},
    "booking": {"reservation", "appointment", "order"},
    "reservation": {"booking"},
    "patient": {"person"},
    "employee": {"staff", "worker", "person"},
    "store": {"shop", "branch", "location", "outlet"},
    "shop": {"store"},
    "product": {"item", "sku"},
    "item": {"product", "line"},
    "line": {"item", "order_line"},
    "reading": {"measurement", "event", "sample", "record"},
    "event": {"reading", "activity"},
    "trip": {"ride", "journey"},
    "ride": {"trip"},
    "play": {"stream", "listen", "view"},
    "stream": {"play"},
    "show": {"title", "podcast", "series"},
    "claim": {"insurance_claim"},
    "policy": {"contract"},
    "account": {"user", "customer"},
    "call": {"cdr"},
    "shopper": {"customer", "user", "buyer"},
    "buyer": {"customer", "shopper"},
    "meter": {"device", "sensor"},
    "sensor": {"device", "meter"},
    "device": {"sensor", "meter"},
    "factory": {"site", "plant"},
    "plant": {"site", "factory"},
    "site": {"factory", "plant", "location"},
    "subscriber": {"customer", "user", "account"},
    "policyholder": {"customer", "holder"},
    "passenger": {"rider", "customer"},
    "guest": {"customer"},
    "usage": {"event", "session"},
    "organization": {"account", "company", "customer", "tenant", "org"},
    "company": {"account", "organization", "customer", "tenant"},
    "tenant": {"account", "organization", "company"},
    "churn": {"churned", "cancel"},
}


@dataclass
class SchemaView:
    """What binding asks of a schema: tables by noun, columns, sizes, timestamps."""

    dataset: dsl.Dataset

    @cached_property
    def estimated_rows(self) -> dict[str, int]:
        from datagen.engine.plan import build_plan

        try:
            plan = build_plan(self.dataset, 0)
        except Exception:  # an unplannable draft: every table counts the same
            return {n.id: 0 for n in self.dataset.nodes}
        return {t: p.estimated_rows for t, p in plan.tables.items()}

    def table_for(self, words: list[str]) -> dsl.Node | None:
        """The table a noun names: its id, a synonym, or a table whose id contains it."""
        wanted = set().union(*(stems(w) for w in words)) if words else set()
        if not wanted:
            return None
        best: tuple[int, dsl.Node] | None = None
        for node in self.dataset.nodes:
            names = stems(node.id)
            overlap = len(names & wanted)
            # every word matched counts; words of the table's name left unmatched cost a little
            score = 10 * overlap - len(names - wanted) if overlap else 0
            if not score and any(names & SYNONYMS.get(w, set()) for w in wanted):
                score = 1
            if score > 0 and (best is None or score > best[0]):
                best = (score, node)
        return best[1] if best else None

    @cached_property
    def main_fact(self) -> dsl.Node:
        """The largest fact (else the largest table): what 'rows', windows and peaks mean."""
        facts = [n for n in self.dataset.nodes if n.kind == "fact"] or list(self.dataset.nodes)
        return max(facts, key=lambda n: (self.estimated_rows.get(n.id, 0), -facts.index(n)))

    def time_column(self, node: dsl.Node) -> str | None:
        """The table's own timestamp: a date/datetime drawn in its window (`datetime_series`)
        first, else one derived from others, else one copied from a parent (the order's
        time in `payment.ordered_at` is the order's, not the payment's)."""
        rank = {dsl.DatetimeSeriesSpec: 0, dsl.LookupSpec: 2}
        temporal = [c for c in node.columns if c.type in TEMPORAL]
        if not temporal:
            return None
        best = min(temporal, key=lambda c: rank.get(type(dsl.generator_spec(c.generator)), 1))
        return best.name

    def timed_table(self, preferred: dsl.Node | None = None) -> tuple[dsl.Node, str] | None:
        """A table with a timestamp: `preferred`, else the largest fact that has one, else
        the largest table that has one."""
        if preferred is not None and (column := self.time_column(preferred)):
            return preferred, column
        nodes = sorted(
            self.dataset.nodes,
            key=lambda n: (n.kind == "fact", self.estimated_rows.get(n.id, 0)),
            reverse=True,
        )
        timed = [(n, c) for n in nodes if (c := self.time_column(n))]
        # a timestamp drawn in the window speaks for it; one derived later (a repayment's
        # `paid_at` after its due date) may run past it
        drawn = [(n, c) for n, c in timed if self._drawn(n, c)]
        found = drawn or timed
        return found[0] if found else None

    def _drawn(self, node: dsl.Node, column: str) -> bool:
        col = node.column(column)
        return col is not None and kind_of(col).time_shape(spec_of(col), self.dataset) is not None


Binder = Callable[[SchemaView, dsl.Claim], dict[str, Any] | str]
BINDERS: dict[str, Binder] = {}


def binder(*kinds: str) -> Callable[[Binder], Binder]:
    def register(fn: Binder) -> Binder:
        for kind in kinds:
            BINDERS[kind] = fn
        return fn

    return register


def bind_claims(dataset: dsl.Dataset, claims: list[dsl.Claim]) -> tuple[dsl.Dataset, list[str]]:
    """(the dataset with its `claims` set, assumptions naming each claim left unmodelled)."""
    from datagen.agent.claims.verify import binding_mismatch
    from datagen.engine.validate.claims import binding_problems

    view = SchemaView(dataset)
    bound: list[dsl.Claim] = []
    assumptions: list[str] = []
    for claim in claims:
        rejected = None  # why the author's binding does not measure its phrase
        if claim.status == "bound" and claim.bound_to is not None:
            if not binding_problems(dataset, claim.bound_to):
                rejected = binding_mismatch(dataset, claim, claim.bound_to)
                if rejected is None:
                    bound.append(claim)
                    continue
        if claim.status == "not_modelled":
            bound.append(claim)
            continue
        fn = BINDERS.get(claim.kind)
        result: dict[str, Any] | str = fn(view, claim) if fn else f"no binder for {claim.kind}"
        if isinstance(result, dict):
            binding = dsl.ClaimBinding.model_validate(result)
            problems = binding_problems(dataset, binding)
            mismatch = None if problems else binding_mismatch(dataset, claim, binding)
            if not problems and mismatch is None:
                bound.append(
                    claim.model_copy(
                        update={"bound_to": binding, "status": "bound", "reason": None}
                    )
                )
                continue
            result = rejected or mismatch or "; ".join(problems)
        elif rejected is not None:
            result = rejected
        bound.append(
            claim.model_copy(update={"bound_to": None, "status": "not_modelled", "reason": result})
        )
        assumptions.append(f"'{claim.text}': not modelled ({result})")
    return dataset.model_copy(update={"claims": bound}), assumptions


# --------------------------------------------------------------------------- binders


@binder("count")
def _count(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    node = view.table_for(claim.about[:1])
    if node is None:
        return f"no table for `{' '.join(claim.about)}`"
    unit = claim.expected.unit or "rows"
    if unit.startswith("per_"):
        subject = view.table_for(claim.about[1:]) if len(claim.about) > 1 else None
        if node.kind != "fact" and subject is not None:
            # 'members borrow 8 books a year': the rows of the timed table linking the two
            node = _link(view, node, subject) or node
        found = view.timed_table(node)
        if found is None or found[0].id != node.id:
            return f"`{node.id}` has no timestamp to count rows per {unit[4:]}"
        if len(claim.about) > 1:  # "each customer places up to 4 orders a month"
            subject = view.table_for(claim.about[1:])
            fk = relations.fk_between(view.dataset, node.id, subject.id) if subject else None
            if fk is None or unit[4:] not in ("hour", "day", "week", "month", "year"):
                return f"`{node.id}` has no foreign key to `{' '.join(claim.about[1:])}`"
            return {"measure": "rows_per_key", "table": node.id, "column": found[1],
                    "by": fk.column, "per": unit[4:]}  # fmt: skip
        return {"measure": "rows_per", "table": node.id, "column": found[1], "per": unit[4:]}
    return {"measure": "rows", "table": node.id}


def _link(view: SchemaView, one: dsl.Node, other: dsl.Node) -> dsl.Node | None:
    """A timed table with foreign keys to both (a loan links a member and a book)."""
    return next(
        (
            node
            for node in view.dataset.nodes
            if node.id not in (one.id, other.id)
            and view.time_column(node) is not None
            and relations.fk_between(view.dataset, node.id, one.id) is not None
            and relations.fk_between(view.dataset, node.id, other.id) is not None
        ),
        None,
    )


@binder("size")
def _size(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    if claim.expected.unit == "bytes":
        return "sizes on disk depend on the output format: use `--scale` with `datagen size`"
    return {"measure": "rows", "table": view.main_fact.id}


@binder("window")
def _window(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    found = view.timed_table(view.table_for(claim.about))
    if found is None:
        return "no table has a date or datetime column"
    node, column = found
    return {"measure": "window", "table": node.id, "column": column}


GAP = re.compile(r"within ([\d.]+) (s|min|h|days)$")
_BETWEEN = {"min": ("minutes_between", 1.0), "h": ("hours_between", 1.0),
            "days": ("days_between", 1.0), "s": ("minutes_between", 1 / 60)}  # fmt: skip


def _within_rate(view: SchemaView, claim: dsl.Claim, gap: re.Match[str]) -> dict[str, Any] | str:
    """'70% are closed within 48 hours': the share of rows whose two timestamps are at most
    that far apart, both in the row's own table."""
    amount, unit = float(gap.group(1)), gap.group(2)
    words = [w for w in claim.about if not GAP.match(w)]
    duration = claim.model_copy(
        update={"about": words, "expected": dsl.ClaimExpected(max=amount, unit=unit)}
    )
    found = _duration_binding(view, duration)
    if isinstance(found, str):
        return found
    if found["measure"] != "duration" or "." in found["start"] + found["end"]:
        return f"no pair of timestamps in one table for `{' '.join(words)}`"
    function, scale = _BETWEEN[unit]
    limit = f"{amount * scale:g}"
    where = f"{function}({found['start']}, {found['end']}) <= {limit}"
    return {"measure": "share", "table": found["table"], "where": where}


@binder("rate", "share")
def _rate(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    gap = next((g for w in claim.about if (g := GAP.match(w))), None)
    if gap is not None:
        return _within_rate(view, claim, gap)
    from datagen.agent.claims.verify import binding_mismatch

    words = list(claim.about)
    preferred = view.table_for(words[-1:]) if words else None
    rejected = None
    for node, where in value_matches(view, words, preferred):
        binding = {"measure": "share", "table": node.id, "where": where}
        rejected = binding_mismatch(view.dataset, claim, dsl.ClaimBinding.model_validate(binding))
        if rejected is None:
            return binding
    filled = present_match(view, words, preferred)
    if filled is not None:
        return {"measure": "present", "table": filled[0].id, "column": filled[1]}
    return rejected or f"no column value or flag matches `{' '.join(words)}`"


def snake_key(word: str) -> str:
    """'Deliveries' -> 'delivery': the table id a noun would be."""
    from datagen.agent.claims.words import singular

    return "_".join(singular(p) for p in re.split(r"[\s_-]+", word.lower()) if p)


def value_match(
    view: SchemaView, words: list[str], preferred: dsl.Node | None
) -> tuple[dsl.Node, str] | None:
    """A categorical value or boolean flag named by `words`: (table, where expression)."""
    return next(value_matches(view, words, preferred), None)


def value_matches(
    view: SchemaView, words: list[str], preferred: dsl.Node | None
) -> Iterator[tuple[dsl.Node, str]]:
    """The categorical values and boolean flags named by `words`, best first per column."""
    wanted = set().union(*(stems(w) for w in words)) if words else set()
    if not wanted:
        return
    nodes = list(view.dataset.nodes)
    if preferred is not None:
        nodes.remove(preferred)
        nodes.insert(0, preferred)
    for node in nodes:
        # '5% of deliveries arrive late': the word naming this table is not its value
        # (`delivered`); what is left names it
        table_words = stems(node.id)
        own = set().union(
            *(stems(w) for w in words if snake_key(w) == node.id or stems(w) <= table_words)
        )
        mine = (wanted - own) or wanted
        for col in node.columns:
            values = kind_of(col).declared_values(spec_of(col)) or []
            if len(values) > MAX_CATEGORIES:
                values = []  # a pool of names ('Woman Echo 9') holds no category
            similar = [
                (sum(_similar_any({s}, mine) for s in stems(v)), -i, v)
                for i, v in enumerate(values)
                if isinstance(v, str) and _similar_any(stems(v), mine)
            ]
            # 'returned late' is `returned_late`, not `returned`: most words first
            for _, _, value in sorted(similar, reverse=True):
                yield node, f"{col.name} == {value!r}"
            if col.type == "bool" and _similar_any(column_words(col.name), mine):
                yield node, f"{col.name} == true"


MAX_CATEGORIES = 40  # more declared values than this: names or labels, not categories


def _similar(word: str, other: str) -> bool:
    """'churn' ~ 'churned', 'fradulent' ~ 'fraud', 'refunded' ~ 'refund'."""
    if word == other:
        return True
    short, long_ = sorted((word, other), key=len)
    if len(short) >= 4 and long_.startswith(short):
        return True
    if len(short) >= 5 and short[0] == long_[0]:  # a typo keeps the first letter: no 'mouse'
        import difflib

        return difflib.SequenceMatcher(None, long_[: len(short)], short).ratio() >= 0.8
    return False


def _similar_any(names: set[str], wanted: set[str]) -> bool:
    return any(_similar(a, b) for a in names for b in wanted)


def present_match(
    view: SchemaView, words: list[str], preferred: dsl.Node | None
) -> tuple[dsl.Node, str] | None:
    """A nullable column named by `words` ('15% churn' -> `user.churned_at`): its filled rows."""
    wanted = set().union(*(stems(w) for w in words)) if words else set()
    nodes = list(view.dataset.nodes)
    if preferred is not None:
        nodes.remove(preferred)
        nodes.insert(0, preferred)
    for node in nodes:
        for col in node.columns:
            if col.nullable and _similar_any(column_words(col.name), wanted):
                return node, col.name
    return None


# --------------------------------------------------------------------------- columns


def column_words(name: str) -> set[str]:
    """'checked_out_at' -> {'checked', 'out', 'at', 'checkedout', 'checkout'...}: stems and
    joined forms, so 'checkout' finds `checked_out_at`."""
    parts = [p for p in name.lower().split("_") if p]
    words = stems(name)
    for a, b in zip(parts, parts[1:], strict=False):
        words.add(a + b)
        words.add(a.removesuffix("ed").removesuffix("e") + b)
    return words


def _matches(name: str, wanted: set[str]) -> int:
    found = column_words(name)
    return sum(
        1 for w in wanted if w in found or any(f.startswith(w[:5]) for f in found if len(w) >= 5)
    )


def columns_of(view: SchemaView, node: dsl.Node, types: set[str]) -> list[dsl.Column]:
    return [c for c in node.columns if c.type in types]


NUMERIC = {"int", "float"}
SPEND = {"ticket", "basket", "check", "bill", "receipt", "spend", "purchase"}
MONEY = {"amount", "total", "price", "value", "revenue", "fare", "cost", "fee", "spend",
         "basket", "payment", "sum", "charge", "premium", "salary", "balance"}  # fmt: skip


def numeric_column(
    view: SchemaView, words: list[str], money: bool = False
) -> tuple[dsl.Node, dsl.Column] | None:
    """The numeric column named by `words`; or, when a word names a table, its money column."""
    wanted = set().union(*(stems(w) for w in words)) if words else set()
    keys = {n.id: n.pk for n in view.dataset.nodes}
    best: tuple[int, dsl.Node, dsl.Column] | None = None
    for node in view.dataset.nodes:
        for col in columns_of(view, node, NUMERIC):
            if col.name == keys[node.id] or col.name.endswith("_id"):
                continue
            score = 2 * _matches(col.name, wanted)
            if not score and money and stems(node.id) & wanted and column_words(col.name) & MONEY:
                score = 1
            if score and (best is None or score > best[0]):
                best = (score, node, col)
    return (best[1], best[2]) if best else None


def temporal_column(
    view: SchemaView, word: str, prefer: dsl.Node | None = None
) -> tuple[dsl.Node, str] | None:
    """The date/datetime column a word names ('arrival' -> visit.arrived_at), or the
    time column of the table it names."""
    wanted = stems(word)
    nodes = list(view.dataset.nodes)
    if prefer is not None:
        nodes.remove(prefer)
        nodes.insert(0, prefer)
    for node in nodes:
        for col in columns_of(view, node, TEMPORAL):
            if _matches(col.name, wanted):
                return node, col.name
    node = view.table_for([word])
    if node is not None and (column := view.time_column(node)):
        return node, column
    return None


def reference(view: SchemaView, table: dsl.Node, other: dsl.Node, column: str) -> str | None:
    """How rows of `table` reach `other.column`: itself, or through a foreign key."""
    if other.id == table.id:
        return column
    if relations.fk_between(view.dataset, table.id, other.id) is not None:
        return f"{other.id}.{column}"
    return None


_END_WORDS = {"end", "ended", "out", "due", "return", "returned", "discharge", "discharged",
              "delivered", "closed", "resolved", "completed", "finished", "left", "departure",
              "departed", "checkout", "expire", "expires", "expiry", "stop", "stopped",
              "dropoff", "drop", "shipped", "paid", "settled", "cancelled"}  # fmt: skip


def _ordered_pair(node: dsl.Node, a: str, b: str) -> tuple[str, str]:
    """(start, end) of two temporal columns: end-like names last, else schema order."""

    def late(name: str) -> bool:
        return bool(column_words(name) & _END_WORDS)

    names = [c.name for c in node.columns]
    if late(a) and not late(b):
        return b, a
    if late(b) and not late(a):
        return a, b
    return (a, b) if names.index(a) <= names.index(b) else (b, a)


# --------------------------------------------------------------------------- more binders


@binder("grain")
def _grain(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    found = view.timed_table(view.table_for(claim.about))
    if found is None:
        return "no table has a date or datetime column"
    node, column = found
    binding: dict[str, Any] = {"measure": "grain", "table": node.id, "column": column}
    fk = relations.fk_between(view.dataset, node.id, node.parents[0]) if node.parents else None
    if fk is not None:  # "sensors report hourly": each sensor's own series
        binding["by"] = fk.column
    return binding


@binder("time_pattern")
def _time_pattern(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    found = view.timed_table(view.table_for(claim.about))
    if found is None:
        return "no table has a date or datetime column"
    node, column = found
    e = claim.expected
    if e.unit == "variation":
        return {"measure": "time_variation", "table": node.id, "column": column,
                "dimension": "month"}  # fmt: skip
    cells = {
        "hours": e.hours,
        "weekdays": e.weekdays,
        "months": e.months,
        "dates": [w.model_dump() for w in e.dates] if e.dates else None,
    }
    if not any(v for v in cells.values()):
        return "the phrase names no hours, weekdays, months or dates"
    return {
        "measure": "time_share",
        "table": node.id,
        "column": column,
        **{k: v for k, v in cells.items() if v},
    }


@binder("duration")
def _duration(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    found = _duration_binding(view, claim)
    e = claim.expected
    if isinstance(found, dict) and found["measure"] == "duration" and e.value is None:
        # "resolved within 48 hours": nearly every gap under it, not only the typical one
        if e.max is not None and e.min is None:
            found["quantile"] = 0.9
        elif e.min is not None and e.max is None:
            found["quantile"] = 0.1
    return found


def _duration_binding(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    unit = claim.expected.unit or "days"
    # a column that stores the duration itself: `nights`, `duration_minutes`
    stored = numeric_column(view, [*claim.about, "duration", "length", unit, "night"])
    subject = view.table_for(claim.about[:1]) or view.table_for(claim.about)
    words = list(claim.about)
    named: list[tuple[dsl.Node, str]] = []
    for word in words:
        found = temporal_column(view, word, subject)
        if found is not None and all((n.id, c) != (found[0].id, found[1]) for n, c in named):
            named.append(found)
    if len(named) >= 2:
        (na, ca), (nb, cb) = named[0], named[1]
        if na.id == nb.id:
            start, end = _ordered_pair(na, ca, cb)
            return {"measure": "duration", "table": na.id, "start": start, "end": end,
                    "unit": _duration_unit(unit)}  # fmt: skip
        for child, parent, c_col, p_col in ((na, nb, ca, cb), (nb, na, cb, ca)):
            ref = reference(view, child, parent, p_col)
            if ref is not None:
                return {"measure": "duration", "table": child.id, "start": ref, "end": c_col,
                        "unit": _duration_unit(unit)}  # fmt: skip
    tables = [subject] if subject is not None else []
    if not tables and named:  # "closed within 48 hours": the closing time's own table
        tables = [named[0][0]]
    for node in tables:
        temporal = [c.name for c in columns_of(view, node, TEMPORAL)]
        if len(temporal) >= 2:
            start, end = _ordered_pair(node, temporal[0], temporal[-1])
            return {"measure": "duration", "table": node.id, "start": start, "end": end,
                    "unit": _duration_unit(unit)}  # fmt: skip
    if stored is not None and _matches(
        stored[1].name, {"duration", "length", "night", "day", "minute", "hour", "nights"}
    ):
        node, col = stored
        measure = (
            "range" if claim.expected.min is not None and claim.expected.max is not None else "mean"
        )
        return {"measure": measure, "table": node.id, "column": col.name}
    return f"no pair of timestamps (or duration column) for `{' '.join(claim.about)}`"


def _duration_unit(unit: str) -> str:
    return unit if unit in ("s", "min", "h", "days") else "days"


@binder("ordering")
def _ordering(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    if claim.expected.unit == "within":
        return _within(view, claim)
    if len(claim.about) < 2:
        return "an ordering needs two events"
    earlier, later = claim.about[0], claim.about[1:]
    first = temporal_column(view, earlier)
    second = next((t for w in later if (t := temporal_column(view, w)) is not None), None)
    if first is None or second is None or first == second:
        return f"no timestamps for `{earlier}` and `{' '.join(later)}`"
    (na, ca), (nb, cb) = first, second
    for table in (nb, na):
        a_ref = reference(view, table, na, ca)
        b_ref = reference(view, table, nb, cb)
        if a_ref is not None and b_ref is not None:
            return {"measure": "order", "table": table.id, "first": a_ref, "then": b_ref}
    return f"`{na.id}` and `{nb.id}` are not related by a foreign key"


def _within(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    container = view.table_for(claim.about[-1:])
    if container is None:
        return f"no table for `{claim.about[-1]}`"
    temporal = [c.name for c in columns_of(view, container, TEMPORAL)]
    if len(temporal) < 2:
        return f"`{container.id}` has no start and end timestamps"
    start, end = _ordered_pair(container, temporal[0], temporal[-1])
    subject = view.table_for(claim.about[:-1]) or view.main_fact
    found = view.timed_table(subject)
    if found is None or found[0].id == container.id:
        return f"no timestamp for `{' '.join(claim.about[:-1])}`"
    node, column = found
    start_ref = reference(view, node, container, start)
    end_ref = reference(view, node, container, end)
    if start_ref is None or end_ref is None:
        return f"`{node.id}` has no foreign key to `{container.id}`"
    return {"measure": "within", "table": node.id, "value": column, "start": start_ref,
            "end": end_ref}  # fmt: skip


@binder("range", "average")
def _numeric(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    """A range of the numeric column the words name; an average of it (or of the money
    column of the table they name: 'an average order of $45')."""
    average = claim.kind == "average"
    found = numeric_column(view, claim.about, money=average)
    if found is None and average and stems(" ".join(claim.about)) & SPEND:
        # 'average ticket $7.50': the amount of the main fact
        found = numeric_column(view, [view.main_fact.id], money=True)
    if found is None:
        return f"no numeric column for `{' '.join(claim.about)}`"
    node, col = found
    if average and claim.expected.unit == "percent" and not _PERCENT_NAME.search(col.name):
        # 'tips average 15%' is no mean of `tip` in dollars
        return f"no percent column for `{' '.join(claim.about)}` (`{col.name}` is no percent)"
    measure = "range"
    if average:  # 'the median donation is $50' is no mean
        measure = "median" if re.search(r"\bmedian\b", claim.text, re.IGNORECASE) else "mean"
    binding: dict[str, Any] = {"measure": measure, "table": node.id, "column": col.name}
    if not average and claim.expected.unit == "percent" and _fraction_column(col):
        binding["scale"] = 100  # 'efficiency between 15% and 22%' of a 0-1 column
    return binding


@binder("skew")
def _skew(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    parent = view.table_for(claim.about[:1]) if claim.about else None
    child = view.table_for(claim.about[1:2]) if len(claim.about) > 1 else None
    for word, table in zip(claim.about[:2], (parent, child), strict=False):
        if table is None:
            return f"no table for `{word}`"
    fks = relations.foreign_keys(view.dataset)
    candidates = [
        fk
        for fk in fks
        if (parent is None or fk.ref_table == parent.id)
        and (child is None or fk.table == child.id)
        and not fk.self_reference
    ]
    if not candidates:
        if parent is not None and child is None:
            return _skewed_values(view, claim, parent)
        return (
            f"no foreign key from `{' '.join(claim.about[1:]) or 'a fact'}` to "
            f"`{claim.about[0] if claim.about else 'an entity'}`"
        )
    fk = max(candidates, key=lambda f: view.estimated_rows.get(f.table, 0))
    return {"measure": "top_share", "table": fk.table, "column": fk.column,
            "top": claim.expected.top or 0.1}  # fmt: skip


def _skewed_values(view: SchemaView, claim: dsl.Claim, node: dsl.Node) -> dict[str, Any] | str:
    return f"no table's rows point at `{node.id}`"


@binder("relationship")
def _relationship(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    if claim.expected.unit == "many_to_many":
        link = view.table_for(claim.about[-1:])
        if link is None:
            return f"no link table `{claim.about[-1]}`"
        parents = [fk.ref_table for fk in relations.foreign_keys(view.dataset)
                   if fk.table == link.id and not fk.self_reference]  # fmt: skip
        if len(set(parents)) < 2:
            return f"`{link.id}` does not link two tables"
        return {"measure": "fanout", "table": link.id, "parent": parents[0]}
    if len(claim.about) < 2:
        return "a relationship needs a parent and a child"
    parent, child = view.table_for(claim.about[:1]), view.table_for(claim.about[1:2])
    if parent is None or child is None:
        missing = claim.about[0] if parent is None else claim.about[1]
        return f"no table for `{missing}`"
    if relations.fk_between(view.dataset, child.id, parent.id) is None:
        # 'each student enrols in 4 to 6 courses': the rows of a table linking the two
        links = [
            node
            for node in view.dataset.nodes
            if node.id not in (parent.id, child.id)
            and relations.fk_between(view.dataset, node.id, parent.id) is not None
            and relations.fk_between(view.dataset, node.id, child.id) is not None
        ]
        if not links:
            return f"`{child.id}` has no foreign key to `{parent.id}`"
        return {"measure": "fanout", "table": links[0].id, "parent": parent.id}
    return {"measure": "fanout", "table": child.id, "parent": parent.id}


PLACE_COLUMNS = {"country", "city", "location", "region", "market", "state", "place", "town",
                 "area", "zone", "site", "branch", "origin", "destination", "nation"}  # fmt: skip


def _place_variants(value: str) -> list[str]:
    """A place as a schema may spell it: the code, the names ('DE', 'DEU', 'Germany')."""
    variants = [value]
    if len(value) == 2 and value.isupper():
        import pycountry

        country = pycountry.countries.get(alpha_2=value)
        if country is not None:
            variants += [country.alpha_3, country.name, getattr(country, "common_name", "")]
            if value == "US":
                variants += ["USA", "United States"]
            if value == "GB":
                variants += ["UK", "United Kingdom"]
    return [v for v in variants if v]


@binder("place")
def _place(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    wanted = [str(v) for v in claim.expected.values or []]
    if not wanted:
        return "no place names"
    preferred = view.table_for(claim.about)
    nodes = list(view.dataset.nodes)
    if preferred is not None:
        nodes.remove(preferred)
        nodes.insert(0, preferred)
    fallback: tuple[dsl.Node, dsl.Column] | None = None
    for node in nodes:
        for col in columns_of(view, node, {"string"}):
            spec = dsl.generator_spec(col.generator)
            choices = [
                str(v)
                for v in (getattr(spec, "choices", None) or getattr(spec, "values", None) or [])
            ]
            spelled = []
            for value in wanted:
                hit = next((c for c in choices for v in _place_variants(value)
                            if c.casefold() == v.casefold()), None)  # fmt: skip
                if hit is not None:
                    spelled.append(hit)
            if spelled:
                values = [*spelled, *(v for v in wanted if v not in spelled and
                          not any(s in _place_variants(v) for s in spelled))]  # fmt: skip
                return {"measure": "values_in", "table": node.id, "column": col.name,
                        "values": values}  # fmt: skip
            if fallback is None and column_words(col.name) & PLACE_COLUMNS:
                fallback = (node, col)
    if fallback is not None:
        node, col = fallback
        return {"measure": "values_in", "table": node.id, "column": col.name, "values": wanted}
    return "no column holds places"


NAME_COLUMNS = {"name", "full", "first", "last", "surname", "fullname", "firstname", "lastname"}


@binder("locale")
def _locale(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    locale = str((claim.expected.values or [""])[0])
    preferred = view.table_for(claim.about)
    nodes = list(view.dataset.nodes)
    if preferred is not None:
        nodes.remove(preferred)
        nodes.insert(0, preferred)
    for node in nodes:
        for col in columns_of(view, node, {"string"}):
            if kind_of(col).meaning(spec_of(col)) in (
                "name",
                "first_name",
                "last_name",
                "name_male",
                "name_female",
            ):
                return {"measure": "locale_names", "table": node.id, "column": col.name,
                        "locale": locale}  # fmt: skip
            if column_words(col.name) & NAME_COLUMNS and "company" not in col.name:
                return {"measure": "locale_names", "table": node.id, "column": col.name,
                        "locale": locale}  # fmt: skip
    country = locale.split("_")[-1]
    place = _place(view, claim.model_copy(update={"expected": dsl.ClaimExpected(values=[country])}))
    if isinstance(place, dict):
        return place
    return f"no person-name or country column to show {locale}"


@binder("trend")
def _trend(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    value = numeric_column(view, claim.about) if claim.about else None
    preferred = value[0] if value else view.table_for(claim.about)
    found = view.timed_table(preferred)
    if found is None:
        return "no table has a date or datetime column"
    node, column = found
    unit = (claim.expected.unit or "per_year").removeprefix("per_")
    binding: dict[str, Any] = {
        "measure": "growth",
        "table": node.id,
        "column": column,
        "per": unit if unit in ("week", "month", "quarter") else "year",
    }
    if value is not None and value[0].id == node.id:
        binding["value"] = value[1].name
    return binding


@binder("mode")
def _mode(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    """'B most common': the column the words name (on the table they name first)."""
    wanted = set().union(*(stems(w) for w in claim.about)) if claim.about else set()
    keys = {n.id: n.pk for n in view.dataset.nodes}
    best: tuple[int, dsl.Node, dsl.Column] | None = None
    for node in view.dataset.nodes:
        own = 1 if stems(node.id) & wanted else 0
        for col in node.columns:
            if col.name == keys[node.id] or col.name.endswith("_id") or col.type in TEMPORAL:
                continue
            score = 2 * _matches(col.name, wanted)
            if score and (best is None or score + own > best[0]):
                best = (score + own, node, col)
    if best is None:
        return f"no column holds `{' '.join(claim.about)}`"
    values = list(claim.expected.values or [])
    return {"measure": "mode", "table": best[1].id, "column": best[2].name, "values": values}


@binder("values")
def _values(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    wanted = set().union(*(stems(w) for w in claim.about)) if claim.about else set()
    values = [str(v) for v in claim.expected.values or []]
    best: tuple[int, dsl.Node, dsl.Column] | None = None
    for node in view.dataset.nodes:
        for col in columns_of(view, node, {"string"}):
            spec = dsl.generator_spec(col.generator)
            choices = {str(c).casefold() for c in getattr(spec, "choices", None) or []}
            score = 2 * _matches(col.name, wanted) + len(choices & {v.casefold() for v in values})
            if score and (best is None or score > best[0]):
                best = (score, node, col)
    if best is None:
        return f"no column holds `{' '.join(claim.about)}` values"
    return {"measure": "values_in", "table": best[1].id, "column": best[2].name, "values": values}


# --------------------------------------------------------------------------- groups compared

DURATION_WORDS = {"duration", "length", "minutes", "minute", "hours", "seconds", "nights", "days"}


def _compared_value(view: SchemaView, claim: dsl.Claim) -> tuple[dsl.Node, dict[str, Any]] | str:
    """The value a compare/ratio claim compares: a numeric column its words name, a stored
    duration, or end - start of the table's two timestamps ('longer rides')."""
    words = [w for w in claim.about if w != "duration"]
    table = view.table_for(words)
    if "duration" in claim.about:
        if table is not None:
            numeric = columns_of(view, table, NUMERIC)
            # a stored length first, then the span of the row's own timestamps, then a
            # count of time units that is no offset ('picked_up_minutes_after')
            for col in numeric:
                if column_words(col.name) & {"duration", "length"}:
                    return table, {"column": col.name}
            temporal = [c.name for c in columns_of(view, table, TEMPORAL)]
            if len(temporal) >= 2:
                start, end = _ordered_pair(table, temporal[0], temporal[-1])
                return table, {"start": start, "end": end}
            for col in numeric:
                names = column_words(col.name)
                if names & DURATION_WORDS and not names & {"after", "before", "until", "since"}:
                    return table, {"column": col.name}
        return f"no duration (two timestamps or a duration column) for `{' '.join(words)}`"
    found = numeric_column(view, words, money=True)
    if found is None:
        return f"no numeric column for `{' '.join(words)}`"
    return found[0], {"column": found[1].name}


def _group_where(view: SchemaView, node: dsl.Node, phrase: str) -> str | None:
    """The `where` of a group named in words ('partners', 'free users'), on `node`'s own
    columns (the table's own noun left out: 'premium members' in `member`)."""
    words = [w for w in phrase.split() if not stems(w) & stems(node.id)] or phrase.split()
    match = value_match(view, words, node)
    if match is None or match[0].id != node.id:
        return None
    return match[1]


def _compare_rows(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    """'more orders from VIP customers': orders per row of the table whose value names the
    group (the parent the orders point at)."""
    child = view.table_for(claim.about[:1])
    if child is None:
        return f"no table for `{claim.about[0]}`"
    group = str((claim.expected.values or [""])[0])
    for fk in relations.foreign_keys(view.dataset):
        parent = view.dataset.node(fk.ref_table)
        if fk.table != child.id or fk.self_reference or parent is None:
            continue
        where = _group_where(view, parent, group)
        if where is not None:
            binding = {
                "measure": "compare",
                "table": parent.id,
                "rows_of": child.id,
                "where": where,
            }
            others = [str(v) for v in (claim.expected.values or [])[1:]]
            versus = _group_where(view, parent, others[0]) if others else None
            return {**binding, "versus": versus} if versus else binding
    return f"no table `{child.id}` points at holds a value for `{group}`"


@binder("compare", "ratio")
def _compare(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    if "count" in claim.about[1:]:
        return _compare_rows(view, claim)
    found = _compared_value(view, claim)
    if isinstance(found, str):
        return found
    node, value = found
    e = claim.expected
    binding: dict[str, Any] = {"measure": "compare", "table": node.id, **value}
    cells = {"hours": e.hours, "weekdays": e.weekdays, "months": e.months,
             "dates": [w.model_dump() for w in e.dates] if e.dates else None}  # fmt: skip
    if any(cells.values()):
        column = view.time_column(node)
        if column is None:
            return f"`{node.id}` has no timestamp to tell its groups apart"
        return {**binding, "time": column, **{k: v for k, v in cells.items() if v}}
    groups = [str(v) for v in e.values or []]
    if not groups:
        return "the phrase names no groups"
    where = _group_where(view, node, groups[0])
    if where is None:
        return f"no value of `{node.id}` tells `{groups[0]}` apart"
    binding["where"] = where
    if len(groups) > 1:
        versus = _group_where(view, node, groups[1])
        if versus is None:
            return f"no value of `{node.id}` tells `{groups[1]}` apart"
        binding["versus"] = versus
    return binding


_PERCENT_NAME = re.compile(r"(?:^|_)(?:pct|percent|percentage|rate|share)(?:_|$)")


def _fraction_column(col: dsl.Column) -> bool:
    """A column drawn in [0, 1] (a beta, or clamped to at most 1): a percent is 100x it."""
    spec = dsl.generator_spec(col.generator)
    clamp = getattr(spec, "clamp", None)
    if clamp is not None and len(clamp) == 2 and clamp[1] is not None and clamp[1] <= 1:
        return True
    params = getattr(spec, "params", None) or {}
    high = params.get("high", params.get("max")) if isinstance(params, dict) else None
    if isinstance(high, (int, float)) and 0 < high <= 1:
        return True
    return getattr(spec, "type", None) == "beta"


@binder("bound")
def _bound(view: SchemaView, claim: dsl.Claim) -> dict[str, Any] | str:
    found = numeric_column(view, claim.about)
    if found is None:
        return f"no numeric column for `{' '.join(claim.about)}`"
    node, col = found
    binding: dict[str, Any] = {"measure": "range", "table": node.id, "column": col.name}
    if claim.expected.unit == "percent" and _fraction_column(col):
        binding["scale"] = 100
    return binding
