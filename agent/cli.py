"""The `datagen` command line: a thin click app. Logic lives in the engine and the loop.

Exit codes: 0 success; 1 a failed check or a failed authoring run; 2 bad input
(a flag, a file, a schema), with a message that names the place.
"""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.markup import escape

from datagen.agent.commands.chat import chat_cmd
from datagen.agent.commands.create import create_cmd
from datagen.agent.commands.ddl import ddl_cmd
from datagen.agent.commands.describe import describe_cmd
from datagen.agent.commands.eval import eval_cmd
from datagen.agent.commands.generate import generate_cmd
from datagen.agent.commands.report import report_cmd
from datagen.agent.commands.schema import schema_cmd
from datagen.agent.commands.validate import validate_cmd
from datagen.engine import __version__
from datagen.engine.errors import DatagenError, SchemaError, describe_os_error
from datagen.engine.redact import redact

EXAMPLES = """
\b
Examples:
  datagen create --description "a bank with 5k customers, accounts and card payments in 2024"
  datagen generate examples/shop.json --out out/shop --seed 42
  datagen validate examples/shop.json --data out/shop
  datagen describe examples/bank.json
"""


class DatagenGroup(click.Group):
    """Maps user-facing errors to exit code 2 with a readable message, once, here."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except SchemaError as exc:
            err = Console(stderr=True, highlight=False)
            where = f" in {escape(exc.source)}" if exc.source else ""
            err.print(f"[bold red]error:[/] the schema has {len(exc.problems)} problem(s){where}:")
            for problem in exc.problems:
                err.print(f"  - {redact(problem.render())}", markup=False)
            sys.exit(2)
        except DatagenError as exc:
            _print_error(str(exc))
            sys.exit(getattr(exc, "exit_code", 2))
        except OSError as exc:  # disk full, read-only folder: the run failed, not the input
            _print_error(describe_os_error(exc))
            sys.exit(1)


def _print_error(text: str) -> None:
    """One line to stderr: secrets hidden, user text never read as rich markup."""
    err = Console(stderr=True, highlight=False)
    err.print(f"[bold red]error:[/] {escape(redact(text))}")


@click.group(
    cls=DatagenGroup, epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="datagen")
def main() -> None:
    """Turn a plain-English description into a realistic, relational, deterministic dataset.

    Write or author a schema (our JSON DSL), generate tables from it, and score
    them with the validator. Every run with the same schema and seed gives the
    same bytes.
    """


main.add_command(create_cmd)
main.add_command(chat_cmd)
main.add_command(generate_cmd)
main.add_command(validate_cmd)
main.add_command(report_cmd)
main.add_command(describe_cmd)
main.add_command(ddl_cmd)
main.add_command(schema_cmd)
main.add_command(eval_cmd)
