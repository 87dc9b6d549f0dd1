"""Where blocks are computed: inline, on a thread pool (or on Dask: engine/distributed.py).

Every executor hands blocks back strictly in block order, so the bytes
written do not depend on the number of workers or the scheduler.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from datagen.engine.block import BlockOutput, TableRun, block_output
from datagen.engine.parts import Partitioning, PartOutput, part_count, write_part
from datagen.engine.plan import Plan
from datagen.engine.store import TableStore


@dataclass(frozen=True)
class PartJob:
    """Where and how a table's part files are written (see engine/parts.py)."""

    destination: str
    partitioning: Partitioning
    dictionary_columns: list[str]


class BlockExecutor(Protocol):
    """Runs blocks somewhere (threads, a Dask cluster) and hands them back in order."""

    def map_blocks(
        self, plan: Plan, run: TableRun, store: TableStore, keep: tuple[str, ...]
    ) -> Iterator[BlockOutput]: ...

    # whether map_blocks starts computing when called, not when first read: then a
    # table whose parents are done is started while the table before it is read
    starts_eagerly: bool

    def map_parts(
        self, plan: Plan, run: TableRun, store: TableStore, keep: tuple[str, ...], job: PartJob
    ) -> Iterator[PartOutput]:
        """Each part computed and written where it runs; its kept columns and files, in order."""
        ...

    def close(self) -> None: ...


class InlineExecutor:
    starts_eagerly = False

    def map_blocks(
        self, plan: Plan, run: TableRun, store: TableStore, keep: tuple[str, ...]
    ) -> Iterator[BlockOutput]:
        for b in range(run.blocks):
            yield block_output(plan, run, b, store, keep)

    def map_parts(
        self, plan: Plan, run: TableRun, store: TableStore, keep: tuple[str, ...], job: PartJob
    ) -> Iterator[PartOutput]:
        for part in range(part_count(run, job.partitioning)):
            yield _write_part(plan, run, part, store, keep, job)

    def close(self) -> None:
        pass


class ThreadExecutor:
    """numpy and Arrow release the GIL in their kernels, so threads scale on blocks."""

    starts_eagerly = True

    def __init__(self, workers: int):
        self.workers = workers
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="datagen-block")

    def map_blocks(
        self, plan: Plan, run: TableRun, store: TableStore, keep: tuple[str, ...]
    ) -> Iterator[BlockOutput]:
        return OrderedWindow(
            lambda b: self.pool.submit(block_output, plan, run, b, store, keep),
            run.blocks,
            self.workers + 1,
        )

    def map_parts(
        self, plan: Plan, run: TableRun, store: TableStore, keep: tuple[str, ...], job: PartJob
    ) -> Iterator[PartOutput]:
        """A part per thread, computed and encoded there: every core encodes Parquet."""
        yield from in_order_window(
            lambda part: self.pool.submit(_write_part, plan, run, part, store, keep, job),
            part_count(run, job.partitioning),
            self.workers + 1,
        )

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def _write_part(
    plan: Plan, run: TableRun, part: int, store: TableStore, keep: tuple[str, ...], job: PartJob
) -> PartOutput:
    return write_part(
        plan, run, part, store, keep, job.destination, job.partitioning, job.dictionary_columns
    )


def in_order_window(submit: Callable[[int], Any], blocks: int, window_size: int) -> Iterator[Any]:
    """Results of submit(0..blocks-1) in order, with a bounded window in flight (flat memory)."""
    window: deque[Any] = deque()
    next_block = 0
    while next_block < blocks or window:
        while next_block < blocks and len(window) < window_size:
            window.append(submit(next_block))
            next_block += 1
        yield window.popleft().result()


class OrderedWindow:
    """in_order_window that submits its first window when made, not when first read."""

    def __init__(self, submit: Callable[[int], Any], blocks: int, window_size: int):
        self._submit, self._blocks, self._size = submit, blocks, window_size
        self._window: deque[Any] = deque()
        self._next = 0
        self._fill()

    def _fill(self) -> None:
        while self._next < self._blocks and len(self._window) < self._size:
            self._window.append(self._submit(self._next))
            self._next += 1

    def __iter__(self) -> OrderedWindow:
        return self

    def __next__(self) -> Any:
        self._fill()
        if not self._window:
            raise StopIteration
        return self._window.popleft().result()


def default_workers() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )
