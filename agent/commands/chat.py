"""`datagen chat`: a conversational session that builds and refines one schema.

Thin: read the flags, build the provider and the session (agent/repl.py), then
run it on the terminal (prompt_toolkit) or, with no terminal or --plain, on
lines read from stdin.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from datagen.agent.commands.llm_options import PROVIDER_HELP, model_options, provider_option
from datagen.agent.commands.options import SCORE
from datagen.agent.providers import default_provider_name, get_provider


@click.command("chat")
@click.option(
    "--schema",
    "schema_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Start from this schema (else the first message describes the dataset).",
)
@click.option(
    "--description", "-d", metavar="TEXT", default=None, help="Start from this description."
)
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where /save and /generate write [default: beside --schema, else out/<name>].",
)
@provider_option(PROVIDER_HELP)
@model_options
@click.option(
    "--seed", type=int, default=None, help="Master seed [default: the schema's `seed`, else 42]."
)
@click.option(
    "--min-score",
    type=SCORE,
    default=90.0,
    show_default=True,
    help="An edit whose dry run scores below this is repaired, then refused.",
)
@click.option(
    "--history-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Line history [default: $DATAGEN_CHAT_HISTORY, else $XDG_DATA_HOME/datagen/chat_history].",
)
@click.option("--plain", is_flag=True, help="Read lines from stdin even on a terminal.")
def chat_cmd(
    schema_file: Path | None,
    description: str | None,
    out: Path | None,
    provider: str | None,
    model: str | None,
    base_url: str | None,
    max_tokens: int | None,
    plan: bool,
    timeout: float | None,
    seed: int | None,
    min_score: float,
    history_file: Path | None,
    plain: bool,
) -> None:
    """Build a dataset in a conversation: describe it, then refine it message by message.

    Every message goes through the same checked loop as `datagen create`; after
    each accepted edit the schema diff and the dry-run score are printed. Type
    /help for the commands. Without a terminal (or with --plain), lines are read
    from stdin, one message or command each, and the command exits 1 when an edit
    or a command failed.

    \b
    Examples:
      datagen chat
      datagen chat --schema out/shop/schema.json
      printf 'an online shop\\ncustomers: 5k\\n/save\\n/generate\\n' | datagen chat --out out/shop
    """
    from rich.console import Console

    from datagen.agent.loop import DefaultAnswerer, LoopSettings, TerminalAnswerer
    from datagen.agent.repl import ChatSession, default_history_path, run_plain, run_terminal
    from datagen.engine.load import load_dataset
    from datagen.engine.run import resolve_seed

    interactive = not plain and sys.stdin.isatty() and sys.stdout.isatty()
    console = Console(highlight=False, soft_wrap=not interactive)
    author_ = get_provider(
        provider or default_provider_name(),
        model=model,
        base_url=base_url,
        max_tokens=max_tokens,
        timeout=timeout,
        plan=plan,
    )
    loaded = load_dataset(schema_file) if schema_file is not None else None
    session = ChatSession(
        author_,
        console,
        # every claim of a message is repaired while repairs remain, as in create
        LoopSettings(seed=resolve_seed(seed, loaded), min_score=min_score, min_fidelity=1.0),
        answerer=TerminalAnswerer() if interactive else DefaultAnswerer(),
        out=out,
        schema_path=schema_file,
        seed=seed,
    )
    if schema_file is not None and loaded is not None:
        session.start(loaded.to_json_dict(), schema_file)
        console.print(f"editing {schema_file}", markup=False)
    else:
        session.start()
    if interactive:
        console.print("datagen chat: describe your dataset, or /help", markup=False)
    if description:
        session.handle(description)
    if interactive:
        run_terminal(session, history_file or default_history_path())
    elif run_plain(session, sys.stdin):
        sys.exit(1)  # a script whose edits or commands failed did not do what it says


__all__ = ["chat_cmd"]

if __name__ == "__main__":  # `python -m datagen.agent.commands.chat`, before it is registered
    chat_cmd()
