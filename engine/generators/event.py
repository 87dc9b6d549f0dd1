"""`event`: the columns of a state machine's event rows (a fact whose fanout is a
`state_machine`): the state entered, the previous one, the step (1, 2, ...), and the time
(`at`: a start column plus the durations drawn for each transition so far)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

import numpy as np
import pyarrow as pa
from pydantic import Field, model_validator

from datagen.engine.dslbase import Identifier, Strict
from datagen.engine.errors import Problem, did_you_mean
from datagen.engine.generators.context import BlockContext
from datagen.engine.generators.kind import Kind, Site
from datagen.engine.generators.pairs import group_starts
from datagen.engine.values import Encoded, Values

if TYPE_CHECKING:
    from datagen.engine import dsl

FIELD_TYPES = {"state": "string", "previous": "string", "step": "int", "at": "datetime"}


class EventSpec(Strict):
    """A column of a state machine's events (the table's fanout is a `state_machine`)."""

    field: Literal["state", "previous", "step", "at"] = Field(
        description="state: the state entered; previous: the one before (null on the first "
        "event); step: 1, 2, ... within the parent; at: when (from `start`)"
    )
    start: Identifier | None = Field(
        None,
        description="with `at`: a datetime column of this row, the time of the first event "
        "(e.g. the parent's placed_at copied with a lookup)",
    )

    @model_validator(mode="after")
    def _start(self) -> EventSpec:
        if (self.field == "at") != (self.start is not None):
            raise ValueError("`at` needs `start` (and only `at` takes it)")
        return self


def _paths(ctx: BlockContext) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: its state code, the previous code (-1 on the first event), its step."""
    assert ctx.node.fanout is not None and ctx.node.fanout.machine is not None
    assert ctx.parent_index is not None and ctx.siblings is not None
    from datagen.engine.generators.statemachine import machine_key, simulate  # it imports the kinds

    parents, inverse = np.unique(ctx.parent_index, return_inverse=True)
    paths = simulate(ctx.node.fanout.machine, machine_key(ctx.seed, ctx.node.id), parents)
    step = ctx.siblings.position.astype(np.int64)
    codes = paths[inverse, step - 1].astype(np.int64)
    previous = np.where(step > 1, paths[inverse, np.maximum(step - 2, 0)], -1).astype(np.int64)
    return codes, previous, step


def generate(spec: EventSpec, col: dsl.Column, ctx: BlockContext) -> Values:
    assert ctx.node.fanout is not None and ctx.node.fanout.machine is not None
    machine = ctx.node.fanout.machine
    codes, previous, step = _paths(ctx)
    names = pa.array(machine.names, pa.string())
    if spec.field == "step":
        return step
    if spec.field == "state":
        return Encoded(codes.astype(np.int32), names)
    if spec.field == "previous":
        first = previous < 0
        if first.any():
            ctx.masks[col.name] = first
        return Encoded(np.maximum(previous, 0).astype(np.int32), names)
    assert spec.start is not None
    from datagen.engine.generators.statemachine import seconds_after

    seconds = np.zeros(ctx.n, dtype=np.int64)
    for i, j, transition in machine.transitions():
        rows = np.flatnonzero((previous == i) & (codes == j))
        if len(rows):  # one stream per transition: its draws do not depend on the others
            rng = ctx.rng(col.name, f"after:{i}:{j}")
            seconds[rows] = seconds_after(transition, rng, len(rows))
    assert ctx.parent_index is not None
    first, _ = group_starts(ctx.parent_index)
    total = np.cumsum(seconds)
    elapsed = total - (total[first] - seconds[first])  # running sum within each parent
    start = np.asarray(ctx.columns[spec.start]).astype("datetime64[us]")
    return start + (elapsed * 1_000_000).astype("timedelta64[us]")


class EventKind(Kind[EventSpec]):
    """The state, previous state, step or time of a state machine's event row."""

    name = "event"
    spec = EventSpec

    def problems(self, spec: EventSpec, site: Site) -> Iterator[Problem]:
        node, col, gpath = site.node, site.col, site.gpath
        fanout = node.fanout
        if fanout is None or fanout.machine is None:
            yield Problem(
                gpath,
                "`event` columns need a fact whose fanout is a `state_machine`",
                '"fanout": {"distribution": "state_machine", "machine": {...}}',
            )
        want = FIELD_TYPES[spec.field]
        if col.type != want:
            yield Problem(f"{site.path}.type", f"an event's `{spec.field}` is {want}")
        if spec.field == "previous" and not col.nullable:
            yield Problem(
                f"{site.path}.nullable",
                "`previous` is null on the first event: the column must be nullable",
                '"nullable": true',
            )
        if spec.start is not None:
            start = node.column(spec.start)
            if start is None or start is col:
                yield Problem(
                    f"{gpath}.start",
                    f"no column `{spec.start}` in `{node.id}`",
                    None,
                    did_you_mean(spec.start, site.others),
                )
            elif start.type not in ("datetime", "date"):
                yield Problem(f"{gpath}.start", f"`{spec.start}` is {start.type}, not a datetime")

    def dependencies(self, spec: EventSpec, site: Site) -> set[str]:
        return {spec.start} if spec.start else set()

    def whole_parents(self, spec: EventSpec, site: Site) -> bool:
        return spec.field == "at"  # a running sum of durations within each parent

    def generate(self, spec: EventSpec, col: dsl.Column, ctx: BlockContext) -> Values:
        return generate(spec, col, ctx)

    def dictionary_encoded(self, spec: EventSpec, col: dsl.Column) -> bool:
        return spec.field in ("state", "previous")

    def repeats(self, spec: EventSpec, col: dsl.Column, row_counts: dict[str, int]) -> bool:
        return spec.field in ("state", "previous")

    def may_be_null(self, spec: EventSpec, site: Site) -> bool:
        return spec.field == "previous"
