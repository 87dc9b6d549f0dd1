"""The validator: structural, value and behavioural checks, and the quality score.

    report = validate_dataset(dataset, "out/")          # files (parquet or csv)
    report = validate_tables(dataset, tables, rows_expected={...})   # a dry run
    report.score, report.failed(), report.to_dict()

Modules: `source` reads tables column by column, `structural`, `values` and
`behavioral` yield checks, `report` scores them, `console` prints them,
`replay` proves determinism. The JSON report is documented in docs/report.md.
"""

from datagen.engine.validate.console import render_console
from datagen.engine.validate.replay import replay
from datagen.engine.validate.report import BASE_WEIGHTS, Check, Report, compute_score
from datagen.engine.validate.run import (
    REPORT_FILE,
    validate_dataset,
    validate_generated,
    validate_tables,
)

__all__ = [
    "BASE_WEIGHTS",
    "REPORT_FILE",
    "Check",
    "Report",
    "compute_score",
    "render_console",
    "replay",
    "validate_dataset",
    "validate_generated",
    "validate_tables",
]
