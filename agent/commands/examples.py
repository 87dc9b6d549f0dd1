"""`datagen examples`: the example schemas shipped with datagen, one line each."""

from __future__ import annotations

import click

from datagen.examples import PREFIX, example_names, example_summary


@click.command("examples")
def examples_cmd() -> None:
    """List the example schemas shipped with datagen; use one as `example:NAME`.

    \b
    Examples:
      datagen examples
      datagen generate example:shop --out out/shop
    """
    names = example_names()
    width = max(len(PREFIX + name) for name in names)
    for name in names:
        click.echo(f"{PREFIX + name:<{width}}  {example_summary(name)}")
