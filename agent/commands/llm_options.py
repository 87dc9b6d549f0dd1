"""The flags that choose and tune the author: shared by create, chat and eval."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from click.shell_completion import CompletionItem

from datagen.agent.commands.options import Range


def _complete_provider(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    from datagen.agent.providers import provider_names

    return [CompletionItem(n) for n in provider_names() if n.startswith(incomplete)]


def provider_option(help_text: str, default: str | None = None) -> Callable[[Any], Any]:
    # Not a click.Choice: the names come from the registry (entry points, run-time
    # registrations), read only when the provider is built.
    return click.option(
        "--provider",
        default=default,
        metavar="NAME",
        shell_complete=_complete_provider,
        show_default=default is not None,
        help=help_text,
    )


def model_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """--model, --base-url, --max-tokens, --plan, --timeout (provider defaults when unset)."""
    for option in reversed(
        [
            click.option(
                "--model",
                default=None,
                help="LLM model [default: $DATAGEN_MODEL, else claude-sonnet-4-6 (anthropic) "
                "or gpt-4.1 (openai)].",
            ),
            click.option(
                "--base-url",
                default=None,
                metavar="URL",
                help="API base URL [default: $ANTHROPIC_BASE_URL or $OPENAI_BASE_URL]; for a "
                "local server with --provider openai, e.g. http://localhost:11434/v1 (Ollama).",
            ),
            click.option(
                "--max-tokens",
                type=click.IntRange(256, 128_000),
                default=None,
                metavar="N",
                help="Output budget per model reply [default: 16000]; a reply cut at it is "
                "retried once, streamed, with twice the budget.",
            ),
            click.option(
                "--plan",
                is_flag=True,
                help="Plan, then write: a first call lists the tables, relations and how each "
                "claim of the description is modelled; the draft follows that plan.",
            ),
            click.option(
                "--timeout",
                type=Range(1, 3600),
                default=None,
                metavar="SECONDS",
                help="Read timeout of one API request [default: 300].",
            ),
        ]
    ):
        f = option(f)
    return f


PROVIDER_HELP = (
    "Who writes the schema: anthropic, openai (OpenAI or a local OpenAI-compatible server), "
    "offline, or a plugin's name [default: anthropic when ANTHROPIC_API_KEY is set, else offline]."
)
