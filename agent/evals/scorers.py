"""Small deterministic scorers: one per kind of expectation, each `(passed, detail)`.

A scorer reads the authored schema (a `dsl.Dataset`) or the run's counters,
never the model's prose, so the same run always scores the same. The detail
says what was expected and what was found, in one line, for the report.
`score_case` runs every scorer the case's `expect` asks for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from datagen.agent.evals.cases import Case, Expect, ExpectedClaim
from datagen.engine import dsl
from datagen.engine.relations import foreign_keys
from datagen.engine.run import DEFAULT_SEED

Verdict = tuple[bool, str]


@dataclass
class RunOutcome:
    """What a case's authoring run produced, as the scorers see it."""

    dataset: dsl.Dataset | None  # None when the run failed or was refused
    score: float | None = None
    repairs: int = 0
    clarifications: int = 0
    refused: bool = False
    error: str | None = None  # why there is no dataset (first line), when there is none
    seed: int = DEFAULT_SEED
    # the dry run's claims as the validator measured them ({text, kind, status, ...})
    claims: list[dict[str, Any]] | None = None
    # the dry run's score over its checks alone: `min_score` (claims have their own scorer)
    checks_score: float | None = None


# --------------------------------------------------------------------------- names


def table_key(name: str) -> str:
    """Names compare case-insensitively and singular/plural alike: `Orders` ~ `order`."""
    key = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if key.endswith("ies") and len(key) > 4:
        return key[:-3] + "y"
    if key.endswith("sses"):
        return key[:-2]
    if key.endswith("s") and not key.endswith("ss") and len(key) > 3:
        return key[:-1]
    return key


def find_table(dataset: dsl.Dataset, names: list[str]) -> str | None:
    """The first table (in schema order) whose name matches any of `names`."""
    wanted = {table_key(n) for n in names}
    return next((n.id for n in dataset.nodes if table_key(n.id) in wanted), None)


def synonyms_of(expect: Expect, name: str) -> list[str]:
    """`name` plus its synonyms from `expect.tables`, so `rows`/`columns` may use any of them."""
    for group in expect.table_groups():
        if table_key(name) in {table_key(g) for g in group}:
            return [name, *(g for g in group if g != name)]
    return [name]


def _either(names: list[str]) -> str:
    return " or ".join(f"`{n}`" for n in names)


# --------------------------------------------------------------------------- scorers


def tables_present(dataset: dsl.Dataset, expect: Expect) -> Verdict:
    missing = [g for g in expect.table_groups() if find_table(dataset, g) is None]
    if missing:
        have = ", ".join(n.id for n in dataset.nodes)
        return False, f"tables: missing {'; '.join(_either(g) for g in missing)} (have {have})"
    return True, f"tables: all {len(expect.tables)} expected present"


def no_junk_tables(dataset: dsl.Dataset, expect: Expect) -> Verdict:
    """Every table is expected, or an assumption names it (`table`) and so says why it is there.

    Catches phrases turned into tables ("sunday_morning", "no_show", "night" from "14 nights").
    """
    wanted = {table_key(name) for group in expect.table_groups() for name in group}
    said = " ".join(dataset.metadata.assumptions or [])
    junk = [
        n.id for n in dataset.nodes if table_key(n.id) not in wanted and f"`{n.id}`" not in said
    ]
    if junk:
        return False, "junk tables (not expected, no assumption says why): " + ", ".join(junk)
    return True, "no junk tables"


def tables_absent(dataset: dsl.Dataset, expect: Expect) -> Verdict:
    """None of the tables the case rules out (by name, singular or plural) exists."""
    banned = {table_key(name) for name in expect.absent_tables}
    found = [n.id for n in dataset.nodes if table_key(n.id) in banned]
    if found:
        return False, "tables the description does not ask for: " + ", ".join(found)
    return True, f"none of the {len(banned)} ruled-out tables"


def min_tables(dataset: dsl.Dataset, minimum: int) -> Verdict:
    count = len(dataset.nodes)
    return count >= minimum, f"tables: {count} (minimum {minimum})"


def min_foreign_keys(dataset: dsl.Dataset, minimum: int) -> Verdict:
    count = len(foreign_keys(dataset))
    return count >= minimum, f"foreign keys: {count} (minimum {minimum})"


def planned_rows(dataset: dsl.Dataset, seed: int) -> dict[str, int]:
    """Full-size row counts as the planner estimates them (facts: parents x mean fanout)."""
    from datagen.engine.plan import build_plan

    plan = build_plan(dataset, seed)
    return {table: p.estimated_rows for table, p in plan.tables.items()}


def rows_within(
    dataset: dsl.Dataset,
    expect: Expect,
    rows: dict[str, int] | None = None,
    seed: int = DEFAULT_SEED,
) -> list[Verdict]:
    rows = rows if rows is not None else planned_rows(dataset, seed)
    verdicts = []
    for name, (low, high) in expect.rows.items():
        table = find_table(dataset, synonyms_of(expect, name))
        if table is None:
            verdicts.append((False, f"rows of `{name}`: no such table"))
            continue
        count = rows.get(table, 0)
        verdicts.append(
            (low <= count <= high, f"rows of `{table}`: {count:,} (expected {low:,}..{high:,})")
        )
    return verdicts


def columns_present(dataset: dsl.Dataset, expect: Expect) -> list[Verdict]:
    verdicts = []
    for name, wanted in expect.columns.items():
        table = find_table(dataset, synonyms_of(expect, name))
        if table is None:
            verdicts.append((False, f"columns of `{name}`: no such table"))
            continue
        node = dataset.node(table)
        assert node is not None
        have = {c.name.lower() for c in node.columns}
        missing = [c for c in wanted if c.lower() not in have]
        if missing:
            verdicts.append((False, f"columns of `{table}`: missing {', '.join(missing)}"))
        else:
            verdicts.append((True, f"columns of `{table}`: all {len(wanted)} present"))
    return verdicts


def targets_declared(dataset: dsl.Dataset, kinds: list[str]) -> Verdict:
    declared = [k for k in kinds if getattr(dataset.targets, k)]
    missing = [k for k in kinds if k not in declared]
    if missing:
        return False, f"targets: none of kind {', '.join(missing)} declared"
    return True, f"targets: {', '.join(kinds)} declared"


def constraints_declared(dataset: dsl.Dataset, kinds: list[str]) -> Verdict:
    def declared(kind: str) -> bool:
        if kind == "foreign_keys":  # a lookup of a parent's key is a foreign key too
            return bool(foreign_keys(dataset))
        return bool(getattr(dataset.constraints, kind))

    missing = [k for k in kinds if not declared(k)]
    if missing:
        return False, f"constraints: none of kind {', '.join(missing)} declared"
    return True, f"constraints: {', '.join(kinds)} declared"


def min_score(score: float | None, minimum: float) -> Verdict:
    if score is None:
        return False, f"score: none (minimum {minimum:g})"
    return score >= minimum, f"score: {score:.1f} (minimum {minimum:g})"


def max_repairs(repairs: int, maximum: int) -> Verdict:
    return repairs <= maximum, f"repairs: {repairs} (maximum {maximum})"


def max_clarifications(clarifications: int, maximum: int) -> Verdict:
    return clarifications <= maximum, f"clarifications: {clarifications} (maximum {maximum})"


def refused(outcome: RunOutcome) -> Verdict:
    if outcome.refused:
        return True, "refused, as expected"
    if outcome.dataset is not None:
        return False, "expected a refusal, got a schema"
    return False, f"expected a refusal, got an error: {outcome.error}"


# --------------------------------------------------------------------------- a case


def score_case(case: Case, outcome: RunOutcome) -> list[Verdict]:
    """Every verdict the case asks for, in a fixed order (the report lists the failed ones)."""
    if case.expect_error == "refused":
        return [refused(outcome)]
    if outcome.dataset is None:
        what = "refused" if outcome.refused else "no schema"
        return [(False, f"{what}: {outcome.error}")]
    dataset, expect = outcome.dataset, case.expect
    checks: list[tuple[bool, Callable[[], Verdict | list[Verdict]]]] = [
        (bool(expect.tables), lambda: tables_present(dataset, expect)),
        (bool(expect.tables), lambda: no_junk_tables(dataset, expect)),
        (bool(expect.absent_tables), lambda: tables_absent(dataset, expect)),
        (expect.min_tables is not None, lambda: min_tables(dataset, expect.min_tables or 0)),
        (
            expect.min_foreign_keys is not None,
            lambda: min_foreign_keys(dataset, expect.min_foreign_keys or 0),
        ),
        (bool(expect.rows), lambda: rows_within(dataset, expect, seed=outcome.seed)),
        (bool(expect.columns), lambda: columns_present(dataset, expect)),
        (bool(expect.targets), lambda: targets_declared(dataset, expect.targets)),
        (bool(expect.constraints), lambda: constraints_declared(dataset, expect.constraints)),
        (any(c.bound_to for c in case.expected_claims), lambda: claims_bound(case, dataset)),
        (
            expect.min_score is not None,
            lambda: min_score(
                outcome.checks_score if outcome.checks_score is not None else outcome.score,
                expect.min_score or 0,
            ),
        ),
        (
            expect.max_repairs is not None,
            lambda: max_repairs(outcome.repairs, expect.max_repairs or 0),
        ),
        (
            expect.max_clarifications is not None,
            lambda: max_clarifications(outcome.clarifications, expect.max_clarifications or 0),
        ),
    ]
    verdicts: list[Verdict] = []
    for wanted, run in checks:
        if wanted:
            found = run()
            verdicts.extend(found if isinstance(found, list) else [found])
    return verdicts


# --------------------------------------------------------------------------- claims


def _phrase(text: str) -> str:
    return " ".join(text.lower().split())


def claim_matches(expected: ExpectedClaim, text: str, kind: str) -> bool:
    """Same kind, and one phrase contains the other (case and spacing aside)."""
    a, b = _phrase(expected.text), _phrase(text)
    return expected.kind == kind and bool(a and b) and (a in b or b in a)


def _binding_words(binding: Any) -> str:
    """What a binding names: its table, column(s) and filter, lower-cased, one string."""
    data = binding.model_dump() if hasattr(binding, "model_dump") else dict(binding or {})
    return " ".join(str(v) for k, v in sorted(data.items()) if k != "measure").lower()


def claims_bound(case: Case, dataset: dsl.Dataset) -> list[Verdict]:
    """An expected claim with `bound_to` words, bound by the author, must be bound to a
    table/column/filter naming one of them (a claim measured on something else scores a
    pass it has not earned). Unbound claims are left to the claims scorer."""
    verdicts: list[Verdict] = []
    for expected in case.expected_claims:
        if not expected.bound_to:
            continue
        for claim in dataset.claims:
            if claim.bound_to is None or not claim_matches(expected, claim.text, claim.kind):
                continue
            named = _binding_words(claim.bound_to)
            ok = any(word.lower() in named for word in expected.bound_to)
            verdicts.append(
                (
                    ok,
                    f"claim '{expected.text}' bound to {named!r}"
                    + ("" if ok else f", which names none of {expected.bound_to}"),
                )
            )
    return verdicts


def score_claims(case: Case, outcome: RunOutcome) -> dict[str, Any] | None:
    """Extraction recall (the extractor on the description) and claims honoured on the dry
    run's data, over the case's expected claims; None when the case lists none."""
    if not case.expected_claims:
        return None
    from datagen.agent.claims import extract_claims

    extracted = extract_claims(case.description)
    measured = outcome.claims or []
    missed: list[str] = []
    failing: list[str] = []
    found = honoured = 0
    for expected in case.expected_claims:
        if any(claim_matches(expected, c.text, c.kind) for c in extracted):
            found += 1
        else:
            missed.append(f"{expected.kind} '{expected.text}'")
        status = next(
            (c["status"] for c in measured if claim_matches(expected, c["text"], c["kind"])),
            "absent",
        )
        if status == "honoured":
            honoured += 1
        else:
            failing.append(f"'{expected.text}': {status.replace('_', ' ')}")
    return {
        "expected": len(case.expected_claims),
        "found": found,
        "honoured": honoured,
        "missed": missed,
        "not_honoured": failing,
        # phrases stating a fact that no rule of the extractor read (kind `unread`)
        "unread": [c["text"] for c in measured if c.get("kind") == "unread"],
    }
