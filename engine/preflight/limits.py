"""Checks of what would break or wrap at run time: names equal up to case, keys that refer to
their own table in ways the engine cannot honour, sequences past int64, fanouts past any disk,
calendars too fine for their window, skew parameters out of range."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

import numpy as np

from datagen.engine import dsl
from datagen.engine.errors import Problem
from datagen.engine.generators.kind import kind_of, spec_of
from datagen.engine.relations import split_ref

INT64_MAX = 2**63 - 1
MAX_FANOUT = 1_000_000  # children per parent row: beyond, a table outgrows any disk
MAX_CELLS = 2_000_000  # calendar cells of one datetime window (an hour pattern over 228 years)
MAX_ZIPF = 50.0  # zipf@A beyond this puts all the weight on the first item anyway
_HEAD_TAIL = re.compile(r"head_tail@\{?([0-9.]+),([0-9.]+)\}?$")


def name_case_problems(dataset: dsl.Dataset) -> Iterator[Problem]:
    """SQLite, DuckDB and case-insensitive disks see `City` and `city` as one name."""
    tables = [node.id for node in dataset.nodes]
    for i, name, first in _case_clashes(tables):
        yield Problem(
            f"nodes[{i}].id",
            f"table `{name}` differs from `{first}` only by case",
            "table names that differ by more than case",
        )
    for i, node in enumerate(dataset.nodes):
        for j, name, first in _case_clashes([c.name for c in node.columns]):
            yield Problem(
                f"nodes[{i}].columns[{j}].name",
                f"column `{name}` differs from `{first}` only by case",
                "column names that differ by more than case",
            )


def _case_clashes(names: list[str]) -> Iterator[tuple[int, str, str]]:
    """(index, name, the earlier name it equals up to case)."""
    seen: dict[str, str] = {}
    for i, name in enumerate(names):
        first = seen.setdefault(name.lower(), name)
        if first != name:
            yield i, name, first


def self_reference_problems(dataset: dsl.Dataset) -> Iterator[Problem]:
    for i, node in enumerate(dataset.nodes):
        if node.id in node.parents:
            yield Problem(
                f"nodes[{i}].parents",
                f"`{node.id}` is its own parent: a fact's rows come from another table's rows",
                "parents that are other tables",
            )
        # an attribute looked up through a self-reference: the lookup kind's own problem
        for j, col in enumerate(node.columns):
            key = kind_of(col).key_reference(spec_of(col))
            if col.unique and key is not None and split_ref(key)[0] == node.id:
                yield Problem(
                    f"nodes[{i}].columns[{j}].unique",
                    f"`{col.name}` refers to its own table and cannot be unique (each row points "
                    "at an earlier one, so earlier rows are pointed at many times)",
                    '"unique": false',
                )


def _estimated_rows(dataset: dsl.Dataset) -> dict[str, float]:
    """Rows per table as declared (entities 1000 by default), facts by their fanout's mean."""
    rows: dict[str, float] = {}
    remaining = list(dataset.nodes)
    for _ in range(len(remaining) + 1):
        later = []
        for node in remaining:
            if node.kind != "fact":
                rows[node.id] = float(node.rows if node.rows is not None else 1000)
            elif node.parents and node.parents[0] in rows and node.fanout is not None:
                fan = node.fanout
                mean = (
                    fan.lambda_ if fan.lambda_ is not None else (fan.min + (fan.max or fan.min)) / 2
                )
                rows[node.id] = rows[node.parents[0]] * max(mean, fan.max or 0)
            else:
                later.append(node)
        remaining = later
    return rows


def overflow_problems(dataset: dsl.Dataset) -> Iterator[Problem]:
    rows = _estimated_rows(dataset)
    for i, node in enumerate(dataset.nodes):
        cases = (node.fanout.cases or {}) if node.fanout is not None else {}
        for where, fan in ((f"nodes[{i}].fanout", node.fanout),) + tuple(
            (f"nodes[{i}].fanout.cases.{key}", shape) for key, shape in cases.items()
        ):
            if fan is None:
                continue
            for name, value in (("lambda", fan.lambda_), ("max", fan.max), ("min", fan.min)):
                if value is not None and value > MAX_FANOUT:
                    yield Problem(
                        f"{where}.{name}",
                        f"a fanout of {value:,} children per `{node.parents[0] if node.parents else 'parent'}` row",
                        f"at most {MAX_FANOUT:,}",
                    )
        n = rows.get(node.id)
        if n is None or not math.isfinite(n):
            continue
        for j, col in enumerate(node.columns):
            kind = kind_of(col)
            made = kind.value_range(spec_of(col), int(n)) if col.type == "int" else None
            if made is not None and not -INT64_MAX <= made[0] <= made[1] <= INT64_MAX:
                past = made[1] if made[1] > INT64_MAX else made[0]
                yield Problem(
                    f"nodes[{i}].columns[{j}].generator.{kind.name}",
                    f"`{node.id}.{col.name}` reaches {past:,} over {int(n):,} rows: it leaves "
                    "the 64-bit integer range (keys would wrap into duplicates)",
                    "a smaller start or step, or fewer rows",
                )


def calendar_problems(dataset: dsl.Dataset) -> Iterator[Problem]:
    for i, node in enumerate(dataset.nodes):
        for j, col in enumerate(node.columns):
            kind, spec = kind_of(col), spec_of(col)
            path = f"nodes[{i}].columns[{j}].generator.{kind.name}"
            try:
                shape = kind.time_shape(spec, dataset)
            except ValueError:
                shape = None  # the window's own check reports it
            if shape is not None and shape.patterns:
                hourly = any(p.dimension == "hour" for p in shape.patterns)
                cells = (shape.end - shape.start) // (3600 if hourly else 86400)
                if cells > MAX_CELLS:
                    yield Problem(
                        f"{path}.pattern",
                        f"a {'n hourly' if hourly else ' daily'} pattern over "
                        f"{_day(shape.start)} .. {_day(shape.end)} is {cells:,} calendar cells",
                        f"a window of at most {MAX_CELLS:,} {'hours' if hourly else 'days'}",
                    )
            skew = getattr(spec, "weights_kind", None)
            if isinstance(skew, str) and (reason := weights_kind_problem(skew)):
                yield Problem(f"{path}.weights_kind", reason)


def _day(seconds: int) -> str:
    return str(np.datetime64(seconds, "s").astype("datetime64[D]"))


def weights_kind_problem(kind: str) -> str | None:
    """Why a `weights_kind` cannot be used (zipf@A needs 0 < A <= 50; head_tail@{H,A} needs
    0 < H < 1 and 0 < A < 1), or None."""
    if kind == "uniform":
        return None
    try:
        if kind.startswith("zipf@"):
            a = float(kind.split("@", 1)[1])
            return None if 0 < a <= MAX_ZIPF else f"`{kind}`: zipf@A needs 0 < A <= {MAX_ZIPF:g}"
        match = _HEAD_TAIL.match(kind)
        if match:
            head, mass = float(match[1]), float(match[2])
            if 0 < head < 1 and 0 < mass < 1:
                return None
            return f"`{kind}`: head_tail@{{H,A}} needs 0 < H < 1 and 0 < A < 1"
    except ValueError:
        pass
    return f"`{kind}` is not a weights kind (uniform, zipf@1.2, head_tail@{{0.2,0.8}})"
