"""Arguments and options shared by several commands, so each flag means one thing everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from datagen.examples import PREFIX, example_names, example_path


class SchemaPath(click.ParamType):
    """A schema file (JSON or YAML), or `example:NAME` for a schema shipped with datagen."""

    name = "schema"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        if isinstance(value, Path):
            return value
        text = str(value)
        if text.startswith(PREFIX):
            name = text[len(PREFIX) :]
            path = example_path(name)
            if path is None:
                self.fail(
                    f"no example named {name!r}; choose from: {', '.join(example_names())} "
                    "(`datagen examples` lists them)",
                    param,
                    ctx,
                )
            return path
        path = Path(text)
        if path.is_dir():
            self.fail(f"{text!r} is a directory, not a schema file", param, ctx)
        return path


schema_argument = click.argument("schema", type=SchemaPath())

data_dir_option = click.option(
    "--data",
    "-d",
    "data_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory holding one file per table (<table>.parquet, .csv, .jsonl or .json).",
)


def _check_data_format(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from datagen.engine.errors import InputError
    from datagen.engine.formats import readable_format

    try:
        return readable_format(value, flag="format").name
    except InputError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


data_format_option = click.option(
    "--data-format",
    default=None,
    metavar="FORMAT",
    callback=_check_data_format,
    help="Format the data was written in: parquet, csv, jsonl, json, sqlite, duckdb, postgres "
    "[default: from .metadata.json, else the files found].",
)

dsn_option = click.option(
    "--dsn",
    envvar="DATAGEN_DSN",
    default=None,
    metavar="URL",
    help="PostgreSQL to read a dataset loaded with --format postgres [env DATAGEN_DSN].",
)
