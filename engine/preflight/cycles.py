"""Checks of the dependency graphs: between the columns of a table, and between tables."""

from __future__ import annotations

from collections.abc import Iterator

from datagen.engine import dsl
from datagen.engine.errors import Problem
from datagen.engine.plan import column_graph
from datagen.engine.relations import dependency_graph, find_cycle


def column_cycle_problems(dataset: dsl.Dataset) -> Iterator[Problem]:
    for ni, node in enumerate(dataset.nodes):
        cycle = find_cycle(column_graph(dataset, node))
        if cycle:
            path = " -> ".join(cycle)
            yield Problem(
                f"nodes[{ni}].columns", f"columns depend on each other in a cycle: {path}"
            )


def table_cycle_problems(dataset: dsl.Dataset) -> Iterator[Problem]:
    cycle = find_cycle(dependency_graph(dataset))
    if cycle:
        yield Problem(
            "nodes",
            f"tables depend on each other in a cycle: {' -> '.join(cycle)}",
            "a DAG (a table may reference itself only through a nullable column)",
        )
