"""Blocks as Dask tasks: the same pure block function, run on a cluster.

The plan and the kept columns of earlier tables are sent once per table, as
tasks (recomputed if the worker holding them dies). Two ways to run a table:
- a single file per table: each block is one task, its batch comes back to the
  client in block order and is written there;
- partitioned output (`--partition-rows`, `--partition-by`): each part is one
  task that computes its blocks and writes its part files straight to the
  destination (a path every worker sees), returning only the kept columns later
  tables read and each file's rows, bytes and hash. No table data crosses the
  client, so adding workers adds write throughput.
Tasks are retried by Dask on a lost worker (`retries`): blocks and parts are
pure and written under a temporary name then renamed, so a retry gives the
same bytes, identical to the threads path.
"""

from __future__ import annotations

import os
import pickle
import uuid
from collections.abc import Iterator
from typing import Any

from datagen.engine.block import BlockOutput, TableRun, block_output
from datagen.engine.errors import InputError
from datagen.engine.executors import PartJob, in_order_window
from datagen.engine.parts import PartOutput, part_count, write_part
from datagen.engine.plan import Plan
from datagen.engine.store import TableStore

TASK_RETRIES = 3
CONNECT_TIMEOUT = "DATAGEN_DASK_CONNECT_TIMEOUT"  # seconds to reach --address [default 20]


def connect_timeout() -> str:
    """How long to wait for a scheduler at --address: $DATAGEN_DASK_CONNECT_TIMEOUT, else 20 s."""
    value = os.environ.get(CONNECT_TIMEOUT, "20")
    try:
        seconds = float(value)
    except ValueError:
        raise InputError(f"${CONNECT_TIMEOUT}={value!r}: give a number of seconds") from None
    return f"{seconds:g}s"


def _given(value: Any) -> Any:
    return value


def _pickled(fn: Any, *args: Any) -> bytes:
    """fn's result, pickled where it runs. Left to Dask, a result's arrays go through its
    numpy serializer, which ships an ndarray subclass as a plain array: exact decimals
    (engine/decimals.py) would lose their units and an aggregate its last cent."""
    return pickle.dumps(fn(*args), protocol=pickle.HIGHEST_PROTOCOL)


class DaskExecutor:
    starts_eagerly = False

    def __init__(self, workers: int, address: str | None = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InputError(
                "--scheduler dask needs Dask: pip install 'datagen[dask]' (dask[distributed])"
            ) from None
        self.cluster: Any = None
        try:
            if address:
                self.client = Client(address, timeout=connect_timeout())
            else:
                self.cluster = LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
                )
                self.client = Client(self.cluster)
        except (OSError, TimeoutError) as exc:
            self.close()
            raise InputError(
                f"--address {address}: cannot reach the Dask scheduler ({exc})"
            ) from None
        except ValueError as exc:  # Dask's parse of a malformed address (`host`, no port)
            self.close()
            if not address:
                raise
            raise InputError(
                f"--address {address}: not a Dask scheduler address such as tcp://HOST:8786 ({exc})"
            ) from None
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)
        self.token = uuid.uuid4().hex[:12]
        # table -> bytes of the results the client got back (batches, kept columns, listings)
        self.received_bytes: dict[str, int] = {}

    def _inputs(self, plan: Plan, run: TableRun, store: TableStore) -> tuple[Any, Any, Any]:
        """A table's inputs as tasks, not scattered data: a worker that dies holding them
        cannot lose them (the scheduler recomputes a task; scattered data would be gone)."""
        table = run.table.node.id
        plan_f, run_f, store_f = (
            self.client.submit(_given, value, key=f"datagen-{name}-{table}-{self.token}")
            for name, value in (("plan", plan), ("run", run), ("store", store))
        )
        return plan_f, run_f, store_f

    def _task(self, fn: Any, *args: Any, key: str) -> Any:
        # a unique key per run: two runs sharing a cluster never take each other's results
        return self.client.submit(
            _pickled, fn, *args, key=f"{key}-{self.token}", retries=TASK_RETRIES, pure=False
        )

    def _results(self, table: str, futures: Iterator[bytes]) -> Iterator[Any]:
        """The tasks' results in order, unpickled; what the client received, counted."""
        for data in futures:
            self.received_bytes[table] = self.received_bytes.get(table, 0) + len(data)
            yield pickle.loads(data)

    def map_blocks(
        self, plan: Plan, run: TableRun, store: TableStore, keep: tuple[str, ...]
    ) -> Iterator[BlockOutput]:
        if run.blocks == 0:
            return
        plan_f, run_f, store_f = self._inputs(plan, run, store)
        table = run.table.node.id
        futures = in_order_window(
            lambda block: self._task(
                block_output, plan_f, run_f, block, store_f, keep, key=f"datagen-{table}-{block}"
            ),
            run.blocks,
            2 * self.workers,
        )
        yield from self._results(table, futures)

    def map_parts(
        self, plan: Plan, run: TableRun, store: TableStore, keep: tuple[str, ...], job: PartJob
    ) -> Iterator[PartOutput]:
        parts = part_count(run, job.partitioning)
        if parts == 0:
            return
        plan_f, run_f, store_f = self._inputs(plan, run, store)
        table = run.table.node.id
        outputs = in_order_window(
            lambda part: self._task(
                write_part,
                plan_f,
                run_f,
                part,
                store_f,
                keep,
                job.destination,
                job.partitioning,
                job.dictionary_columns,
                key=f"datagen-{table}-part-{part}",
            ),
            parts,
            2 * self.workers,
        )
        yield from self._results(table, outputs)

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
        if self.cluster is not None:
            self.cluster.close()
