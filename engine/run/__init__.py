"""One run of the engine: seed, generate, validate, report, publish, progress.

`datagen generate`, `datagen create` and `/generate` in `datagen chat` all
call `run_dataset`; none of them strings the stages together itself. The
seed follows one rule everywhere (`resolve_seed`), so a schema with its own
`seed` gives the same bytes whichever command generates it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from datagen.engine import dsl
from datagen.engine.errors import InputError
from datagen.engine.names import DEFAULT_SEED

if TYPE_CHECKING:
    from datagen.engine.execute import GenerationResult
    from datagen.engine.run.progress import RunProgress
    from datagen.engine.validate import Report

REPORT_JSON = "report.json"


def resolve_seed(flag: int | None, dataset: dsl.Dataset | None = None) -> int:
    """The seed of a run: the --seed flag, else the schema's own `seed`, else 42."""
    if flag is not None:
        return flag
    if dataset is not None and dataset.seed is not None:
        return dataset.seed
    return DEFAULT_SEED


@dataclass
class RunOptions:
    """What to generate and what to do with it; the defaults are `datagen generate`'s."""

    formats: list[str] = field(default_factory=lambda: ["parquet"])
    rows: dict[str, int] = field(default_factory=dict)
    scale: float = 1.0
    profile: str = "clean"
    dsn: str | None = None
    workers: int | None = None  # None: every core
    scheduler: str = "threads"
    address: str | None = None
    validate: bool = False  # validate after generating
    report_json: bool = True  # and write report.json beside the data
    html: bool = False  # also the HTML report (validates too)
    html_path: Path | None = None  # where the HTML goes [default: <out>/report.html]
    min_score: float | None = None  # shown on the HTML page
    force: bool = False  # --out may hold the user's files (kept); no disk-space check
    partition_rows: int | None = None  # tables as folders of Parquet part files (engine/parts.py)
    partition_by: str | None = None


@dataclass
class RunResult:
    dataset: dsl.Dataset
    seed: int
    out: Path
    generated: GenerationResult
    seconds: float  # generation, from the first block to the published directory
    report: Report | None = None
    html: Path | None = None

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.generated.tables)

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds > 0 else 0.0


def run_dataset(
    dataset: dsl.Dataset,
    out: str | Path,
    *,
    seed: int | None = None,
    options: RunOptions | None = None,
    progress: RunProgress | None = None,
) -> RunResult:
    """Generate `dataset` into `out` (published whole or not at all), then validate and
    report as `options` ask. `seed` is the --seed flag: None applies `resolve_seed`."""
    from datagen.engine.execute import default_workers, generate_dataset
    from datagen.engine.parts import is_url

    options = options or RunOptions()
    target = str(out) if is_url(out) else Path(out)
    if isinstance(target, str) and (options.validate or options.html):
        raise InputError(f"--out {target}: --validate and --html read a local folder")
    if options.validate or options.html:
        _check_readable(options.formats)
    seed = resolve_seed(seed, dataset)
    started = time.perf_counter()
    generated = generate_dataset(
        dataset,
        target,
        seed=seed,
        fmt=options.formats,
        rows=options.rows,
        scale=options.scale,
        on_block=progress.on_block if progress is not None else None,
        on_stage=progress.stage if progress is not None else None,
        workers=options.workers or default_workers(),
        profile=options.profile,
        dsn=options.dsn,
        scheduler=options.scheduler,
        address=options.address,
        force=options.force,
        reserved=_reserved(options),
        partition=_partitioning(options),
    )
    folder = generated.out_dir
    result = RunResult(dataset, seed, folder, generated, time.perf_counter() - started)
    if options.validate or options.html:
        result.report = validate_run(dataset, folder, options, progress)
    if options.html and result.report is not None:
        result.html = report_run(dataset, folder, result.report, options, progress)
    return result


def _check_readable(formats: list[str]) -> None:
    """--validate/--html read the tables back: refused before generating, not after."""
    from datagen.engine.formats import get_format, table_format_names

    if all(get_format(name).open_tables is None for name in formats):
        listed = ",".join(formats)
        raise InputError(
            f"--validate and --html read the tables back, and --format {listed} writes none "
            f"that can be read: add one of {', '.join(table_format_names())} "
            f"(e.g. --format parquet,{listed})"
        )


def _partitioning(options: RunOptions):  # type: ignore[no-untyped-def]
    if options.partition_rows is None and options.partition_by is None:
        return None
    from datagen.engine.parts import Partitioning

    return Partitioning(options.partition_rows, options.partition_by)


def _reserved(options: RunOptions) -> tuple[str, ...]:
    """Files this run adds beside the data after generating it."""
    names = []
    if (options.validate or options.html) and options.report_json:
        names.append(REPORT_JSON)
    if options.html and options.html_path is None:
        from datagen.engine.htmlreport import HTML_FILE  # matplotlib: only when asked for

        names.append(HTML_FILE)
    return tuple(names)


def validate_run(
    dataset: dsl.Dataset, out: Path, options: RunOptions, progress: RunProgress | None = None
) -> Report:
    """Validate the published data (and write `report.json` beside it, unless told not to)."""
    from datagen.engine.validate import validate_dataset

    with _stage(progress, "validating"):
        report = validate_dataset(dataset, out, dsn=options.dsn)
    if options.report_json:
        from datagen.engine.publish import claim

        claim(out, REPORT_JSON).write_text(json.dumps(report.to_dict(), indent=2) + "\n")
    return report


def report_run(
    dataset: dsl.Dataset,
    out: Path,
    report: Report,
    options: RunOptions,
    progress: RunProgress | None = None,
) -> Path:
    from datagen.engine.htmlreport import HTML_FILE, write_html_report
    from datagen.engine.publish import claim

    if options.html_path is None:
        claim(out, HTML_FILE)
    with _stage(progress, "writing the report"):
        return write_html_report(
            dataset,
            out,
            report,
            out=options.html_path,
            min_score=options.min_score,
            dsn=options.dsn,
        )


def _stage(progress: RunProgress | None, name: str):  # type: ignore[no-untyped-def]
    from contextlib import nullcontext

    return progress.stage(name) if progress is not None else nullcontext()
