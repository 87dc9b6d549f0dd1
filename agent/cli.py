"""The `datagen` command line: a thin click app. Logic lives in the engine and the loop.

Exit codes: 0 success; 1 a failed check or a failed authoring run; 2 bad input
(a flag, a file, a schema), with a message that names the place; 130 on Ctrl-C.

Commands are imported only when run (or when their own help is asked for), so
`datagen --version` and `datagen --help` start without numpy, pyarrow or an SDK.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from datagen.engine import __version__
from datagen.engine.errors import DatagenError, SchemaError, describe_os_error
from datagen.engine.redact import redact

# name -> ("module:function", one-line help shown by `datagen --help`). Adding a command is one line.
COMMANDS: dict[str, tuple[str, str]] = {
    "create": ("datagen.agent.commands.create:create_cmd", "Describe a dataset in English; get a schema, the data and a quality report."),
    "chat": ("datagen.agent.commands.chat:chat_cmd", "Build a dataset in a conversation, message by message."),
    "generate": ("datagen.agent.commands.generate:generate_cmd", "Generate the tables of a schema into a directory."),
    "validate": ("datagen.agent.commands.validate:validate_cmd", "Check a dataset against its schema and print a quality score."),
    "report": ("datagen.agent.commands.report:report_cmd", "Write a self-contained HTML quality report for a dataset."),
    "describe": ("datagen.agent.commands.describe:describe_cmd", "Show tables, estimated rows, DAG levels, keys and constraints."),
    "import": ("datagen.agent.commands.import_:import_cmd", "Turn SQL DDL or a live database into a schema (bring your own schema)."),
    "ddl": ("datagen.agent.commands.ddl:ddl_cmd", "Print the CREATE TABLE statements of a schema."),
    "schema": ("datagen.agent.commands.schema:schema_cmd", "Print the JSON Schema of the DSL."),
    "claims": ("datagen.agent.commands.claims:claims_cmd", "List the claims a description states (what the data will be checked for)."),
    "examples": ("datagen.agent.commands.examples:examples_cmd", "List the example schemas shipped with datagen."),
    "eval": ("datagen.agent.commands.eval:eval_cmd", "Run the authoring evals and score each case."),
}  # fmt: skip

EXAMPLES = """
\b
Examples:
  datagen create --description "a bank with 5k customers, accounts and card payments in 2024"
  datagen generate example:shop --out out/shop --seed 42
  datagen validate example:shop --data out/shop
  datagen describe example:bank
  datagen examples
"""


def report_error(message: str) -> None:
    """One red `error:` line (or block) on stderr, secrets hidden, user text never markup."""
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"[bold red]error:[/] {escape(redact(message))}", markup=True
    )


INTERRUPTED = 130  # 128 + SIGINT, as shells report it
CLOSED_PIPE = 141  # 128 + SIGPIPE: `datagen describe x | head` stopped reading


def quiet_closed_pipe() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file descriptor (e.g. under CliRunner)
        pass


class DatagenGroup(click.Group):
    """A lazy group over COMMANDS that maps user-facing errors to exit codes, once, here."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *sorted(set(self.commands) - set(COMMANDS))]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in COMMANDS:
            return None
        module_name, _, attr = COMMANDS[cmd_name][0].partition(":")
        command: click.Command = getattr(importlib.import_module(module_name), attr)
        self.commands[cmd_name] = command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The one-line help comes from the table, so `--help` imports no command module.
        rows = [(name, help_text) for name, (_, help_text) in COMMANDS.items()]
        rows += [
            (n, c.get_short_help_str(80)) for n, c in self.commands.items() if n not in COMMANDS
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def shell_complete(
        self, ctx: click.Context, incomplete: str
    ) -> list[click.shell_completion.CompletionItem]:
        # Command names and their help from the table: a TAB imports no command module.
        from click.shell_completion import CompletionItem

        rows = [(name, help_text) for name, (_, help_text) in COMMANDS.items()]
        rows += [(n, c.get_short_help_str()) for n, c in self.commands.items() if n not in COMMANDS]
        found = [CompletionItem(n, help=h) for n, h in rows if n.startswith(incomplete)]
        return found + click.Command.shell_complete(self, ctx, incomplete)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SchemaError as exc:
            from rich.console import Console
            from rich.markup import escape

            err = Console(stderr=True, highlight=False, soft_wrap=True)
            where = f" in {escape(exc.source)}" if exc.source else ""
            err.print(f"[bold red]error:[/] the schema has {len(exc.problems)} problem(s){where}:")
            for line in exc.lines():
                err.print(f"  - {redact(line)}", markup=False)
            sys.exit(2)
        except DatagenError as exc:
            report_error(str(exc))
            sys.exit(getattr(exc, "exit_code", 2))
        except ModuleNotFoundError as exc:
            from datagen.engine.extras import missing_extra

            message = missing_extra(exc)
            if message is None:
                raise
            report_error(message)
            sys.exit(2)
        except KeyboardInterrupt:
            # Clean-up (temporary folders) already ran while the exception unwound.
            click.echo("\ninterrupted", err=True)
            sys.exit(INTERRUPTED)
        except BrokenPipeError:
            quiet_closed_pipe()
            sys.exit(CLOSED_PIPE)
        except OSError as exc:  # disk full, read-only folder: the run failed, not the input
            report_error(describe_os_error(exc))
            sys.exit(1)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # click's own: usage errors, --help, --version
        except Exception as exc:
            # A bug in datagen: one line for the user, the traceback only when asked for.
            if os.environ.get("DATAGEN_DEBUG"):
                raise
            report_error(
                f"internal error ({type(exc).__name__}: {exc}); this is a bug in datagen: "
                "please report it with the command you ran (DATAGEN_DEBUG=1 shows the traceback)"
            )
            sys.exit(1)


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


def run() -> None:
    """The console script: `main`, plus a prompt exit on Ctrl-C and a quiet one on a closed pipe."""
    try:
        main()
    except SystemExit as exc:
        code = exc.code
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            quiet_closed_pipe()
            code = CLOSED_PIPE
        except (OSError, ValueError):
            pass
        if code == INTERRUPTED:
            # Worker threads may still be inside a block; do not wait for them.
            sys.stderr.flush()
            os._exit(INTERRUPTED)
        raise SystemExit(code) from None
