"""Arguments and options shared by several commands, so each flag means one thing everywhere."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from datagen.agent import evals
from datagen.engine import names
from datagen.examples import PREFIX, example_names, example_path


class Range(click.FloatRange):
    """A number within [min, max]; click's FloatRange lets `nan` through (every comparison
    with it is false), which would make `score >= nan` fail every run."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number != number:  # nan
            self.fail(f"{value!r} is not a number", param, ctx)
        return number


SCORE = Range(0, 100)  # --min-score everywhere


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


# The engine's corruption profiles, SQL dialects and default seed and the eval providers, from
# modules that import nothing, so that a command's --help and its option completion import no
# engine module (tests/test_architecture_startup.py)
PROFILE_NAMES = names.PROFILES
DIALECT_NAMES = names.DIALECTS
DEFAULT_SEED = names.DEFAULT_SEED
EVAL_PROVIDER_NAMES = evals.EVAL_PROVIDERS

schema_argument = click.argument("schema", type=SchemaPath())

DATA_DIR = click.Path(file_okay=False, path_type=Path)


def data_dir_option(func: F) -> F:
    """--data DIRECTORY (required); `-d` was its short form and now means --description."""
    func = deprecated_alias("-d", dest="data_dir", use="--data", required=True, type=DATA_DIR)(func)
    return click.option(
        "--data",
        "data_dir",
        default=None,
        type=DATA_DIR,
        help="Directory of the dataset (as written by generate) [required].",
    )(func)


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


# --------------------------------------------------------------------------- one meaning per flag

F = TypeVar("F", bound=Callable[..., Any])


def warn_deprecated(old: str, use: str) -> None:
    click.echo(f"warning: {old} is deprecated here; use {use}", err=True)


def deprecated_alias(
    *decls: str, dest: str, use: str, required: bool = False, **attrs: Any
) -> Callable[[F], F]:
    """A hidden old spelling of an option: still works, prints one line of warning.

    `dest` is the new option's parameter; `required` moves the new option's
    required check here, so that the old spelling alone is enough.
    """
    hidden = "deprecated_" + "_".join(d.lstrip("-").replace("-", "_") for d in decls)

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            value = kwargs.pop(hidden, None)
            if value is not None:
                warn_deprecated("/".join(decls), use)
                kwargs[dest] = value
            if required and kwargs.get(dest) is None:
                raise click.UsageError(f"Missing option '{use}'.")
            return func(*args, **kwargs)

        return click.option(*decls, hidden, hidden=True, default=None, **attrs)(wrapper)  # type: ignore[return-value]

    return decorate


@dataclass(frozen=True)
class Say:
    """How a command talks on the console: --output text|json (--json), --quiet, --verbose."""

    output: str = "text"
    quiet: bool = False
    verbose: bool = False

    @property
    def json(self) -> bool:
        return self.output == "json"

    @property
    def chatty(self) -> bool:
        """Progress and notes on stderr: text output, not --quiet."""
        return not self.quiet and not self.json


def console_options(func: F) -> F:
    """--output, --json, --quiet and --verbose, handed to the command as one `say` argument."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        output = "json" if kwargs.pop("as_json") else kwargs.pop("output")
        kwargs.pop("output", None)
        say = Say(output, quiet=kwargs.pop("quiet"), verbose=kwargs.pop("verbose"))
        if say.quiet and say.verbose:
            raise click.UsageError("--quiet and --verbose exclude each other: give one")
        return func(*args, say=say, **kwargs)

    for option in (
        click.option("--verbose", "-v", is_flag=True, help="Say more (each stage, each file)."),
        click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors and results."),
        click.option("--json", "as_json", is_flag=True, help="Same as --output json."),
        click.option(
            "--output",
            type=click.Choice(["text", "json"]),
            default="text",
            show_default=True,
            help="Console output: text for people, json for programs (on stdout).",
        ),
    ):
        wrapper = option(wrapper)
    return wrapper  # type: ignore[return-value]


def plain_console(*, stderr: bool = False) -> Any:
    """A Rich console that does not wrap at 80 columns when piped (a terminal keeps its width)."""
    import shutil

    from rich.console import Console

    console = Console(stderr=stderr)
    if not console.is_terminal:
        # not a terminal: lines as long as they are, no colour codes, no fold at 80
        width = max(shutil.get_terminal_size((200, 24)).columns, 200)
        console = Console(stderr=stderr, width=width, soft_wrap=True)
    console.on_broken_pipe = _closed_pipe  # type: ignore[method-assign]
    return console


def _closed_pipe() -> None:
    """The reader went away (`| head`): stop quietly with 141, as a shell tool does."""
    from datagen.agent.cli import CLOSED_PIPE, quiet_closed_pipe

    quiet_closed_pipe()
    raise SystemExit(CLOSED_PIPE)


def stage_progress(say: Say) -> Any:
    """A progress display on stderr for a command's stages (off when piped or --quiet)."""
    from datagen.engine.run.progress import RunProgress

    return RunProgress(plain_console(stderr=True), enabled=say.chatty)
