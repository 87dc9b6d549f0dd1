"""`datagen schema`: the DSL's JSON Schema, generated from the models."""

from __future__ import annotations

import json

import click


@click.command("schema")
@click.option("--indent", default=2, show_default=True, help="JSON indentation (0 for one line).")
def schema_cmd(indent: int) -> None:
    """Print the JSON Schema of the DSL (version 1.0).

    \b
    Example:
      datagen schema > datagen.schema.json
    """
    from datagen.engine.dsl import json_schema

    click.echo(json.dumps(json_schema(), indent=indent or None, sort_keys=True))
