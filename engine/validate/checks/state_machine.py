"""Checks of a state machine's event rows (a fact whose fanout is a `state_machine`):

- `state_machine` (value): each parent's events start in the initial state, every step is a
  declared transition, the last event is a terminal state (or the path reached
  `max_events`), and the `at` times strictly increase within the parent;
- `transitions` (behavioral): from each state, the shares of the next states match the
  declared probabilities.

Rows are grouped by the FK to the first parent, in the order they are stored (a stable
sort keeps each parent's events in their written order).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from datagen.engine import dsl, relations
from datagen.engine.cases import case_index
from datagen.engine.generators.kind import kind_of, spec_of
from datagen.engine.generators.pairs import group_starts
from datagen.engine.generators.statemachine import StateMachine
from datagen.engine.validate import stats
from datagen.engine.validate.context import Context, to_numpy, valid_mask
from datagen.engine.validate.registry import CheckKind
from datagen.engine.validate.report import Check


def _event_column(node: dsl.Node, field: str) -> str | None:
    """The written column of the `event` kind that holds `field` (state, at...)."""
    for col in node.columns:
        if kind_of(col).name == "event" and spec_of(col).field == field and not col.hidden:
            return col.name
    return None


def run(ctx: Context) -> Iterator[Check]:
    for node in ctx.dataset.nodes:
        machine = node.fanout.machine if node.fanout is not None else None
        state = _event_column(node, "state")
        fk = relations.fk_between(ctx.dataset, node.id, node.parents[0]) if node.parents else None
        if machine is None or state is None or fk is None:
            continue
        at = _event_column(node, "at")
        columns = [fk.column, state] + ([at] if at else [])
        if not ctx.ready("value", "state_machine", node.id, *columns):
            continue
        table = ctx.sources[node.id].read(columns)
        parent = table.column(fk.column)
        order = np.argsort(
            to_numpy(parent.fill_null(-1) if parent.null_count else parent), kind="stable"
        )
        states = table.column(state).combine_chunks().take(pa.array(order))
        codes = case_index(states, ~valid_mask(states), machine.names)
        groups = to_numpy(parent.take(pa.array(order)).combine_chunks().dictionary_encode().indices)
        times = None
        if at:
            stamps = table.column(at).take(pa.array(order))
            times = to_numpy(stamps.cast(pa.timestamp("us")).cast(pa.int64()).fill_null(0))
        yield _rules(node, machine, codes, groups, times, at)
        yield _shares(node, machine, codes, groups)


def _rules(
    node: dsl.Node,
    machine: StateMachine,
    codes: np.ndarray,
    groups: np.ndarray,
    times: np.ndarray | None,
    at: str | None,
) -> Check:
    first, size = group_starts(groups)
    starts = np.flatnonzero(np.arange(len(codes)) == first)
    ends = starts + size[starts] - 1
    same = groups[1:] == groups[:-1]  # consecutive rows of one parent
    allowed = machine.allowed()
    prev, cur = codes[:-1], codes[1:]
    known = (prev >= 0) & (cur >= 0)
    step_ok = np.zeros(len(prev), dtype=bool)
    step_ok[known] = allowed[prev[known], cur[known]]
    found: dict[str, int] = {
        "unknown_state": int((codes < 0).sum()),
        "wrong_first_state": int((codes[starts] != machine.names.index(machine.initial)).sum()),
        "undeclared_transition": int((same & known & ~step_ok).sum()),
        "ends_before_a_terminal_state": int(
            (
                (codes[ends] >= 0)
                & ~machine.terminal()[np.maximum(codes[ends], 0)]
                & (size[starts] < machine.max_events)
            ).sum()
        ),
    }
    if times is not None:
        found["time_not_increasing"] = int((same & (times[1:] <= times[:-1])).sum())
    bad = sum(found.values())
    wrong = {k: v for k, v in found.items() if v}
    return Check(
        "value",
        "state_machine",
        node.id,
        None,
        bad == 0,
        found,
        {"initial": machine.initial, "parents": len(starts), "at": at},
        [wrong] if wrong else [],
        message=", ".join(f"{v} {k.replace('_', ' ')}" for k, v in wrong.items())
        if wrong
        else f"every {node.parents[0]}'s events follow the machine",
    )


def _shares(node: dsl.Node, machine: StateMachine, codes: np.ndarray, groups: np.ndarray) -> Check:
    names = machine.names
    same = (groups[1:] == groups[:-1]) & (codes[:-1] >= 0) & (codes[1:] >= 0)
    pairs = codes[:-1][same] * len(names) + codes[1:][same]
    counts = np.bincount(pairs, minlength=len(names) ** 2).reshape(len(names), len(names))
    probs = np.diff(np.concatenate([np.zeros((len(names), 1)), machine.transition_cdf()], axis=1))
    moving = [i for i in range(len(names)) if not machine.terminal()[i] and counts[i].sum()]
    comparisons = max(1, sum(int((probs[i] > 0).sum()) for i in moving))
    measured: dict[str, Any] = {}
    worst = []
    for i in moving:
        n = int(counts[i].sum())
        shares = counts[i] / n
        measured[names[i]] = {
            names[j]: round(float(shares[j]), 4) for j in np.flatnonzero(counts[i])
        }
        for j in range(len(names)):
            allowed = stats.share_tolerance(float(probs[i, j]), n, comparisons)
            if abs(shares[j] - probs[i, j]) > allowed:
                worst.append(
                    {
                        "from": names[i],
                        "to": names[j],
                        "observed_share": float(shares[j]),
                        "expected_share": float(probs[i, j]),
                        "allowed_error": allowed,
                    }
                )
    return Check(
        "behavioral",
        "transitions",
        node.id,
        None,
        not worst,
        measured,
        {
            names[i]: {names[j]: round(float(probs[i, j]), 4) for j in np.flatnonzero(probs[i])}
            for i in range(len(names))
            if not machine.terminal()[i]
        },
        worst[:5],
        message=f"{len(worst)} transition share(s) off" if worst else "",
    )


CHECK = CheckKind(
    "state_machine", "value", run, "event rows that break their state machine; transition shares"
)
