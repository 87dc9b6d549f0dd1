"""The binding checked against the claim's own words, whoever bound it.

A share measured on a value the phrase never names measures something else:
'8% of bookings are cancelled' bound to `channel == 'booking_com'` (the value
shares only the table's noun), 'tickets are never paid' bound to `paid ==
true` (the negation dropped), 'invoices are paid late' bound to `status ==
'paid'` (the qualifier dropped). `binding_mismatch` says why such a binding
does not stand for its claim; `bind_claims` then rebinds it or leaves the
claim not modelled, so the score cannot report it honoured.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from datagen.agent.claims.bind import _similar as similar
from datagen.agent.claims.rules.amounts import _PAST
from datagen.agent.claims.words import STOP, singular, stems, tokens
from datagen.engine import dsl

# words that turn a state into its opposite or into a narrower one: a binding must carry them
_NEGATIONS = {"not", "never", "without", "non", "unpaid"}
QUALIFIERS = {"late", "early", "overdue", "partial", "partially", "twice", "again", "repeat",
              "free", "cash", "card", "online", "offline", "international", "domestic",
              "express", "manual", "automatic", "first", "same"}  # fmt: skip
# 'unpaid', 'unresolved', 'unsold': a state denied by its prefix
_UN = re.compile(r"^(?:un|non-?)(?P<rest>[a-z]{3,}(?:ed|paid|able|known|sold|read|seen|won|set))$")
# values a phrase may name by another word
VALUE_SYNONYMS: dict[str, set[str]] = {
    "house": {"detached", "single_family", "townhouse", "villa", "bungalow"},
    "apartment": {"flat", "condo", "condominium", "unit"},
    "fraudulent": {"fraud"},
    "cancel": {"cancelled", "canceled", "cancellation"},
    "refund": {"refunded", "returned"},
    "default": {"defaulted", "charged_off", "written_off"},
    "churn": {"churned", "cancelled", "canceled"},
    "turnover": {"left", "leave", "terminated", "quit", "resigned"},
    "attrition": {"left", "leave", "terminated", "quit", "resigned"},
    "fail": {"failed", "failure", "error", "rejected"},
    "drop": {"dropped", "failed", "disconnected"},
    "female": {"f", "woman", "women"},
    "male": {"m", "man", "men"},
    "miss": {"missing", "missed", "null"},
}


def _word_forms(words: set[str]) -> tuple[set[str], bool]:
    """Content words with their denial: ({'paid'}, True) for 'unpaid'."""
    out: set[str] = set()
    denied = False
    for word in words:
        if word in _NEGATIONS or word.endswith("n't"):
            denied = True
            continue
        found = _UN.match(word)
        if found is not None:
            denied = True
            word = found.group("rest")
        if word not in STOP:
            out.add(singular(word))
    return out, denied


_SYNONYM_GROUPS = [{key, *names} for key, names in VALUE_SYNONYMS.items()]


def _similar(word: str, other: str) -> bool:
    if similar(word, other) or _PAST.get(word) == other or _PAST.get(other) == word:
        return True  # 'wins' is `is_won`, 'pay' is `paid`
    return any(other in group and any(similar(word, g) for g in group) for group in _SYNONYM_GROUPS)


def denies(text: str) -> bool:
    """The phrase denies its state: 'never paid', 'not returned', 'unpaid'."""
    return _word_forms(set(tokens(text)))[1]


def _words_of(name: str) -> set[str]:
    """A value's or column's words: 'is_no_show' -> {'no', 'show'} (kept whole: 'no' counts)."""
    parts = [p for p in re.split(r"[\s_\-./]+", name.lower()) if p and p not in ("is", "has")]
    return set(parts) | {singular(p) for p in parts}


class _Where(ast.NodeVisitor):
    """The comparisons of a `where`: the words of each value it tests and whether it
    denies them (`== false`, `!=`, `not ...`)."""

    def __init__(self) -> None:
        self.words: set[str] = set()
        self.numbers: list[float] = []
        self.columns: set[str] = set()
        self.denied = False
        self.other = False  # a function call (hours_between...): another kind of test
        self.timed: set[str] = set()

    def visit_Call(self, node: ast.Call) -> None:
        self.other = True  # a gap between timestamps: `hours_between(opened_at, closed_at)`
        for arg in node.args:
            if (name := _name(arg)) is not None:
                self.timed.add(name)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            self.denied = not self.denied
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        names = [_name(n) for n in [node.left, *node.comparators]]
        constants = [_constant(n) for n in [node.left, *node.comparators]]
        constants = [c for c in constants if c is not _NONE]
        constants += [
            e.value
            for n in node.comparators
            if isinstance(n, (ast.List, ast.Tuple, ast.Set))
            for e in n.elts
            if isinstance(e, ast.Constant)
        ]
        negative = any(isinstance(op, (ast.NotEq, ast.NotIn, ast.IsNot)) for op in node.ops)
        for name in names:
            if name is not None:
                self.columns.add(name)
        for value in constants:
            if isinstance(value, bool) or value is None:
                # a flag: its column names the state; `== false` denies it
                negative ^= value is False or value is None
                self.words |= set().union(*(_words_of(n) for n in names if n)) if names else set()
            elif isinstance(value, str):
                self.words |= _words_of(value)
            elif isinstance(value, (int, float)):
                self.numbers.append(float(value))
                self.words |= set().union(*(_words_of(n) for n in names if n)) if names else set()
        self.denied ^= negative
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id.lower() in ("true", "false"):
            return
        self.columns.add(node.id)


_NONE = object()
_LITERALS = {"true": True, "false": False, "null": None, "none": None}


def _constant(node: ast.AST) -> Any:
    """A literal of the expression language (`true` and `null` are names there)."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and node.id.lower() in _LITERALS:
        return _LITERALS[node.id.lower()]
    return _NONE


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return None if node.id.lower() in ("true", "false", "null", "none") else node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _table_words(dataset: dsl.Dataset, table: str) -> set[str]:
    from datagen.agent.claims.bind import SYNONYMS

    own = stems(table)
    return own | set().union(*(SYNONYMS.get(w, set()) for w in own))


def predicate_words(claim: dsl.Claim, table_words: set[str]) -> tuple[set[str], bool]:
    """What the phrase says of the rows (its words minus the table's noun), and whether it
    denies it ('never paid')."""
    content, denied = _word_forms(set(tokens(claim.text)))
    content = {w for w in content if w not in table_words and not w.isdigit()}
    content |= {p for w in list(content) for p in stems(w)}
    return {w for w in content if w not in table_words}, denied


def binding_mismatch(
    dataset: dsl.Dataset, claim: dsl.Claim, binding: dsl.ClaimBinding
) -> str | None:
    """Why a share/present binding does not measure what the phrase says, else None."""
    args: dict[str, Any] = binding.model_dump()
    measure, table = args.get("measure"), str(args.get("table", ""))
    if measure == "present":
        tested: set[str] = _words_of(str(args.get("column", "")))
        denied_by_binding = False
        shown = f"`{table}.{args.get('column')}` filled"
    elif measure == "share" and isinstance(args.get("where"), str):
        try:
            tree = ast.parse(args["where"], mode="eval")
        except SyntaxError:
            return None  # the validator reports a broken expression itself
        where = _Where()
        where.visit(tree)
        shown = f"`{table}` rows where `{args['where']}`"
        if where.other:
            # 'closed within 48 hours': one of the two timestamps is the closing
            said, _ = predicate_words(claim, _table_words(dataset, table))
            times = set().union(*(_words_of(c) for c in where.timed)) if where.timed else set()
            times -= {"at", "on", "date", "time"}
            if said and not any(_similar(w, t) for w in said for t in times):
                return f"{shown} times no event '{claim.text}' names"
            return None
        tested, denied_by_binding = where.words, where.denied
    else:
        return None
    if claim.kind not in ("rate", "share", "count"):
        return None
    said, denied = predicate_words(claim, _table_words(dataset, table))
    if not said:
        return None  # 'a quarter of orders': nothing but the table is named
    tested = {w for w in tested if w not in _table_words(dataset, table)} or tested
    tested_forms, tested_denied = _word_forms(tested)
    denied_by_binding ^= tested_denied
    matched = {w for w in said if any(_similar(w, t) or _similar(t, w) for t in tested_forms)}
    if not matched:
        return f"{shown} is not what '{claim.text}' names"
    if denied != denied_by_binding:
        return (
            f"{shown} drops the negation of '{claim.text}'"
            if denied
            else (f"{shown} denies what '{claim.text}' states")
        )
    lost = sorted(w for w in said & QUALIFIERS if not any(_similar(w, t) for t in tested_forms))
    if lost:
        return f"{shown} leaves out '{lost[0]}' of '{claim.text}'"
    return None
