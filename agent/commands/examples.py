"""`datagen examples`: the example schemas shipped with datagen, one line each."""

from __future__ import annotations

import json

import click

from datagen.agent.commands.options import Say, console_options
from datagen.examples import PREFIX, example_names, example_summary


@click.command("examples")
@console_options
def examples_cmd(say: Say) -> None:
    """List the example schemas shipped with datagen; use one as `example:NAME`.

    \b
    Examples:
      datagen examples
      datagen generate example:shop --out out/shop
    """
    names = example_names()
    if say.json:
        click.echo(json.dumps({PREFIX + n: example_summary(n) for n in names}, indent=2))
        return
    width = max(len(PREFIX + name) for name in names)
    for name in names:
        click.echo(f"{PREFIX + name:<{width}}  {example_summary(name)}")
