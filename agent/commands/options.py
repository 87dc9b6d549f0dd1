"""Options shared by the commands that read a generated dataset."""

from __future__ import annotations

from pathlib import Path

import click

data_dir_option = click.option(
    "--data",
    "-d",
    "data_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory holding one file per table (<table>.parquet, .csv, .jsonl or .json).",
)
