"""What a run shows while it works: a bar per table with rate and ETA, one per later stage.

Rich draws it on stderr, only on a terminal and never with --quiet; piped
output stays clean. `summary_line` is the final line with rows/s.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


class RunProgress:
    """Callbacks for `run_dataset`; a no-op when disabled (not a terminal, or --quiet)."""

    def __init__(self, console: Console, *, enabled: bool = True):
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.enabled = enabled and console.is_terminal
        self._progress = Progress(
            TextColumn("{task.description:<20}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:>14}"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=console,
            disable=not self.enabled,
            transient=False,
        )
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> RunProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(None, None, None)

    def on_block(self, table: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if table not in self._tasks:
            self._tasks[table] = self._progress.add_task(table, total=total, rate="")
        task_id = self._tasks[table]
        self._progress.update(task_id, completed=done)
        task = next(t for t in self._progress.tasks if t.id == task_id)
        elapsed = task.elapsed or 0.0
        if elapsed > 0:
            self._progress.update(task_id, rate=f"{done / elapsed:,.0f} rows/s")

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """A stage without a known size (finalising a database, validating, the report)."""
        if not self.enabled:
            yield
            return
        task_id = self._progress.add_task(name, total=None, rate="")
        try:
            yield
        finally:
            self._progress.update(task_id, total=1, completed=1)


def summary_line(rows: int, seconds: float, where: str) -> str:
    rate = rows / seconds if seconds > 0 else 0.0
    return f"{rows:,} rows in {seconds:.2f}s ({rate:,.0f} rows/s) -> {where}"
